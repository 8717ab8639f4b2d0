package triage

import (
	"math"
	"slices"
	"sort"
	"strings"
)

// nbAlpha is the additive smoothing of the naive Bayes classifier; a small value keeps
// rare but telling n-grams such as "콧물" strong.
const nbAlpha = 0.1

// classifier is a multinomial naive Bayes model over character 1–3-grams of the compact
// text. It is written out here (no dependency) and stored sparsely: for each n-gram only
// the labels it was seen with, as log(1+count/alpha), which is all a score needs.
type classifier struct {
	labels []string
	prior  []float64 // log prior per label
	unseen []float64 // log(alpha / (N_l + alpha*V)) per label: the cost of any known n-gram
	grams  map[string][]gramWeight
}

type gramWeight struct {
	label int
	w     float32 // log(1 + count/alpha)
}

// ngrams returns the character 1–3-grams of s with ^ and $ marking the ends.
func ngrams(s string, out []string) []string {
	rs := []rune("^" + s + "$")
	for n := 1; n <= 3; n++ {
		for i := 0; i+n <= len(rs); i++ {
			if n == 1 && (rs[i] == '^' || rs[i] == '$') {
				continue
			}
			out = append(out, string(rs[i:i+n]))
		}
	}
	return out
}

func trainClassifier(examples []Example, textOf func(string) string) *classifier {
	labelIndex := make(map[string]int)
	c := &classifier{grams: make(map[string][]gramWeight)}
	counts := make(map[string]map[int]int)
	var tokens []float64
	var buf []string
	for _, ex := range examples {
		li, ok := labelIndex[ex.Label]
		if !ok {
			li = len(c.labels)
			labelIndex[ex.Label] = li
			c.labels = append(c.labels, ex.Label)
			tokens = append(tokens, 0)
		}
		buf = ngrams(textOf(ex.Text), buf[:0])
		for _, g := range buf {
			m := counts[g]
			if m == nil {
				m = make(map[int]int)
				counts[g] = m
			}
			m[li]++
			tokens[li]++
		}
	}
	v := float64(len(counts))
	for li := range c.labels {
		// A uniform prior: the corpus has many more complaints than greetings, but a
		// short "안녕" must not lose to them for that reason alone.
		c.prior = append(c.prior, -math.Log(float64(len(c.labels))))
		c.unseen = append(c.unseen, math.Log(nbAlpha/(tokens[li]+nbAlpha*v)))
	}
	for g, m := range counts {
		ws := make([]gramWeight, 0, len(m))
		for li, n := range m {
			ws = append(ws, gramWeight{label: li, w: float32(math.Log1p(float64(n) / nbAlpha))})
		}
		slices.SortFunc(ws, func(a, b gramWeight) int { return a.label - b.label })
		c.grams[g] = ws
	}
	return c
}

// prediction is the posterior over labels for one text, with the n-grams that pushed the
// top label up, for explanations.
type prediction struct {
	labels []string
	prob   []float64
	grams  []string // known n-grams of the text
}

func (c *classifier) predict(s string) prediction {
	if c == nil || len(c.labels) == 0 {
		return prediction{}
	}
	p := prediction{labels: c.labels, prob: make([]float64, len(c.labels))}
	score := make([]float64, len(c.labels))
	copy(score, c.prior)
	for _, g := range ngrams(s, nil) {
		ws, ok := c.grams[g]
		if !ok {
			continue
		}
		p.grams = append(p.grams, g)
		for li := range score {
			score[li] += c.unseen[li]
		}
		for _, w := range ws {
			score[w.label] += float64(w.w)
		}
	}
	top := math.Inf(-1)
	for _, s := range score {
		top = max(top, s)
	}
	var sum float64
	for i, s := range score {
		p.prob[i] = math.Exp(s - top)
		sum += p.prob[i]
	}
	for i := range p.prob {
		p.prob[i] /= sum
	}
	return p
}

// group sums the posterior of all labels with the prefix, e.g. "dept:".
func (p prediction) group(prefix string) float64 {
	var sum float64
	for i, l := range p.labels {
		if strings.HasPrefix(l, prefix) {
			sum += p.prob[i]
		}
	}
	return sum
}

// best returns the most probable label with the given prefix and its probability.
func (p prediction) best(prefix string) (string, float64) {
	label, best := "", -1.0
	for i, l := range p.labels {
		if strings.HasPrefix(l, prefix) && p.prob[i] > best {
			label, best = l, p.prob[i]
		}
	}
	return label, best
}

// evidence returns up to n of the text's n-grams that most favour label over the others,
// longest first, so that a classifier-only answer can still say which words it used.
func (c *classifier) evidence(p prediction, label string, n int) []string {
	li := slices.Index(c.labels, label)
	if li < 0 {
		return nil
	}
	type scored struct {
		g string
		s float64
	}
	var list []scored
	for _, g := range p.grams {
		if len([]rune(g)) < 2 || strings.ContainsAny(g, "^$") {
			continue
		}
		var mine, others float64
		for _, w := range c.grams[g] {
			if w.label == li {
				mine = float64(w.w)
			} else {
				others = max(others, float64(w.w))
			}
		}
		if mine > others {
			list = append(list, scored{g, mine - others})
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].s > list[j].s })
	var out []string
	for _, s := range list {
		if len(out) == n {
			break
		}
		if !slices.ContainsFunc(out, func(o string) bool { return strings.Contains(o, s.g) || strings.Contains(s.g, o) }) {
			out = append(out, s.g)
		}
	}
	return out
}
