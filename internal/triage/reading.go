package triage

import (
	"slices"
	"unicode/utf8"
)

// reading is what Analyze reads from a message before deciding: facts, clauses, the
// findings, and which symptoms are present (not denied) and current (not denied, not a
// worry, not history). The department model is trained on the same reading.
type reading struct {
	c                compacted
	f                facts
	cls              []clause
	findings         []Finding
	present, current map[string]bool
	lived            map[string]bool  // present and not a worry, now or in the past
	symClause        map[string][]int // start of each clause a symptom was found in
	words            map[string][]string
	ci, cStart, cEnd int
	info             bool
	prob             []float64 // the department model's, once computed
	known            int       // features of the message the model knows
	top              []Ranked  // the model's top three departments, once ranked
}

func (e *Engine) read(c compacted) reading {
	rd := reading{c: c, f: e.readFacts(c), findings: []Finding{}}
	rd.ci, rd.cStart, rd.cEnd = e.findCondition(c.s)
	rd.info = rd.ci >= 0 && e.isInfoQuestion(c.s, rd.cStart, rd.cEnd)
	cls, bound := e.splitClauses(c)
	rd.cls = cls
	// A reading told of the past or of a worry ("작년 검진 때 혈압이 200 가까이 나와서")
	// is no vital sign now.
	var skip map[int]bool
	for _, at := range rd.f.vitalAt {
		if cl := clauseAt(cls, at); cl != nil && (cl.past || cl.worry) {
			if skip == nil {
				skip = make(map[int]bool)
			}
			skip[at] = true
		}
	}
	if skip != nil {
		rd.f = e.readFactsSkip(c, skip)
	}
	matches := e.findMatches(c, bound)
	e.addFindings(&rd, matches, e.denials(c, matches, bound))
	if cl := clauseAt(rd.cls, rd.f.tempAt); rd.f.temp > 0 && cl != nil && cl.worry {
		rd.f.temp, rd.f.tempWord = 0, "" // "만약 열이 40도까지 오르면"
	}
	e.addTemperature(&rd)
	e.scopeSeverity(&rd)
	return rd
}

// scopeSeverity keeps only the severity said of a complaint: never a cue in a worry or
// a history ("너무 걱정돼요", "예전에 심하게 다쳤어요"), and in a long message only in the
// clause of a symptom reported now or the next one in its sentence ("배가 너무 아파서 못
// 걸어요"); a sudden onset counts outside worries and history.
func (e *Engine) scopeSeverity(rd *reading) {
	if !rd.f.severe && !rd.f.sudden {
		return
	}
	long := utf8.RuneCountInString(rd.c.s) >= longRunes
	severe, extreme, sudden := false, false, false
	for k, cl := range rd.cls {
		if cl.past || cl.worry {
			continue
		}
		text := rd.c.s[cl.start:cl.end]
		sudden = sudden || e.containsAffirmed(text, e.lex.sudden)
		if long {
			if cl.current == 0 {
				continue
			}
			if k+1 < len(rd.cls) && !isPunct(rd.c.s[cl.end-1]) {
				text = rd.c.s[cl.start:rd.cls[k+1].end]
			}
		}
		severe = severe || e.containsAffirmed(text, e.lex.severe) || e.containsAffirmed(text, e.lex.extreme)
		extreme = extreme || e.containsAffirmed(text, e.lex.extreme)
	}
	rd.f.severe, rd.f.extreme, rd.f.sudden = severe, extreme, sudden
	for i := range rd.findings {
		rd.findings[i].Severe = severe
	}
}

