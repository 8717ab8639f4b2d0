package triage

import (
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"heydoctor"
)

// maxGap is how many runes may sit between the parts of a "A~B" pattern, so that
// "배가 너무 아파요" matches 배~아파 but "배가 고프고 머리가 아파" does not.
const maxGap = 5

// Bounds on the data files: they are embedded and trusted, but a typo should give an
// error at start-up, not a slow or huge engine.
const (
	maxDataFile  = 2 << 20
	maxLineRunes = 4000
)

type deptWeight struct {
	Name   string
	Code   string
	Weight float64
}

// pattern is one lexicon term split at "~" gaps; lit is the number of literal runes and
// decides which of two overlapping matches wins.
type pattern struct {
	parts []string
	lit   int
}

type symptom struct {
	ID       string
	Name     string
	Body     string
	Level    Level
	Depts    []deptWeight
	Patterns []pattern
}

// rule is a red-flag rule: every term must hold; a term holds when any of its items
// (a symptom id or an @predicate) does.
type rule struct {
	ID     string
	Name   string
	Level  Level
	Crisis bool
	Terms  [][]string
}

type whoWord struct {
	Word string
	Kind string // child, infant, adult, elderly, self
}

// lexicon is everything read from lexicon.tsv.
type lexicon struct {
	neg, severe, extreme, sudden, pregnant, info  []string
	notWho                                        []string
	worry, past, clauseEnd, clauseKeep            []string
	suffixes, ask                                 []string // particles and endings, longest first; asking verbs
	now, resolved, barePain, mild, aux, underCare []string
	lasting                                       map[string]bool
	ageChoices, durationChoices                   []Choice
	durationDepts                                 []string // departments told apart by how long it has lasted
	// sets holds a termSet for each list searched on every clause.
	worrySet, pastSet, nowSet, resolvedSet, askSet termSet
	habit                                          []string
	habitSet                                       termSet
	subject                                        []whoWord
	childKeepSym                                   []string
	exact                                          map[string]Intent
	who                                            []whoWord
	intents                                        map[Intent][]string
	childKeep                                      map[string]bool
	childSwap                                      map[string]string
	where                                          []Choice
	deptChoice                                     map[string]Choice
	macros                                         map[string]string
	// notAfter: a match starting with the key is void right after one of these
	// characters ("발목이 부었어요" is not "목이 부었어요", "아이가" is not "이가"),
	// by the key's first character, since it is asked at every character of a message.
	notAfter map[rune][]voidRule
	// The grammar of facts and scopes (see the end of lexicon.tsv).
	orJoins, negStop, boundNoun, infoEnd []string
	pastBack, hearsay, suppose           []string
	pastBackSet, hearsaySet, supposeSet  termSet
	groupSuffixes                        []groupSuffix
	infantAges, ageNumbers, monthNumbers []wordCount
	vitals                               []vitalKey
	durationUnits, durationWords         []wordCount
	durationMarks                        []string
	childDepts                           []string
	pregnancyDept                        string
}

// wordCount is a word with the number it stands for: an age in days, a numeral, a unit's
// length in days.
type wordCount struct {
	word string
	n    int
}

// vitalKey names the vital sign (pulse, sugar, bp, spo2, pain) a number after key measures.
type vitalKey struct {
	key  string
	kind string
}

// groupSuffix follows a disease-group alias; long ones only an alias of two or more letters.
type groupSuffix struct {
	word string
	long bool
}

// readTSV calls fn for every data line of a tab-separated file, with 1-based line numbers
// in errors. Lines starting with # and blank lines are skipped.
func readTSV(fsys fs.FS, name string, minFields int, fn func(f []string) error) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > maxDataFile {
		return fmt.Errorf("read %s: %d bytes, more than %d", name, len(b), maxDataFile)
	}
	if !utf8.Valid(b) {
		return fmt.Errorf("read %s: not valid UTF-8", name)
	}
	n := 0
	for line := range strings.Lines(string(b)) {
		n++
		line = strings.TrimRight(line, "\r\n")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if utf8.RuneCountInString(line) > maxLineRunes {
			return fmt.Errorf("%s:%d: line longer than %d characters", name, n, maxLineRunes)
		}
		f := strings.Split(line, "\t")
		if len(f) < minFields {
			return fmt.Errorf("%s:%d: %d fields, want at least %d", name, n, len(f), minFields)
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		if err := fn(f); err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
	}
	return nil
}

