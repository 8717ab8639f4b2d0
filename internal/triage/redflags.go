package triage

import (
	"slices"
	"sort"
	"strings"
)

// redFlags evaluates every rule of redflags.tsv on the reading. Crisis rules read lived
// (history too: "예전에 자해했었는데 요즘 다시 그 생각이"), the others current.
func (e *Engine) redFlags(rd *reading) []RedFlag {
	f := rd.f
	feverish := rd.current["fever"] && (f.temp == 0 || f.temp >= 38) || f.temp >= 38
	var out []RedFlag
	for _, rl := range e.rules {
		present := rd.current
		if rl.Crisis {
			present = rd.lived
		}
		because, ok := e.ruleHolds(rl, present, rd, feverish)
		if !ok {
			continue
		}
		flag := RedFlag{ID: rl.ID, Name: rl.Name, Level: rl.Level, Because: because}
		if rl.Crisis {
			flag.ID = "crisis:" + rl.ID
		}
		out = append(out, flag)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Level.rank() > out[j].Level.rank() })
	return out
}

// ruleHolds reports whether every term of a rule holds, with the user's words and the
// predicates' reasons that made it hold.
func (e *Engine) ruleHolds(rl rule, present map[string]bool, rd *reading, feverish bool) ([]string, bool) {
	var because []string
	for _, term := range rl.Terms {
		held := false
		for _, item := range term {
			if v, ok := e.holds(item, present, rd.lived, rd.f, feverish); ok {
				held = true
				for _, w := range append(slices.Clone(rd.words[item]), v) {
					if w != "" && !slices.Contains(because, w) {
						because = append(because, w)
					}
				}
				break
			}
		}
		if !held {
			return nil, false
		}
	}
	return because, true
}

// holds evaluates one rule item and returns a word explaining a predicate (answers.tsv
// because_@NAME).
func (e *Engine) holds(item string, present, lived map[string]bool, f facts, feverish bool) (string, bool) {
	if id, ok := strings.CutPrefix(item, "!"); ok {
		_, held := e.holds(id, present, lived, f, feverish)
		return "", !held
	}
	if id, ok := strings.CutPrefix(item, "~"); ok {
		return "", lived[id] // history counts: "예전에 알레르기로 쓰러진 적이 있어요"
	}
	test, ok := predicates[item]
	if !ok {
		return "", present[item]
	}
	why := e.ans["because_"+item]
	if item == "@temp39" || item == "@temp40" {
		why = f.tempWord
	}
	return why, test(f, feverish)
}

// predicates are the @names a red-flag rule may use besides symptom ids, each with its
// test on the facts (feverish: a current fever without a lower reading, or 38도 and more).
var predicates = map[string]func(f facts, feverish bool) bool{
	"@infant3m":    func(f facts, _ bool) bool { return f.patient.under3Months() },
	"@infant":      func(f facts, _ bool) bool { return f.patient.Infant },
	"@child":       func(f facts, _ bool) bool { return f.patient.Child },
	"@pregnant":    func(f facts, _ bool) bool { return f.patient.Pregnant },
	"@elderly":     func(f facts, _ bool) bool { return f.patient.Age >= 65 },
	"@fever38":     func(_ facts, feverish bool) bool { return feverish },
	"@temp39":      func(f facts, _ bool) bool { return f.temp >= 39 },
	"@temp40":      func(f facts, _ bool) bool { return f.temp >= 40 },
	"@severe":      func(f facts, _ bool) bool { return f.severe },
	"@extreme":     func(f facts, _ bool) bool { return f.extreme },
	"@pulse":       func(f facts, _ bool) bool { return f.pulse >= 130 || (f.pulse > 0 && f.pulse <= 40) },
	"@sugar":       func(f facts, _ bool) bool { return f.sugar >= 400 || (f.sugar > 0 && f.sugar <= 60) },
	"@bp":          func(f facts, _ bool) bool { return f.bp >= 180 },
	"@sudden":      func(f facts, _ bool) bool { return f.sudden },
	"@undercare":   func(f facts, _ bool) bool { return f.underCare },
	"@mild":        func(f facts, _ bool) bool { return f.mild },
	"@chronic":     func(f facts, _ bool) bool { return f.days >= 14 },
	"@spo2":        func(f facts, _ bool) bool { return f.spo2 > 0 && f.spo2 <= 92 },
	"@hypotension": func(f facts, _ bool) bool { return f.bpSys > 0 && f.bpSys <= 90 },
	"@bp160":       func(f facts, _ bool) bool { return f.bp >= 160 },
	"@bp220":       func(f facts, _ bool) bool { return f.bp >= 220 },
	"@spo2er":      func(f facts, _ bool) bool { return f.spo2 > 0 && f.spo2 <= 94 },
	"@lowtemp":     func(f facts, _ bool) bool { return f.lowTemp > 0 && f.lowTemp <= 35.5 },
	"@pain8":       func(f facts, _ bool) bool { return f.pain >= 8 },
}

// emergency fills an emergency result: no departments, the most urgent level, and what
// to do now.
func (e *Engine) emergency(r Result, flags []RedFlag) Result {
	r.Intent = IntentEmergency
	r.RedFlags = flags
	r.Level = flags[0].Level
	r.Departments = []Recommendation{}
	for _, fl := range flags {
		if strings.HasPrefix(fl.ID, "crisis") || fl.ID == "classifier_crisis" {
			r.Crisis = true
		}
	}
	switch {
	case r.Crisis:
		r.Answer = e.ans["crisis"]
	case r.Level == LevelEmergency119:
		r.Answer = strings.ReplaceAll(e.ans["emergency_119"], "{NAME}", flags[0].Name)
	default:
		r.Answer = strings.ReplaceAll(e.ans["emergency_er"], "{NAME}", flags[0].Name)
	}
	return r
}

// learnedEmergency is how sure the department model must be that a message with a
// current symptom is an emergency before it says so without a rule. It is the threshold
// with the highest emergency recall on the calibration fold of the train split while
// sending at most 8% of other rows to an emergency (there: 130/138 against 126/138 for
// the rules alone, 20/516 false alarms; 0.5 and 0.6 found no more), never on the dev split.
const learnedEmergency = 0.7

// learnedFlag is the model's emergency signal for clinical and lay wordings the rules
// lack. It names the words that led to it, so it stays explainable.
func (e *Engine) learnedFlag(rd *reading) (RedFlag, bool) {
	prob := e.modelProb(rd)
	var sum, best float64
	label := ""
	for i, l := range e.model.labels {
		if strings.HasPrefix(l, "emergency:") {
			sum += prob[i]
			if prob[i] > best {
				best, label = prob[i], l
			}
		}
	}
	if sum < learnedEmergency {
		return RedFlag{}, false
	}
	flag := RedFlag{ID: "learned", Name: e.ans["flag_learned"], Level: LevelEmergencyER, Because: e.modelWords(rd, label)}
	switch label {
	case "emergency:119":
		flag.Level = LevelEmergency119
	case "emergency:crisis":
		flag.ID, flag.Name, flag.Level = "crisis:learned", e.ans["flag_learned_crisis"], LevelEmergency119
	}
	return flag, true
}
