package triage

import (
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"heydoctor"
)

// dataFiles is the knowledge base: symptoms, red flags, the lexicon of cue words, the
// condition explanations and the labelled corpus the classifier learns from.
//
//go:embed data/lexicon.tsv data/symptoms.tsv data/redflags.tsv data/conditions.tsv data/corpus.tsv data/corpus/*.tsv data/answers.tsv data/groups.tsv data/model.bin
var dataFiles embed.FS

// Engine understands symptom messages. It is immutable after New and safe for
// concurrent use.
type Engine struct {
	lex         *lexicon
	symptoms    []symptom
	rules       []rule
	conditions  []Condition
	condByName  map[string]*Condition
	condTerms   []condTerm
	condByFirst map[rune][]int // condTerms indices by first rune
	model       *model
	// dataFP fingerprints the data training reads; modelFP is the fingerprint stored
	// with the embedded weights.
	dataFP, modelFP [32]byte
	ans             map[string]string
	groups          []group
	byFirst         map[rune][]patternRef
	deptTerms       []deptTerm
	train           []Example
	test            []Example
	// regTrain and regDev are the register corpora (data/corpus/*.tsv) by register.
	regTrain, regDev map[string][]Example
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
//
// The engine built from the embedded data is a pure function of the binary, so it is
// built once per process and shared: servers, tests and commands that call New many
// times pay for training the department model only once.
func New() (*Engine, error) {
	embedded.once.Do(func() {
		sub, err := fs.Sub(dataFiles, "data")
		if err != nil {
			embedded.err = fmt.Errorf("triage data: %w", err)
			return
		}
		embedded.e, embedded.err = newEngine(sub)
	})
	return embedded.e, embedded.err
}

var embedded struct {
	once sync.Once
	e    *Engine
	err  error
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
	if e.ans, err = loadAnswers(fsys); err != nil {
		return nil, fmt.Errorf("triage: %w", err)
	}
	if e.groups, err = loadGroups(fsys); err != nil {
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
	e.condByFirst = make(map[rune][]int)
	for i, t := range e.condTerms {
		r, _ := utf8.DecodeRuneInString(t.key)
		e.condByFirst[r] = append(e.condByFirst[r], i)
	}
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
	if err := e.loadRegisters(fsys); err != nil {
		return nil, fmt.Errorf("triage: %w", err)
	}
	if e.dataFP, err = trainingFingerprint(fsys); err != nil {
		return nil, fmt.Errorf("triage: %w", err)
	}
	// The embedded weights when there are any (see modelfile.go), else train now.
	if b, err := fs.ReadFile(fsys, "model.bin"); err == nil && len(b) > 0 {
		if e.model, e.modelFP, err = decodeModel(b); err != nil {
			return nil, fmt.Errorf("triage: %w", err)
		}
	} else {
		e.model = e.trainModel(classLabels(e.trainingRows()))
		e.modelFP = e.dataFP
	}
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

// trainingRows are the train splits of every corpus, in a fixed order.
func (e *Engine) trainingRows() []Example {
	all := slices.Clone(e.train)
	for _, reg := range slices.Sorted(maps.Keys(e.regTrain)) {
		all = append(all, e.regTrain[reg]...)
	}
	return all
}

//go:generate go run heydoctor/cmd/heydoctor triage train -o data/model.bin

// loadRegisters reads every data/corpus/*.tsv; the file name is the register.
func (e *Engine) loadRegisters(fsys fs.FS) error {
	e.regTrain, e.regDev = make(map[string][]Example), make(map[string][]Example)
	names, err := fs.Glob(fsys, "corpus/*.tsv")
	if err != nil {
		return err
	}
	seen := make(map[string]bool)
	for _, ex := range e.train {
		seen[ex.Text] = true
	}
	for _, ex := range e.test {
		seen[ex.Text] = true
	}
	for _, name := range names {
		reg := strings.TrimSuffix(path.Base(name), ".tsv")
		rows, err := loadCorpus(fsys, name, e.condByName)
		if err != nil {
			return err
		}
		for _, ex := range rows {
			if seen[ex.Text] {
				continue // the same sentence in two files counts once
			}
			seen[ex.Text] = true
			if InTestSplit(ex.Text) {
				e.regDev[reg] = append(e.regDev[reg], ex)
			} else {
				e.regTrain[reg] = append(e.regTrain[reg], ex)
			}
		}
	}
	return nil
}

// Registers returns the train and dev splits of the register corpora, by register
// (short, parent, elderly, online, clinical, noisy). The dev split is InTestSplit of the
// text: nothing in the engine is tuned on it, so its numbers are the honest ones.
func (e *Engine) Registers() (train, dev map[string][]Example) {
	return maps.Clone(e.regTrain), maps.Clone(e.regDev)
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
// Terms are indexed by first rune; of several found the longest wins, then the one
// listed first, then the earliest in the text.
func (e *Engine) findCondition(s string) (cond int, start, end int) {
	best, bestAt := -1, 0
	for i, r := range s {
		for _, ti := range e.condByFirst[r] {
			t := &e.condTerms[ti]
			if (best < 0 || ti < best) && strings.HasPrefix(s[i:], t.key) {
				best, bestAt = ti, i
			}
		}
	}
	if best < 0 {
		return -1, 0, 0
	}
	return e.condTerms[best].cond, bestAt, bestAt + len(e.condTerms[best].key)
}

// isInfoQuestion reports whether the words after a condition name ask what it is:
// "비염이란?", "중이염 증상 알려줘", "당뇨병이 뭐예요" (lexicon.tsv info, or infoend for
// the whole rest), or the bare name.
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
	return slices.Contains(e.lex.infoEnd, rest)
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

// mention is a department name found at compact byte at.
type mention struct {
	name string
	at   int
}

// mentionedAt finds department names in the text, longest first, so that "정형외과" is
// not also read as "외과".
func (e *Engine) mentionedAt(s string) []mention {
	var out []mention
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
				out = append(out, mention{t.name, start})
			}
			from = end
		}
	}
	return out
}