// splitList splits on sep and drops empty items.
func splitList(s, sep string) []string {
	var out []string
	for item := range strings.SplitSeq(s, sep) {
		if item = strings.TrimSpace(item); item != "" && item != "-" {
			out = append(out, item)
		}
	}
	return out
}

// canonicalDept returns the canonical department for a name and refuses aliases, so that
// the data files use one spelling (소아청소년과, never 소아과).
func canonicalDept(name string) (heydoctor.Department, error) {
	d, ok := heydoctor.LookupDepartment(name)
	if !ok {
		return heydoctor.Department{}, fmt.Errorf("unknown department %q", name)
	}
	if d.Name != name {
		return heydoctor.Department{}, fmt.Errorf("department %q is not canonical, write %q", name, d.Name)
	}
	return d, nil
}

func loadLexicon(fsys fs.FS) (*lexicon, error) {
	lx := &lexicon{
		intents:    make(map[Intent][]string),
		childKeep:  make(map[string]bool),
		childSwap:  make(map[string]string),
		deptChoice: make(map[string]Choice),
		macros:     make(map[string]string),
		notAfter:   make(map[rune][]voidRule),
		exact:      make(map[string]Intent),
	}
	// lists are the kinds that are plain word lists.
	lists := map[string]*[]string{
		"neg":          &lx.neg,
		"severe":       &lx.severe,
		"extreme":      &lx.extreme,
		"sudden":       &lx.sudden,
		"pregnant":     &lx.pregnant,
		"info":         &lx.info,
		"childkeepsym": &lx.childKeepSym,
		"josa":         &lx.suffixes,
		"eomi":         &lx.suffixes,
		"aux":          &lx.aux,
		"undercare":    &lx.underCare,
		"mild":         &lx.mild,
		"barepain":     &lx.barePain,
		"now":          &lx.now,
		"resolved":     &lx.resolved,
		"ask":          &lx.ask,
		"worry":        &lx.worry,
		"past":         &lx.past,
		"habit":        &lx.habit,
		"clauseend":    &lx.clauseEnd,
		"clausekeep":   &lx.clauseKeep,
		"notwho":       &lx.notWho,
		"pastback":     &lx.pastBack,
		"hearsay":      &lx.hearsay,
		"suppose":      &lx.suppose,
		"orjoin":       &lx.orJoins,
		"negstop":      &lx.negStop,
		"boundnoun":    &lx.boundNoun,
		"infoend":      &lx.infoEnd,
		"durationmark": &lx.durationMarks,
	}
	err := readTSV(fsys, "lexicon.tsv", 2, func(f []string) error {
		kind, value := f[0], compactKey(f[1])
		arg := ""
		if len(f) > 2 {
			arg = f[2]
		}
		if value == "" {
			return fmt.Errorf("%s: empty value", kind)
		}
		if list, ok := lists[kind]; ok {
			*list = append(*list, value)
			return nil
		}
		switch kind {
		case "exact":
			switch in := Intent(arg); in {
			case IntentGreeting, IntentHelp, IntentBooking, IntentMyReservations, IntentUnknown:
				lx.exact[value] = in
			default:
				return fmt.Errorf("exact %q: unknown intent %q", f[1], arg)
			}
		case "lasting":
			if lx.lasting == nil {
				lx.lasting = make(map[string]bool)
			}
			lx.lasting[value] = true
		case "subject":
			if arg != "child" && arg != "other" {
				return fmt.Errorf("subject %q: kind %q, want child or other", f[1], arg)
			}
			lx.subject = append(lx.subject, whoWord{Word: value, Kind: arg})
		case "who":
			switch arg {
			case "child", "infant", "adult", "elderly", "self", "grown":
			default:
				return fmt.Errorf("who %q: kind %q, want child, infant, adult, elderly, self or grown", f[1], arg)
			}
			lx.who = append(lx.who, whoWord{Word: value, Kind: arg})
		case "intent":
			in := Intent(arg)
			switch in {
			case IntentGreeting, IntentHelp, IntentBooking, IntentMyReservations, IntentUnknown:
			default:
				return fmt.Errorf("intent %q: unknown intent %q", f[1], arg)
			}
			lx.intents[in] = append(lx.intents[in], value)
		case "childkeep":
			if _, err := canonicalDept(f[1]); err != nil {
				return err
			}
			lx.childKeep[f[1]] = true
		case "childswap":
			if _, err := canonicalDept(f[1]); err != nil {
				return err
			}
			if _, err := canonicalDept(arg); err != nil {
				return err
			}
			lx.childSwap[f[1]] = arg
		case "notafter":
			if arg == "" {
				return fmt.Errorf("notafter %q: no characters", f[1])
			}
			first, _ := utf8.DecodeRuneInString(value)
			lx.notAfter[first] = append(lx.notAfter[first], voidRule{key: value, after: arg})
		case "macro":
			if arg == "" {
				return fmt.Errorf("macro %q: empty expansion", f[1])
			}
			lx.macros[f[1]] = arg
		case "where":
			if len(f) < 3 || f[2] == "" {
				return fmt.Errorf("where %q: missing text to append", f[1])
			}
			lx.where = append(lx.where, Choice{Label: f[1], Append: f[2]})
		case "agechoice", "durationchoice", "durationdepts":
			if kind == "durationdepts" {
				for _, d := range splitList(f[1], ",") {
					if _, err := canonicalDept(d); err != nil {
						return err
					}
					lx.durationDepts = append(lx.durationDepts, d)
				}
				return nil
			}
			if len(f) < 3 || f[2] == "" {
				return fmt.Errorf("%s %q: missing text to append", kind, f[1])
			}
			if kind == "agechoice" {
				lx.ageChoices = append(lx.ageChoices, Choice{Label: f[1], Append: f[2]})
			} else {
				lx.durationChoices = append(lx.durationChoices, Choice{Label: f[1], Append: f[2]})
			}
		case "groupsuffix":
			if arg != "" && arg != "long" {
				return fmt.Errorf("groupsuffix %q: %q, want nothing or long", f[1], arg)
			}
			lx.groupSuffixes = append(lx.groupSuffixes, groupSuffix{word: value, long: arg == "long"})
		case "infantage", "agenumber", "monthnumber", "durationunit", "durationword":
			n, err := strconv.Atoi(arg)
			if err != nil || n < 0 {
				return fmt.Errorf("%s %q: %q is not a count", kind, f[1], arg)
			}
			wc := wordCount{word: value, n: n}
			switch kind {
			case "infantage":
				lx.infantAges = append(lx.infantAges, wc)
			case "agenumber":
				lx.ageNumbers = append(lx.ageNumbers, wc)
			case "monthnumber":
				lx.monthNumbers = append(lx.monthNumbers, wc)
			case "durationunit":
				lx.durationUnits = append(lx.durationUnits, wc)
			default:
				lx.durationWords = append(lx.durationWords, wc)
			}
		case "vital":
			switch arg {
			case "pulse", "sugar", "bp", "spo2", "pain":
			default:
				return fmt.Errorf("vital %q: kind %q, want pulse, sugar, bp, spo2 or pain", f[1], arg)
			}
			lx.vitals = append(lx.vitals, vitalKey{key: value, kind: arg})
		case "childdept", "pregnancydept":
			if _, err := canonicalDept(f[1]); err != nil {
				return err
			}
			if kind == "childdept" {
				lx.childDepts = append(lx.childDepts, f[1])
			} else {
				lx.pregnancyDept = f[1]
			}
		case "deptchoice":
			if len(f) < 4 {
				return fmt.Errorf("deptchoice %q: want department, label, text", f[1])
			}
			if _, err := canonicalDept(f[1]); err != nil {
				return err
			}
			lx.deptChoice[f[1]] = Choice{Label: f[2], Append: f[3]}
		default:
			return fmt.Errorf("unknown kind %q", kind)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(lx.suffixes, func(i, j int) bool { return len(lx.suffixes[i]) > len(lx.suffixes[j]) })
	lx.worrySet, lx.pastSet, lx.nowSet = newTermSet(lx.worry), newTermSet(lx.past), newTermSet(lx.now)
	lx.resolvedSet, lx.askSet, lx.habitSet = newTermSet(lx.resolved), newTermSet(lx.ask), newTermSet(lx.habit)
	lx.pastBackSet, lx.hearsaySet, lx.supposeSet = newTermSet(lx.pastBack), newTermSet(lx.hearsay), newTermSet(lx.suppose)
	if len(lx.neg) == 0 || len(lx.where) == 0 {
		return nil, fmt.Errorf("lexicon.tsv: needs neg and where entries")
	}
	return lx, nil
}

// expand replaces {MACRO} references with each alternative of the macro.
func expand(p string, macros map[string]string) ([]string, error) {
	i := strings.IndexByte(p, '{')
	if i < 0 {
		return []string{p}, nil
	}
	j := strings.IndexByte(p[i:], '}')
	if j < 0 {
		return nil, fmt.Errorf("pattern %q: unclosed {", p)
	}
	name := p[i+1 : i+j]
	alt, ok := macros[name]
	if !ok {
		return nil, fmt.Errorf("pattern %q: unknown macro %q", p, name)
	}
	var out []string
	for _, a := range splitList(alt, "|") {
		rest, err := expand(p[i+j+1:], macros)
		if err != nil {
			return nil, err
		}
		for _, r := range rest {
			out = append(out, p[:i]+a+r)
		}
	}
	return out, nil
}

func parsePattern(s string) (pattern, error) {
	var p pattern
	for part := range strings.SplitSeq(s, "~") {
		part = compactKey(part)
		if part == "" {
			return pattern{}, fmt.Errorf("pattern %q: empty part", s)
		}
		p.parts = append(p.parts, part)
		p.lit += utf8.RuneCountInString(part)
	}
	return p, nil
}

func parseDeptWeights(s string) ([]deptWeight, error) {
	var out []deptWeight
	for _, item := range splitList(s, ",") {
		name, w, ok := strings.Cut(item, ":")
		weight := 1.0
		if ok {
			v, err := strconv.ParseFloat(w, 64)
			if err != nil || v <= 0 || v > 10 {
				return nil, fmt.Errorf("department weight %q: want a number in (0,10]", item)
			}
			weight = v
		}
		d, err := canonicalDept(name)
		if err != nil {
			return nil, err
		}
		out = append(out, deptWeight{Name: d.Name, Code: d.Code, Weight: weight})
	}
	return out, nil
}

// loadSymptoms reads symptoms.tsv: ID, NAME, PATTERNS (| separated, ~ for a short gap,
// {MACRO} from lexicon.tsv), BODY, LEVEL, DEPARTMENTS (name:weight, comma separated).
func loadSymptoms(fsys fs.FS, lx *lexicon) ([]symptom, error) {
	var out []symptom
	seen := make(map[string]bool)
	err := readTSV(fsys, "symptoms.tsv", 6, func(f []string) error {
		s := symptom{ID: f[0], Name: f[1], Body: f[3]}
		if s.Body == "-" {
			s.Body = ""
		}
		if seen[s.ID] {
			return fmt.Errorf("duplicate symptom id %q", s.ID)
		}
		seen[s.ID] = true
		lv, ok := parseLevel(f[4])
		if !ok || lv.IsEmergency() {
			return fmt.Errorf("symptom %s: level %q, want self_care, clinic_soon or clinic_today (emergencies belong in redflags.tsv)", s.ID, f[4])
		}
		s.Level = lv
		var err error
		if s.Depts, err = parseDeptWeights(f[5]); err != nil {
			return fmt.Errorf("symptom %s: %w", s.ID, err)
		}
		for _, raw := range splitList(f[2], "|") {
			exp, err := expand(raw, lx.macros)
			if err != nil {
				return fmt.Errorf("symptom %s: %w", s.ID, err)
			}
			for _, e := range exp {
				p, err := parsePattern(e)
				if err != nil {
					return fmt.Errorf("symptom %s: %w", s.ID, err)
				}
				s.Patterns = append(s.Patterns, p)
			}
		}
		if len(s.Patterns) == 0 {
			return fmt.Errorf("symptom %s: no patterns", s.ID)
		}
		out = append(out, s)
		return nil
	})
	return out, err
}

// loadRules reads redflags.tsv: ID, LEVEL (emergency_119, emergency_er or crisis), NAME,
// WHEN (terms joined by &, alternatives by |).
func loadRules(fsys fs.FS, symptoms []symptom) ([]rule, error) {
	known := make(map[string]bool)
	for _, s := range symptoms {
		known[s.ID] = true
	}
	var out []rule
	seen := make(map[string]bool)
	err := readTSV(fsys, "redflags.tsv", 4, func(f []string) error {
		r := rule{ID: f[0], Name: f[2]}
		if seen[r.ID] {
			return fmt.Errorf("duplicate rule id %q", r.ID)
		}
		seen[r.ID] = true
		switch f[1] {
		case "crisis":
			r.Level, r.Crisis = LevelEmergency119, true
		case string(LevelEmergency119), string(LevelEmergencyER):
			r.Level = Level(f[1])
		default:
			return fmt.Errorf("rule %s: level %q, want emergency_119, emergency_er or crisis", r.ID, f[1])
		}
		for _, term := range splitList(f[3], "&") {
			items := splitList(term, "|")
			for _, it := range items {
				if id, ok := strings.CutPrefix(it, "!"); ok {
					if len(items) != 1 || !known[id] && predicates[id] == nil {
						return fmt.Errorf("rule %s: %q: a !symptom term stands alone and names a known symptom", r.ID, term)
					}
					continue
				}
				if !known[strings.TrimPrefix(it, "~")] && predicates[it] == nil {
					return fmt.Errorf("rule %s: unknown symptom or predicate %q", r.ID, it)
				}
			}
			r.Terms = append(r.Terms, items)
		}
		if len(r.Terms) == 0 {
			return fmt.Errorf("rule %s: empty condition", r.ID)
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// loadConditions reads conditions.tsv, the explanations for "X란?" questions.
func loadConditions(fsys fs.FS) ([]Condition, error) {
	var out []Condition
	seen := make(map[string]bool)
	err := readTSV(fsys, "conditions.tsv", 5, func(f []string) error {
		c := Condition{Name: f[0], Aliases: splitList(f[1], ","), Summary: f[3], WhenToSee: f[4]}
		if c.Name == "" || c.Summary == "" || c.WhenToSee == "" {
			return fmt.Errorf("condition %q: empty name, summary or when-to-see", c.Name)
		}
		if seen[c.Name] {
			return fmt.Errorf("duplicate condition %q", c.Name)
		}
		seen[c.Name] = true
		for _, d := range splitList(f[2], ",") {
			if _, err := canonicalDept(d); err != nil {
				return fmt.Errorf("condition %s: %w", c.Name, err)
			}
			c.Departments = append(c.Departments, d)
		}
		if len(c.Departments) == 0 {
			return fmt.Errorf("condition %s: no departments", c.Name)
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// Example is one labelled utterance of the corpus: "dept:내과", "info:감기",
// "emergency:119", "greeting" and so on.
type Example struct {
	Label string
	Text  string
}

// loadCorpus reads corpus.tsv and checks every label and that no text repeats.
func loadCorpus(fsys fs.FS, name string, conds map[string]*Condition) ([]Example, error) {
	var out []Example
	seen := make(map[string]bool)
	err := readTSV(fsys, name, 2, func(f []string) error {
		ex := Example{Label: f[0], Text: f[1]}
		if ex.Text == "" {
			return fmt.Errorf("empty text")
		}
		if seen[ex.Text] {
			return fmt.Errorf("duplicate text %q", ex.Text)
		}
		seen[ex.Text] = true
		if err := checkLabel(ex.Label, conds); err != nil {
			return err
		}
		out = append(out, ex)
		return nil
	})
	return out, err
}

func checkLabel(label string, conds map[string]*Condition) error {
	kind, arg, _ := strings.Cut(label, ":")
	switch kind {
	case "dept":
		_, err := canonicalDept(arg)
		return err
	case "info":
		if conds != nil && conds[arg] == nil {
			return fmt.Errorf("label %q: unknown condition", label)
		}
		return nil
	case "emergency":
		switch arg {
		case "119", "er", "crisis":
			return nil
		}
	case "greeting", "help", "booking", "my_reservations", "unknown":
		if arg == "" {
			return nil
		}
	}
	return fmt.Errorf("unknown label %q", label)
}

// answerKeys are the answer texts the engine needs from answers.tsv, besides a
// because_@NAME reason for every predicate.
var answerKeys = []string{"unknown", "unknown_condition", "crisis", "emergency_119", "emergency_er", "greeting", "help",
	"booking", "my_reservations", "bare_pain", "where_question", "where_pain_question", "which_question",
	"age_question", "duration_question", "symptom_why", "symptom_dept", "symptom_others", "symptom_child", "symptom_watch", "advice_clinic_today", "advice_clinic_soon",
	"advice_self_care", "group", "because_default", "because_mention", "because_pregnant",
	"flag_classifier", "flag_learned", "flag_learned_crisis"}

// requiredAnswers are answerKeys and a because_@NAME for every predicate.
func requiredAnswers() []string {
	keys := slices.Clone(answerKeys)
	for _, p := range slices.Sorted(maps.Keys(predicates)) {
		keys = append(keys, "because_"+p)
	}
	return keys
}

// loadAnswers reads answers.tsv: KEY<TAB>TEXT, every key of requiredAnswers once.
func loadAnswers(fsys fs.FS) (map[string]string, error) {
	keys := requiredAnswers()
	out := make(map[string]string)
	err := readTSV(fsys, "answers.tsv", 2, func(f []string) error {
		if !slices.Contains(keys, f[0]) {
			return fmt.Errorf("unknown answer key %q", f[0])
		}
		if _, dup := out[f[0]]; dup {
			return fmt.Errorf("duplicate answer key %q", f[0])
		}
		out[f[0]] = strings.Join(f[1:], "\t")
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if out[k] == "" {
			return nil, fmt.Errorf("answers.tsv: no text for %q", k)
		}
	}
	return out, nil
}

// group is a disease group from groups.tsv ("소화기 질환").
type group struct {
	Condition
	keys []string // compact aliases, longest first
}

// loadGroups reads groups.tsv: NAME, ALIASES, DEPARTMENTS, SUMMARY.
func loadGroups(fsys fs.FS) ([]group, error) {
	var out []group
	err := readTSV(fsys, "groups.tsv", 4, func(f []string) error {
		g := group{Condition: Condition{Name: f[0], Aliases: splitList(f[1], ","), Summary: f[3]}}
		for _, d := range splitList(f[2], ",") {
			if _, err := canonicalDept(d); err != nil {
				return fmt.Errorf("group %s: %w", g.Name, err)
			}
			g.Departments = append(g.Departments, d)
		}
		if len(g.Departments) == 0 || g.Summary == "" {
			return fmt.Errorf("group %s: no departments or summary", g.Name)
		}
		for _, a := range append([]string{strings.TrimSuffix(compactKey(g.Name), "질환")}, g.Aliases...) {
			if k := compactKey(a); k != "" && !slices.Contains(g.keys, k) {
				g.keys = append(g.keys, k)
			}
		}
		sort.SliceStable(g.keys, func(i, j int) bool { return len(g.keys[i]) > len(g.keys[j]) })
		out = append(out, g)
		return nil
	})
	return out, err
}
