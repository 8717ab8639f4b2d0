package triage

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode/utf8"
)

// The department model is a multinomial logistic regression over hashed features of a
// reading: word stems and stem bigrams inside a clause, character 2–3-grams inside each
// word (so that spaceless text still has features), the symptoms the lexicon found and
// who the patient is. It is trained at start-up on the train splits of the embedded
// corpora in a fixed order, so the same data always gives the same weights, and its
// probabilities are divided by a temperature fitted on a calibration fold of the train
// split (never on the dev split).
const (
	modelBuckets = 1 << 18
	longRunes    = 120
)

// modelConfig is what training is set by; the embedded weights use defaultModel, chosen
// by k-fold cross-validation on the train split (`heydoctor triage cv`), never on the dev
// split.
type modelConfig struct {
	Epochs   int
	Rate     float32
	L2       float32
	MinCount int // a feature seen in fewer training rows is dropped
	// Chief and Past scale the features of the chief-complaint sentence and of history
	// clauses in long messages, Worry those of worries, Title those of a title.
	Chief, Past, Worry, Title float32
	// CharMin and CharMax bound the character n-grams taken inside each word.
	CharMin, CharMax int
}

var defaultModel = modelConfig{
	Epochs: 14, Rate: 0.4, L2: 1e-6, MinCount: 2,
	Chief: 2.0, Past: 0.1, Worry: 0.5, Title: 1.5,
	CharMin: 2, CharMax: 3,
}

// model holds the weights of the features kept after training, by hashed bucket.
type model struct {
	cfg    modelConfig
	labels []string
	index  map[uint32]int32 // bucket -> row in w
	w      []float32        // rows of len(labels)
	bias   []float32
	temp   float64
}

type feat struct {
	h uint32
	v float32
}

func hashFeature(kind byte, parts ...string) uint32 {
	// FNV-1a of kind and the parts' bytes, as hash/fnv computes it, without the
	// allocations: it runs for every feature of every message.
	const offset32, prime32 = 2166136261, 16777619
	h := uint32(offset32)
	h = (h ^ uint32(kind)) * prime32
	for _, s := range parts {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint32(s[i])) * prime32
		}
	}
	return h % modelBuckets
}

// stem strips particles and verb endings (lexicon.tsv josa and eomi) from a word, longest
// first, keeping at least one syllable: "목이" → 목, "아파요" → 아파, "콧물이랑" → 콧물.
func (e *Engine) stem(w string) string {
	for range 2 {
		cut := false
		for _, suf := range e.lex.suffixes {
			if len(w) > len(suf) && strings.HasSuffix(w, suf) {
				w = w[:len(w)-len(suf)]
				cut = true
				break
			}
		}
		if !cut {
			break
		}
	}
	return w
}

// features turns a reading into weighted hashed features, L2-normalised so that a long
// post is not more confident than a short one for its length alone.
func (e *Engine) features(rd *reading) []feat {
	return e.featuresWith(rd, &e.model.cfg)
}

// featuresWith is features with the settings of cfg.
func (e *Engine) featuresWith(rd *reading, cfg *modelConfig) []feat {
	acc := make(map[uint32]float32, 64)
	add := func(kind byte, s string, v float32) { acc[hashFeature(kind, s)] += v }
	var cuts [64]int // byte offsets of a word's characters, for its n-grams
	c := rd.c
	long := utf8.RuneCountInString(c.s) >= longRunes
	chiefFrom, chiefTo := -1, -1
	if long {
		if k := e.chiefClause(rd); k >= 0 {
			chiefFrom, chiefTo = sentenceOf(rd, k)
		}
	}
	titleEnd := titleEnd(c)
	for ci, cl := range rd.cls {
		wgt := float32(1)
		switch {
		case ci >= chiefFrom && ci < chiefTo:
			wgt = cfg.Chief
		case long && cl.past:
			wgt = cfg.Past
		case long && cl.worry:
			wgt = cfg.Worry
		}
		if cl.end <= titleEnd {
			wgt *= cfg.Title
		}
		prev := ""
		for i := cl.start; i < cl.end; {
			j := i + 1
			for j < cl.end && !c.wordStart[j] {
				j++
			}
			word := strings.Trim(c.s[i:j], ".,?!")
			i = j
			if word == "" {
				continue
			}
			st := e.stem(word)
			add('w', st, wgt)
			if prev != "" {
				acc[hashFeature('b', prev, " ", st)] += wgt
			}
			prev = st
			w := "<" + word + ">"
			at := cuts[:0]
			for k := range w {
				at = append(at, k)
			}
			at = append(at, len(w))
			for n := cfg.CharMin; n <= cfg.CharMax; n++ {
				for k := 0; k+n < len(at); k++ {
					add('c', w[at[k]:at[k+n]], 0.5*wgt)
				}
			}
		}
	}
	for _, fd := range rd.findings {
		switch {
		case fd.Negated:
			add('n', fd.Symptom, 1)
		case fd.Past || fd.Hypothetical:
			add('s', fd.Symptom, 0.5)
		default:
			add('s', fd.Symptom, 2)
		}
	}
	p := rd.f.patient
	switch {
	case p.Infant:
		add('p', "infant", 2)
		add('p', "child", 2)
	case p.Child:
		add('p', "child", 2)
	case p.Age >= 65:
		add('p', "elderly", 1)
	}
	if p.Pregnant {
		add('p', "pregnant", 2)
	}
	if long {
		add('p', "long", 1)
	}
	add('p', "bias", 1)
	out := make([]feat, 0, len(acc))
	var norm float64
	for h, v := range acc {
		out = append(out, feat{h, v})
		norm += float64(v) * float64(v)
	}
	slices.SortFunc(out, func(a, b feat) int { return int(a.h) - int(b.h) })
	if norm > 0 {
		inv := float32(1 / math.Sqrt(norm))
		for i := range out {
			out[i].v *= inv
		}
	}
	return out
}