// denials reports which matches are denied. A denial right after a run of symptom
// words covers the run: "가장 심한 두통은 아니고" denies 가장 심한 as well as 두통, and an
// or-list (lexicon.tsv orjoin) shares its denial: "말이 어눌하거나 팔다리 힘 빠지는 건
// 없어요".
func (e *Engine) denials(c compacted, matches []match, bound []bool) []bool {
	negs := make([]bool, len(matches))
	for i, m := range matches {
		next := len(c.s)
		if i+1 < len(matches) {
			next = matches[i+1].start
		}
		negs[i] = e.negated(c, m, next)
	}
	for i := len(matches) - 2; i >= 0; i-- {
		gap := matches[i+1].start - matches[i].end
		orList := gap > 3 && slices.Contains(e.lex.orJoins, c.s[matches[i].end:matches[i+1].start])
		if !negs[i] && negs[i+1] && gap >= 0 && (gap <= 3 || orList) && !slices.Contains(bound[matches[i].end:matches[i+1].start+1], true) {
			negs[i] = true
		}
	}
	return negs
}

// addFindings turns the matches into findings (denied, worried, past, whose) and fills
// the present, current and lived symptom sets with the user's words.
func (e *Engine) addFindings(rd *reading, matches []match, negs []bool) {
	c, f, cls := rd.c, rd.f, rd.cls
	present := make(map[string]bool)
	current := make(map[string]bool) // present, and reported as happening now
	lived := make(map[string]bool)   // present and not a worry: now or in the past
	symClause := make(map[string][]int)
	words := make(map[string][]string)
	for i, m := range matches {
		if rd.info && m.start >= rd.cStart && m.end <= rd.cEnd {
			continue // "열성경련이란?" asks about 경련, it does not report one
		}
		sym := &e.symptoms[m.sym]
		neg := negs[i]
		var worry, past bool
		who := ""
		cl := clauseAt(cls, m.start)
		if cl != nil && !neg {
			symClause[sym.ID] = append(symClause[sym.ID], cl.start)
		}
		if cl != nil {
			worry, past, who = cl.worry, cl.past || cl.resolved && !e.lex.lasting[sym.ID], cl.who
			if !neg && !worry && !past {
				cl.current++
			}
		}
		w := c.words(m.start, m.end)
		if k := slices.IndexFunc(rd.findings, func(fd Finding) bool {
			return fd.Symptom == sym.ID && fd.Negated == neg && fd.Hypothetical == worry && fd.Past == past
		}); k >= 0 {
			if !slices.Contains(rd.findings[k].Words, w) {
				rd.findings[k].Words = append(rd.findings[k].Words, w)
			}
		} else {
			rd.findings = append(rd.findings, Finding{Symptom: sym.ID, Name: sym.Name, Words: []string{w}, Negated: neg,
				Hypothetical: worry, Past: past, Who: who, Location: sym.Body, Severe: f.severe})
		}
		if !neg {
			present[sym.ID] = true
			if !worry {
				lived[sym.ID] = true
				words[sym.ID] = append(words[sym.ID], w)
			}
			if !worry && !past {
				current[sym.ID] = true
			}
		}
	}
	rd.present, rd.current, rd.words, rd.lived, rd.symClause = present, current, words, lived, symClause
}

// addTemperature makes a temperature of 37.5 or more a fever even if the word 열 is
// missing ("38.5도예요").
func (e *Engine) addTemperature(rd *reading) {
	f := rd.f
	if f.temp < 37.5 || rd.present["fever"] {
		return
	}
	if si := e.symptomIndex("fever"); si >= 0 {
		rd.present["fever"] = true
		rd.current["fever"] = true
		rd.lived["fever"] = true
		rd.words["fever"] = append(rd.words["fever"], f.tempWord)
		rd.findings = append(rd.findings, Finding{Symptom: "fever", Name: e.symptoms[si].Name, Words: []string{f.tempWord}})
	}
}

// pastAt reports whether compact byte i lies in a history clause.
func (rd *reading) pastAt(i int) bool {
	cl := clauseAt(rd.cls, i)
	return cl != nil && cl.past
}

// currentMentions are the departments the message names outside history clauses:
// "작년에 내과에서 약을 먹었는데" does not ask for 내과.
func (e *Engine) currentMentions(rd *reading) []string {
	var out []string
	for _, m := range e.mentionedAt(rd.c.s) {
		if !rd.pastAt(m.at) && !slices.Contains(out, m.name) {
			out = append(out, m.name)
		}
	}
	return out
}
