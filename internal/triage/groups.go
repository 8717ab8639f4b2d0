package triage

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// groupOrBarePain answers a message with no symptom and no condition that asks about a
// disease group ("소화기 질환에 대해 알려줘") or says only that it hurts ("아파요": ask
// where, never answer that we did not understand).
func (e *Engine) groupOrBarePain(r Result, rd *reading, mentioned []string) (Result, bool) {
	if g := e.findGroup(rd.c.s); g != nil {
		return e.groupInfo(r, g, rd.f), true
	}
	if len(mentioned) == 0 && !rd.f.patient.Child && e.barePain(rd.c.s) {
		r.Intent = IntentSymptom
		r.Answer = e.ans["bare_pain"]
		r.Question = &Question{ID: "where_pain", Text: e.ans["where_pain_question"], Choices: slices.Clone(e.lex.where)}
		return r, true
	}
	return r, false
}

// findGroup returns the disease group a message asks about ("내분비 질환이 뭐예요"), or
// nil: an alias followed by a lexicon.tsv groupsuffix ("소화기 질환", "호흡기계", "피부병").
func (e *Engine) findGroup(s string) *group {
	for gi := range e.groups {
		g := &e.groups[gi]
		for _, k := range g.keys {
			from := 0
			for {
				i := strings.Index(s[from:], k)
				if i < 0 {
					break
				}
				start := from + i
				end := start + len(k)
				from = end
				for _, suf := range e.lex.groupSuffixes {
					if suf.long && utf8.RuneCountInString(k) < 2 {
						continue
					}
					if strings.HasPrefix(s[end:], suf.word) && e.isInfoQuestion(s, start, end+len(suf.word)) {
						return g
					}
				}
			}
		}
	}
	return nil
}

// groupInfo answers a disease-group question with its explanation and departments.
func (e *Engine) groupInfo(r Result, g *group, f facts) Result {
	c := g.Condition
	c.WhenToSee = strings.TrimSpace(e.ans["symptom_watch"])
	r.Intent = IntentDiseaseInfo
	r.Condition = &c
	r.Departments = e.conditionDepartments(r.Departments, &c, f)
	ans := strings.ReplaceAll(e.ans["group"], "{NAME}", c.Name)
	ans = strings.ReplaceAll(ans, "{SUMMARY}", c.Summary)
	r.Answer = strings.ReplaceAll(ans, "{DEPTS}", strings.Join(c.Departments, ", "))
	return r
}

// barePain reports whether the message is only a pain word with nothing to place it
// ("아파요", "너무 아파요ㅠㅠ").
func (e *Engine) barePain(s string) bool {
	_, ok := containsAny(s, e.lex.barePain)
	return ok && utf8.RuneCountInString(s) <= 20
}