// chiefClause is the clause of a long message with a current symptom and an asking
// verb ("…아픈데 무슨 과에 가야 하나요"), else the last clause with a current symptom;
// chiefSentence widens it to its sentence.
func (e *Engine) chiefClause(rd *reading) int {
	best, bestScore := -1, 0
	for k, cl := range rd.cls {
		if cl.past {
			continue
		}
		score := min(cl.current, 1)
		if score == 0 {
			continue
		}
		from, to := sentenceOf(rd, k)
		for j := from; j < to; j++ {
			if _, ok := e.lex.askSet.find(rd.c.s[rd.cls[j].start:rd.cls[j].end]); ok {
				score = 2
			}
		}
		if score >= bestScore {
			best, bestScore = k, score
		}
	}
	return best
}

// sentenceOf returns the clauses [from,to) of the sentence holding clause k.
func sentenceOf(rd *reading, k int) (from, to int) {
	ends := func(j int) bool { cl := rd.cls[j]; return isPunct(rd.c.s[cl.end-1]) }
	from = k
	for from > 0 && !ends(from-1) {
		from--
	}
	to = k + 1
	for to < len(rd.cls) && !ends(to-1) {
		to++
	}
	return from, to
}

// titleEnd is the compact byte where a title ends ("제목: 허리 통증 / …", "[질문] 손목이
// 시큰해요? …": up to the first sentence mark in the first 60 bytes), or 0.
func titleEnd(c compacted) int {
	if !strings.HasPrefix(c.norm, "제목") && !strings.HasPrefix(c.norm, "질문") && !strings.HasPrefix(c.norm, "q ") {
		return 0
	}
	for i := 0; i < len(c.s) && i < 60*3; i++ {
		if isPunct(c.s[i]) && i > 6 {
			return i + 1
		}
	}
	return 0
}

// trainModel fits the model on every labelled example: departments, emergencies and the
// intents (greeting, help, booking, my_reservations, unknown, info).
func (e *Engine) trainModel(rows []Example) *model {
	cfg := defaultModel
	return fitModel(e.trainRows(rows, e.readRows(rows), &cfg), cfg)
}

// trainRow is a training example turned into features.
type trainRow struct {
	x     []feat
	label string
	calib bool // held back to fit the temperature
}

// readRows reads every example's text.
func (e *Engine) readRows(rows []Example) []reading {
	out := make([]reading, len(rows))
	for i, ex := range rows {
		out[i] = e.read(compact(normalize(ex.Text)))
	}
	return out
}

// trainRows turns the read examples into features.
func (e *Engine) trainRows(rows []Example, rds []reading, cfg *modelConfig) []trainRow {
	out := make([]trainRow, len(rows))
	for i, ex := range rows {
		out[i] = trainRow{x: e.featuresWith(&rds[i], cfg), label: ex.Label, calib: inCalibFold(ex.Text)}
	}
	return out
}

