package triage

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// rankDepartments ranks 진료과 by the department model's calibrated probabilities,
// with a department the user names and a condition they mention added on top, and
// explains each by the symptoms and words that point to it.
func (e *Engine) rankDepartments(rd *reading, mentioned []string) []Recommendation {
	score := e.modelDepartments(rd)
	e.blendLexicon(score, e.lexiconSymptoms(rd))
	if !rd.f.patient.Child {
		// Departments for children (lexicon.tsv childdept): without a word for a child
		// they are only a fallback.
		for _, d := range e.lex.childDepts {
			score[d] *= 0.2
		}
	}
	sharpen(score, finalPower)
	because := e.boostMentions(score, rd, mentioned)
	var out []Recommendation
	for name, sc := range score {
		d, ok := e.department(name)
		if !ok {
			continue
		}
		out = append(out, Recommendation{Code: d.Code, Name: d.Name, Score: sc, Probability: round2(sc), Because: because[name]})
	}
	sortRecs(out)
	e.keepTop(rd, out)
	if len(out) > maxDepartments+1 {
		out = out[:maxDepartments+1]
	}
	out = e.explain(rd, out)
	if p := e.lex.pregnancyDept; rd.f.patient.Pregnant && !slices.ContainsFunc(out, func(r Recommendation) bool { return r.Name == p }) {
		// In pregnancy 산부인과 is always among the choices.
		if d, ok := e.department(p); ok {
			if len(out) >= maxDepartments {
				out = out[:maxDepartments-1]
			}
			out = append(out, Recommendation{Code: d.Code, Name: d.Name, Score: score[p], Because: []string{e.ans["because_pregnant"]}})
		}
	}
	return e.patientRule(out, rd.f.patient, "")
}

// modelDepartments is the model's probability of each department, renormalised over
// the departments.
func (e *Engine) modelDepartments(rd *reading) map[string]float64 {
	prob := e.modelProb(rd)
	score := make(map[string]float64)
	var total float64
	for i, l := range e.model.labels {
		if name, ok := strings.CutPrefix(l, "dept:"); ok {
			score[name] += prob[i]
			total += prob[i]
		}
	}
	if total > 0 {
		for d := range score {
			score[d] /= total
		}
	}
	return score
}

// lexiconSymptoms are the symptoms whose lexicon departments speak: the current ones
// when there are any (history and worries do not pick the department when there is a
// complaint), and in a long message only those of the chief complaint's sentence.
func (e *Engine) lexiconSymptoms(rd *reading) map[string]bool {
	use := rd.present
	if len(rd.current) > 0 {
		use = rd.current
	}
	if utf8.RuneCountInString(rd.c.s) < longRunes {
		return use
	}
	k := e.chiefClause(rd)
	if k < 0 {
		return use
	}
	from, to := sentenceOf(rd, k)
	chief := make(map[string]bool)
	for id, starts := range rd.symClause {
		for _, st := range starts {
			if use[id] && st >= rd.cls[from].start && st < rd.cls[to-1].end {
				chief[id] = true
			}
		}
	}
	if len(chief) > 0 {
		return chief
	}
	return use
}

// blendLexicon blends in the lexicon's department weights of the symptoms found: they
// are reviewed by hand and keep rare wordings on course.
func (e *Engine) blendLexicon(score map[string]float64, use map[string]bool) {
	lex := make(map[string]float64)
	var lexTotal float64
	for _, s := range e.symptoms {
		if !use[s.ID] {
			continue
		}
		for _, dw := range s.Depts {
			lex[dw.Name] += dw.Weight
			lexTotal += dw.Weight
		}
	}
	if lexTotal == 0 {
		return
	}
	for d := range score {
		score[d] *= 1 - lexiconShare
	}
	for d, v := range lex {
		score[d] += lexiconShare * v / lexTotal
	}
}

// boostMentions adds the share of a current condition and of each department the user
// names, and returns the reasons per department: those boosts and every present
// symptom's departments.
func (e *Engine) boostMentions(score map[string]float64, rd *reading, mentioned []string) map[string][]string {
	because := make(map[string][]string)
	addWhy := func(d, why string) {
		if !slices.Contains(because[d], why) {
			because[d] = append(because[d], why)
		}
	}
	boost := func(d string, mass float64, why string) {
		for k := range score {
			score[k] *= 1 - mass
		}
		score[d] += mass
		addWhy(d, why)
	}
	if rd.ci >= 0 && !rd.pastAt(rd.cStart) {
		c := &e.conditions[rd.ci]
		boost(c.Departments[0], 0.15, c.Name)
	}
	for _, d := range mentioned {
		boost(d, 0.3, strings.ReplaceAll(e.ans["because_mention"], "{DEPT}", d))
	}
	for _, s := range e.symptoms {
		if !rd.present[s.ID] {
			continue
		}
		for _, dw := range s.Depts {
			addWhy(dw.Name, s.Name)
		}
	}
	return because
}

// keepTop records the model's own top three, before explanations trim the list, for
// top_departments (a child's department swapped as patientRule would).
func (e *Engine) keepTop(rd *reading, out []Recommendation) {
	rd.top = rd.top[:0]
	for _, r := range out[:min(len(out), maxDepartments)] {
		name := r.Name
		if rd.f.patient.Child {
			if to, ok := e.lex.childSwap[name]; ok {
				name = to
			}
		}
		if d, ok := e.department(name); ok && !slices.ContainsFunc(rd.top, func(t Ranked) bool { return t.Code == d.Code }) {
			rd.top = append(rd.top, Ranked{Name: d.Name, Code: d.Code, Probability: r.Probability})
		}
	}
}

