package triage

import (
	"slices"
	"strings"
)

// symptomResult answers a complaint: the departments, the level, at most one question
// and the answer text.
func (e *Engine) symptomResult(r Result, rd *reading, mentioned []string) Result {
	r.Intent = IntentSymptom
	r.Departments = e.rankDepartments(rd, mentioned)
	r.Level = e.level(rd.present, rd.f)
	switch {
	case len(rd.present) == 0 && rd.ci < 0 && len(mentioned) == 0 && (len(r.Departments) == 0 || r.Departments[0].Score < 0.5):
		r.Question = e.whereQuestion()
	case len(r.Departments) >= 2 && r.Departments[0].Score < closeTop && r.Departments[1].Score >= closeRatio*r.Departments[0].Score:
		r.Question = e.deptQuestion(r.Departments, r.Patient, r.Duration)
	}
	r.Answer = e.symptomAnswer(r)
	return r
}

// diseaseInfo answers "X란?" with the condition's explanation and departments.
func (e *Engine) diseaseInfo(r Result, c *Condition, f facts) Result {
	cc := *c
	r.Intent = IntentDiseaseInfo
	r.Condition = &cc
	r.Departments = e.conditionDepartments(r.Departments, c, f)
	r.Answer = c.Name + ": " + c.Summary + " " + c.WhenToSee
	return r
}

// level is the most urgent base level of the findings, raised by severity, high fever,
// a child's or a pregnant patient's fever, and by a long duration.
func (e *Engine) level(present map[string]bool, f facts) Level {
	lv := Level("")
	for _, s := range e.symptoms {
		if present[s.ID] && s.Level.rank() > lv.rank() {
			lv = s.Level
		}
	}
	if lv == "" {
		lv = LevelClinicSoon
	}
	raise := func(to Level) {
		if to.rank() > lv.rank() {
			lv = to
		}
	}
	if f.severe || f.temp >= 38.5 || (present["fever"] && (f.patient.Child || f.patient.Pregnant || f.patient.Age >= 65)) {
		raise(LevelClinicToday)
	}
	if f.days >= 14 || f.patient.Child || f.patient.Pregnant {
		raise(LevelClinicSoon)
	}
	return lv
}

func (e *Engine) whereQuestion() *Question {
	return &Question{ID: "where", Text: e.ans["where_question"], Choices: slices.Clone(e.lex.where)}
}

// deptQuestion is the one question that best separates the two leading departments:
// the age when one of them is for children and no age is known, how long it has lasted
// when both treat the same pain at different stages (lexicon.tsv durationdepts), else
// which kind of complaint it is.
func (e *Engine) deptQuestion(recs []Recommendation, p Patient, duration string) *Question {
	if len(recs) >= 2 {
		a, b := recs[0].Name, recs[1].Name
		child := func(d string) bool { return slices.Contains(e.lex.childDepts, d) }
		if (child(a) || child(b)) && p.Who == "" && p.Age == 0 && p.AgeMonths == 0 && p.AgeDays == 0 && len(e.lex.ageChoices) > 1 {
			return &Question{ID: "age", Text: e.ans["age_question"], Choices: slices.Clone(e.lex.ageChoices)}
		}
		if duration == "" && slices.Contains(e.lex.durationDepts, a) && slices.Contains(e.lex.durationDepts, b) && len(e.lex.durationChoices) > 1 {
			return &Question{ID: "duration", Text: e.ans["duration_question"], Choices: slices.Clone(e.lex.durationChoices)}
		}
	}
	q := &Question{ID: "which", Text: e.ans["which_question"]}
	for _, r := range recs {
		if ch, ok := e.lex.deptChoice[r.Name]; ok {
			q.Choices = append(q.Choices, ch)
		}
	}
	if len(q.Choices) < 2 {
		return nil
	}
	return q
}

// symptomAnswer composes the answer to a complaint from answers.tsv: why, where first,
// which others fit, a child's note, the advice for the level and when to go now.
func (e *Engine) symptomAnswer(r Result) string {
	if len(r.Departments) == 0 {
		return e.ans["unknown"]
	}
	top := r.Departments[0]
	var parts []string
	dept := strings.ReplaceAll(e.ans["symptom_dept"], "{DEPT}", top.Name)
	if len(top.Because) > 0 {
		dept = strings.ReplaceAll(e.ans["symptom_why"], "{WHY}", strings.Join(top.Because, ", ")) + " " + dept
	}
	parts = append(parts, dept)
	if len(r.Departments) > 1 && top.Probability < 0.8 {
		// Not sure enough to name one alone: say which others fit.
		var others []string
		for _, d := range r.Departments[1:] {
			others = append(others, d.Name)
		}
		parts = append(parts, strings.ReplaceAll(e.ans["symptom_others"], "{DEPTS}", strings.Join(others, ", ")))
	}
	if r.Patient.Child && top.Name == "소아청소년과" {
		parts = append(parts, e.ans["symptom_child"])
	}
	parts = append(parts, e.ans["advice_"+string(r.Level)])
	if r.Level == LevelClinicToday || r.Level == LevelClinicSoon {
		parts = append(parts, e.ans["symptom_watch"])
	}
	return strings.Join(parts, " ")
}

func (e *Engine) intentAnswer(in Intent) string {
	switch in {
	case IntentGreeting, IntentHelp, IntentBooking, IntentMyReservations:
		return e.ans[string(in)]
	}
	return e.ans["unknown"]
}