// fitModel trains the model on the rows: AdaGrad on the log loss in a fixed shuffle,
// then the temperature that minimises the log loss on the calibration rows.
func fitModel(rows []trainRow, cfg modelConfig) *model {
	m := &model{cfg: cfg, temp: 1}
	labelIdx := make(map[string]int)
	type row struct {
		x   []feat
		idx []int32 // model row of each feature, -1 when dropped
		y   int
	}
	var data, calib []row
	count := make(map[uint32]int)
	for _, ex := range rows {
		li, ok := labelIdx[ex.label]
		if !ok {
			li = len(m.labels)
			labelIdx[ex.label] = li
			m.labels = append(m.labels, ex.label)
		}
		for _, f := range ex.x {
			count[f.h]++
		}
		if ex.calib {
			calib = append(calib, row{x: ex.x, y: li})
		} else {
			data = append(data, row{x: ex.x, y: li})
		}
	}
	k := len(m.labels)
	if k == 0 {
		return m
	}
	m.index = make(map[uint32]int32)
	for h, n := range count {
		if n >= cfg.MinCount {
			m.index[h] = int32(len(m.index))
		}
	}
	// Give the kept features rows in bucket order, so that the layout does not depend
	// on map iteration.
	keys := make([]uint32, 0, len(m.index))
	for h := range m.index {
		keys = append(keys, h)
	}
	slices.Sort(keys)
	for i, h := range keys {
		m.index[h] = int32(i)
	}
	for _, rows := range [][]row{data, calib} {
		for i := range rows {
			r := &rows[i]
			r.idx = make([]int32, len(r.x))
			for j, f := range r.x {
				r.idx[j] = -1
				if at, ok := m.index[f.h]; ok {
					r.idx[j] = at
				}
			}
		}
	}
	m.w = make([]float32, len(keys)*k)
	m.bias = make([]float32, k)
	g2 := make([]float32, len(m.w)) // AdaGrad accumulators
	b2 := make([]float32, k)
	rng := rand.New(rand.NewPCG(1, 2))
	order := make([]int, len(data))
	for i := range order {
		order[i] = i
	}
	prob := make([]float64, k)
	gs := make([]float32, k)
	for range cfg.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, oi := range order {
			r := &data[oi]
			m.rowScores(r.x, r.idx, prob, 1)
			for c := range k {
				g := float32(prob[c])
				if c == r.y {
					g -= 1
				}
				gs[c] = g
				b2[c] += g * g
				m.bias[c] -= cfg.Rate * g / (sqrt32(b2[c]) + 1e-6)
			}
			for j, f := range r.x {
				row := r.idx[j]
				if row < 0 {
					continue
				}
				w := m.w[int(row)*k : int(row)*k+k]
				acc := g2[int(row)*k : int(row)*k+k]
				for c := range k {
					gg := gs[c]*f.v + cfg.L2*w[c]
					if gg == 0 {
						continue
					}
					acc[c] += gg * gg
					w[c] -= cfg.Rate * gg / (sqrt32(acc[c]) + 1e-6)
				}
			}
		}
	}
	// Temperature: the one that minimises the log loss on the calibration fold.
	bestT, bestLoss := 1.0, math.Inf(1)
	for t := 0.5; t <= 4.01; t += 0.1 {
		var loss float64
		for _, r := range calib {
			m.rowScores(r.x, r.idx, prob, t)
			loss -= math.Log(max(prob[r.y], 1e-12))
		}
		if loss < bestLoss {
			bestT, bestLoss = t, loss
		}
	}
	m.temp = bestT
	return m
}

// inCalibFold reports whether a training text is held back to fit the temperature. It
// is disjoint from the dev split (InTestSplit) by construction.
func inCalibFold(text string) bool {
	h := fnv.New32a()
	h.Write([]byte(text))
	return h.Sum32()%5 == 1 && h.Sum32()%3 == 0
}

func sqrt32(v float32) float32 { return float32(math.Sqrt(float64(v))) }

// rowScores is scores with the model rows of the features already looked up.
func (m *model) rowScores(x []feat, idx []int32, prob []float64, temp float64) {
	k := len(m.labels)
	for c := range k {
		prob[c] = float64(m.bias[c])
	}
	for j, f := range x {
		if idx[j] < 0 {
			continue
		}
		w := m.w[int(idx[j])*k : int(idx[j])*k+k]
		for c := range k {
			prob[c] += float64(w[c] * f.v)
		}
	}
	softmax(prob, temp)
}

func softmax(prob []float64, temp float64) {
	top := math.Inf(-1)
	for c := range prob {
		prob[c] /= temp
		top = max(top, prob[c])
	}
	var sum float64
	for c := range prob {
		prob[c] = math.Exp(prob[c] - top)
		sum += prob[c]
	}
	for c := range prob {
		prob[c] /= sum
	}
}

// scores fills prob with the softmax of the model's logits divided by temp.
func (m *model) scores(x []feat, prob []float64, temp float64) {
	k := len(m.labels)
	for c := range k {
		prob[c] = float64(m.bias[c])
	}
	for _, f := range x {
		row, ok := m.index[f.h]
		if !ok {
			continue
		}
		w := m.w[int(row)*k : int(row)*k+k]
		for c := range k {
			prob[c] += float64(w[c] * f.v)
		}
	}
	softmax(prob, temp)
}

// predict returns the calibrated probability of every label.
func (m *model) predict(x []feat) []float64 {
	if m == nil || len(m.labels) == 0 {
		return nil
	}
	prob := make([]float64, len(m.labels))
	m.scores(x, prob, m.temp)
	return prob
}