// explain gives every department the model's words for it when no symptom explains it,
// and drops the ones nothing explains (the first always says why).
func (e *Engine) explain(rd *reading, out []Recommendation) []Recommendation {
	kept := out[:0]
	for i, r := range out {
		if len(r.Because) == 0 {
			r.Because = e.modelWords(rd, "dept:"+r.Name)
		}
		if len(r.Because) == 0 && i == 0 {
			r.Because = []string{e.ans["because_default"]}
		}
		if len(r.Because) > 0 {
			kept = append(kept, r)
		}
	}
	return kept
}

// conditionDepartments appends a condition's departments to out in their listed order
// (1/2, 1/3, …) and adjusts the list for the patient (a child goes to 소아청소년과), for
// disease and group answers.
func (e *Engine) conditionDepartments(out []Recommendation, c *Condition, f facts) []Recommendation {
	for i, name := range c.Departments {
		if d, ok := e.department(name); ok {
			p := round2(1 / float64(i+2))
			out = append(out, Recommendation{Code: d.Code, Name: d.Name, Score: p, Probability: p, Because: []string{c.Name}})
		}
	}
	return e.patientRule(out, f.patient, c.Name)
}

// modelProb is the model's calibrated probability of every label for the reading,
// computed once per message.
func (e *Engine) modelProb(rd *reading) []float64 {
	if rd.prob == nil {
		x := e.features(rd)
		for _, f := range x {
			if _, ok := e.model.index[f.h]; ok {
				rd.known++
			}
		}
		rd.prob = e.model.predict(x)
	}
	return rd.prob
}

// modelWords returns up to two of the user's words that push the model most towards
// label, so that every department shown says why.
func (e *Engine) modelWords(rd *reading, label string) []string {
	li := slices.Index(e.model.labels, label)
	if li < 0 {
		return nil
	}
	type scored struct {
		w string
		v float32
	}
	var list []scored
	c := rd.c
	k := len(e.model.labels)
	for i := 0; i < len(c.s); {
		j := i + 1
		for j < len(c.s) && !c.wordStart[j] {
			j++
		}
		word := strings.Trim(c.s[i:j], ".,?!")
		start := i
		i = j
		if word == "" {
			continue
		}
		row, ok := e.model.index[hashFeature('w', e.stem(word))]
		if !ok {
			continue
		}
		w := e.model.w[int(row)*k : int(row)*k+k]
		if v := w[li]; v > 0.05 {
			list = append(list, scored{c.words(start, j), v})
		}
	}
	slices.SortStableFunc(list, func(a, b scored) int {
		switch {
		case a.v > b.v:
			return -1
		case a.v < b.v:
			return 1
		}
		return 0
	})
	var out []string
	for _, s := range list {
		if len(out) == 2 {
			break
		}
		if !slices.Contains(out, s.w) {
			out = append(out, s.w)
		}
	}
	return out
}

func sortRecs(out []Recommendation) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Code < out[j].Code
	})
}

// patientRule puts 소아청소년과 first for a child and 산부인과 first in pregnancy, unless
// the top department is one they would not replace (치과, 안과: see childkeep in
// lexicon.tsv), then trims the list.
func (e *Engine) patientRule(in []Recommendation, p Patient, why string) []Recommendation {
	out := slices.Clone(in)
	_ = why
	if p.Child {
		for i := range out {
			if to, ok := e.lex.childSwap[out[i].Name]; ok {
				if d, ok := e.department(to); ok {
					out[i].Code, out[i].Name = d.Code, d.Name
				}
			}
		}
		out = dedupeRecs(out)
	}
	var kept []Recommendation
	var sum float64
	for i, r := range out {
		if i >= maxDepartments || (i > 0 && r.Score < minDeptScore) {
			break
		}
		kept = append(kept, r)
		sum += r.Score
	}
	for i := range kept {
		if sum > 0 {
			kept[i].Score = round2(kept[i].Score / sum)
		}
	}
	if kept == nil {
		kept = []Recommendation{}
	}
	return kept
}

func round2(v float64) float64 { return float64(int(v*100+0.5)) / 100 }

// dedupeRecs keeps the first (best) recommendation of each department.
func dedupeRecs(in []Recommendation) []Recommendation {
	var out []Recommendation
	for _, r := range in {
		if !slices.ContainsFunc(out, func(o Recommendation) bool { return o.Code == r.Code }) {
			out = append(out, r)
		}
	}
	return out
}

// finalPower sharpens the blended department scores (p^a, renormalised) so that the
// probability shown matches how often the first department is right. Chosen on the
// calibration fold of the train split: log loss 328 → 308 and expected calibration error
// 0.061 → 0.024 against no sharpening; it never changes the order.
var finalPower = 1.4

func sharpen(score map[string]float64, a float64) {
	if a == 1 {
		return
	}
	var sum float64
	for d, v := range score {
		score[d] = math.Pow(v, a)
		sum += score[d]
	}
	if sum > 0 {
		for d := range score {
			score[d] /= sum
		}
	}
}
