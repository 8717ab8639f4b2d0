package triage

import (
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"slices"
	"sort"
	"strings"

	"heydoctor"
)

// dataFiles is the knowledge base: symptoms, red flags, the lexicon of cue words, the
// condition explanations and the labelled corpus the classifier learns from.
//
//go:embed data/lexicon.tsv data/symptoms.tsv data/redflags.tsv data/conditions.tsv data/corpus.tsv
var dataFiles embed.FS

// Engine understands symptom messages. It is immutable after New and safe for
// concurrent use.
type Engine struct {
	lex        *lexicon
	symptoms   []symptom
	rules      []rule
	conditions []Condition
	condByName map[string]*Condition
	condTerms  []condTerm
	clf        *classifier
	byFirst    map[rune][]patternRef
	deptTerms  []deptTerm
	train      []Example
	test       []Example
}

// deptTerm is a department name or alias as users write it ("소아과", "신경외과").
type deptTerm struct {
	key  string
	name string
}

type condTerm struct {
	key  string
	cond int
}

// New loads and validates the embedded knowledge base and trains the classifier on the
// train split of the corpus. It fails on any data error so that a bad edit never
// reaches users.
func New() (*Engine, error) {
	sub, err := fs.Sub(dataFiles, "data")
	if err != nil {
		return nil, fmt.Errorf("triage data: %w", err)
	}
	return newEngine(sub)
}

// InTestSplit reports whether a corpus text belongs to the test split: FNV-1a-32 of the
// text modulo 5 is 0 (about 20%). It depends on the text only, so adding lines never
// moves other lines between the splits.
func InTestSplit(text string) bool {
	h := fnv.New32a()
	h.Write([]byte(text))
	return h.Sum32()%5 == 0
}

func newEngine(fsys fs.FS) (*Engine, error) {
	lx, err := loadLexicon(fsys)
	if err != nil {
		return nil, fmt.Errorf("triage: %w", err)
	}
	e := &Engine{lex: lx, condByName: make(map[string]*Condition)}
	if e.symptoms, err = loadSymptoms(fsys, lx); err != nil {
		return nil, fmt.Errorf("triage: %w", err)
	}
	e.byFirst = indexPatterns(e.symptoms)
	for _, id := range lx.childKeepSym {
		if e.symptomIndex(id) < 0 {
			return nil, fmt.Errorf("triage: lexicon.tsv: childkeepsym %q is not a symptom id", id)
		}
	}
	if e.rules, err = loadRules(fsys, e.symptoms); err != nil {
		return nil, fmt.Errorf("triage: %w", err)
	}
	if e.conditions, err = loadConditions(fsys); err != nil {
		return nil, fmt.Errorf("triage: %w", err)
	}
	for i := range e.conditions {
		c := &e.conditions[i]
		e.condByName[c.Name] = c
		for _, t := range append([]string{c.Name}, c.Aliases...) {
			if k := compactKey(normalize(t)); len([]rune(k)) >= 2 {
				e.condTerms = append(e.condTerms, condTerm{key: k, cond: i})
			}
		}
	}
	sort.SliceStable(e.condTerms, func(i, j int) bool { return len(e.condTerms[i].key) > len(e.condTerms[j].key) })
	for _, d := range heydoctor.Departments() {
		for _, t := range append([]string{d.Name}, d.Aliases...) {
			k := compactKey(t)
			if len([]rune(k)) < 2 || isASCII(k) {
				continue // English aliases such as "ent" hide inside other words
			}
			e.deptTerms = append(e.deptTerms, deptTerm{key: k, name: d.Name})
		}
	}
	sort.SliceStable(e.deptTerms, func(i, j int) bool { return len(e.deptTerms[i].key) > len(e.deptTerms[j].key) })
	corpus, err := loadCorpus(fsys, "corpus.tsv", e.condByName)
	if err != nil {
		return nil, fmt.Errorf("triage: %w", err)
	}
	for _, ex := range corpus {
		if InTestSplit(ex.Text) {
			e.test = append(e.test, ex)
		} else {
			e.train = append(e.train, ex)
		}
	}
	e.clf = trainClassifier(classLabels(e.train), func(s string) string { return compact(normalize(s)).s })
	return e, nil
}

// classLabels folds every info:X label into "info" for the classifier: which condition
// is asked about comes from the condition names, the classifier only has to tell a
// question from a complaint.
func classLabels(in []Example) []Example {
	out := make([]Example, len(in))
	for i, ex := range in {
		if strings.HasPrefix(ex.Label, "info:") {
			ex.Label = "info"
		}
		out[i] = ex
	}
	return out
}

// Corpus returns the train and test splits of the embedded corpus.
func (e *Engine) Corpus() (train, test []Example) {
	return slices.Clone(e.train), slices.Clone(e.test)
}

// Conditions returns all condition explanations in file order.
func (e *Engine) Conditions() []Condition { return slices.Clone(e.conditions) }

// LookupCondition finds a condition by name or alias, ignoring spaces and case.
func (e *Engine) LookupCondition(name string) (*Condition, bool) {
	if c, ok := e.condByName[name]; ok {
		cc := *c
		return &cc, true
	}
	k := compactKey(normalize(name))
	for _, t := range e.condTerms {
		if t.key == k {
			cc := e.conditions[t.cond]
			return &cc, true
		}
	}
	return nil, false
}

// findCondition returns the longest condition name or alias in the compact text.
func (e *Engine) findCondition(s string) (cond int, start, end int) {
	for _, t := range e.condTerms {
		if i := strings.Index(s, t.key); i >= 0 {
			return t.cond, i, i + len(t.key)
		}
	}
	return -1, 0, 0
}

// isInfoQuestion reports whether the words after a condition name ask what it is:
// "비염이란?", "중이염 증상 알려줘", "당뇨병이 뭐예요", or the bare name.
func (e *Engine) isInfoQuestion(s string, start, end int) bool {
	rest := strings.TrimRight(s[end:], ".,?!")
	if start == 0 && rest == "" {
		return true
	}
	for _, m := range e.lex.info {
		if strings.Contains(rest, m) {
			return true
		}
	}
	for _, suffix := range []string{"증상", "증상은", "증상이요", "원인", "치료", "치료법", "예방법", "검사", "은", "는", "이요", "요"} {
		if rest == suffix {
			return true
		}
	}
	return false
}

func (e *Engine) department(name string) (heydoctor.Department, bool) {
	return heydoctor.LookupDepartment(name)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// mentionedDepartments finds department names in the text, longest first, so that
// "정형외과" is not also read as "외과".
func (e *Engine) mentionedDepartments(s string) []string {
	var out []string
	used := make([]bool, len(s))
	for _, t := range e.deptTerms {
		from := 0
		for {
			i := strings.Index(s[from:], t.key)
			if i < 0 {
				break
			}
			start, end := from+i, from+i+len(t.key)
			if !slices.Contains(used[start:end], true) {
				for k := start; k < end; k++ {
					used[k] = true
				}
				if !slices.Contains(out, t.name) {
					out = append(out, t.name)
				}
			}
			from = end
		}
	}
	return out
}
