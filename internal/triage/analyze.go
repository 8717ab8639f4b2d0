package triage

import (
	"slices"
	"strings"
)

// lexiconShare is the lexicon's share when it found symptoms, and the boosts below are
// the share of a department the user names (0.3) or a condition they mention (0.15):
// chosen on the calibration fold of the train split (top-1 500 → 509 of 602 rows), never
// on the dev split.
const (
	lexiconShare   = 0.2
	maxDepartments = 3
	minDeptScore   = 0.02
	// closeRatio: when the second department scores at least this share of the first,
	// the engine asks a follow-up question.
	closeRatio = 0.6
	// closeTop: a first department at least this probable is never questioned.
	closeTop = 0.55
	nbTemper = 0.5
	// When the lexicon finds nothing, the classifier alone must be this sure.
	classifierEmergencyMin = 0.9
	classifierDeptMin      = 0.6
	classifierMinGrams     = 12
)

// Analyze reads one message and returns the intent, urgency, departments and an answer.
// It never panics and always fills Answer and Disclaimer.
func (e *Engine) Analyze(text string) Result {
	r, rd := e.analyze(text)
	r.TopDepartments = e.topDepartments(r, rd)
	return r
}

// topDepartments is the model's three best departments for every message about a
// complaint, a condition, an emergency or a booking, emergencies included; a disease
// question lists the condition's own departments.
func (e *Engine) topDepartments(r Result, rd *reading) []Ranked {
	out := []Ranked{}
	if rd == nil {
		return out
	}
	switch r.Intent {
	case IntentSymptom, IntentEmergency, IntentDiseaseInfo, IntentBooking:
	default:
		return out
	}
	if r.Intent == IntentDiseaseInfo && len(r.Departments) > 0 {
		for _, d := range r.Departments {
			out = append(out, Ranked{Name: d.Name, Code: d.Code, Probability: d.Probability})
		}
		return out
	}
	if rd.top == nil {
		if len(rd.present) == 0 && rd.ci < 0 && r.Intent != IntentEmergency {
			return out
		}
		e.rankDepartments(rd, e.currentMentions(rd))
	}
	for i, d := range rd.top {
		if i > 0 && d.Probability < 0.01 {
			break
		}
		d.Probability = max(d.Probability, 0.01)
		out = append(out, d)
	}
	return out
}

// analyze runs the pipeline: read the message, red flags first, then a disease question,
// the model's emergency signal, a disease group or bare pain, a booking, the symptoms,
// a cue word, and last the model alone.
func (e *Engine) analyze(text string) (Result, *reading) {
	c := compact(normalize(text))
	r := Result{
		Departments: []Recommendation{},
		RedFlags:    []RedFlag{},
		Findings:    []Finding{},
		Disclaimer:  Disclaimer,
	}
	if strings.Trim(c.s, ".,?!") == "" {
		return e.intentResult(r, IntentUnknown), nil
	}
	rd := e.read(c)
	r.Findings = rd.findings
	r.Patient, r.Temperature, r.Duration = rd.f.patient, rd.f.temp, rd.f.duration

	if flags := e.redFlags(&rd); len(flags) > 0 {
		return e.emergency(r, flags), &rd
	}
	intent := e.patternIntent(c.s)
	booking := intent == IntentBooking || intent == IntentMyReservations
	if rd.info && !booking {
		return e.diseaseInfo(r, &e.conditions[rd.ci], rd.f), &rd
	}
	if !booking && len(rd.current) > 0 {
		if flag, ok := e.learnedFlag(&rd); ok {
			return e.emergency(r, []RedFlag{flag}), &rd
		}
	}
	mentioned := e.currentMentions(&rd)
	if !booking && len(rd.present) == 0 && rd.ci < 0 {
		if res, ok := e.groupOrBarePain(r, &rd, mentioned); ok {
			return res, &rd
		}
	}
	hasSymptoms := len(rd.present) > 0 || rd.ci >= 0 || len(mentioned) > 0
	switch {
	case booking:
		return e.bookingResult(r, &rd, intent, hasSymptoms, mentioned), &rd
	case hasSymptoms:
		return e.symptomResult(r, &rd, mentioned), &rd
	case intent != "":
		return e.intentResult(r, intent), &rd
	}
	return e.modelResult(r, &rd, mentioned), &rd
}

// bookingResult answers a booking or my-reservations request, with the departments of
// any symptoms it names.
func (e *Engine) bookingResult(r Result, rd *reading, intent Intent, hasSymptoms bool, mentioned []string) Result {
	r.Intent = intent
	if hasSymptoms {
		r.Departments = e.rankDepartments(rd, mentioned)
	}
	r.Answer = e.intentAnswer(intent)
	return r
}

// intentResult answers a cue-word intent (greeting, help, booking, unknown); an unknown
// message gets the where-is-it question.
func (e *Engine) intentResult(r Result, in Intent) Result {
	r.Intent = in
	r.Answer = e.intentAnswer(in)
	if in == IntentUnknown {
		r.Question = e.whereQuestion()
	}
	return r
}

// modelResult is the answer when the lexicon found nothing: the model decides, and says
// which words it used. A message with only a few known features gives it too little to
// go on.
func (e *Engine) modelResult(r Result, rd *reading, mentioned []string) Result {
	group, p, label := e.modelGroup(rd)
	if rd.known < classifierMinGrams {
		group = ""
	}
	switch {
	case group == "emergency:" && p >= classifierEmergencyMin && len(r.Findings) == 0:
		flag := RedFlag{ID: "classifier", Name: e.ans["flag_classifier"], Level: LevelEmergencyER, Because: e.modelWords(rd, label)}
		if label == "emergency:119" || label == "emergency:crisis" {
			flag.Level = LevelEmergency119
		}
		if label == "emergency:crisis" {
			flag.ID = "classifier_crisis"
		}
		return e.emergency(r, []RedFlag{flag})
	case group == "dept:" && p >= classifierDeptMin:
		return e.symptomResult(r, rd, mentioned)
	case group != "" && group != "dept:" && group != "info" && group != "emergency:" && p >= 0.5:
		return e.intentResult(r, Intent(group))
	}
	return e.intentResult(r, IntentUnknown)
}

// modelGroup sums the model's probabilities by intent group (dept:, emergency:, info,
// greeting, …) and returns the best group, its probability and its best label.
func (e *Engine) modelGroup(rd *reading) (string, float64, string) {
	prob := e.modelProb(rd)
	sums := make(map[string]float64)
	bestLabel := make(map[string]string)
	for i, l := range e.model.labels {
		g := l
		if k, _, ok := strings.Cut(l, ":"); ok {
			g = k + ":"
		}
		if bl, ok := bestLabel[g]; !ok || prob[i] > prob[slices.Index(e.model.labels, bl)] {
			bestLabel[g] = l
		}
		sums[g] += prob[i]
	}
	best, bp := "", 0.0
	for _, g := range []string{"dept:", "info", "emergency:", "greeting", "help", "booking", "my_reservations", "unknown"} {
		if v := sums[g]; v > bp {
			best, bp = g, v
		}
	}
	return best, bp, bestLabel[best]
}

func (e *Engine) symptomIndex(id string) int {
	return slices.IndexFunc(e.symptoms, func(s symptom) bool { return s.ID == id })
}

// patternIntent finds greeting/help/booking/my_reservations/unknown cue words. Checking
// my_reservations before booking keeps "예약 취소" from reading as a new booking.
func (e *Engine) patternIntent(s string) Intent {
	if in, ok := e.lex.exact[strings.Trim(s, ".,?!~")]; ok {
		return in
	}
	for _, in := range []Intent{IntentMyReservations, IntentHelp, IntentBooking, IntentGreeting, IntentUnknown} {
		if _, ok := containsAny(s, e.lex.intents[in]); ok {
			// "확인해", "바꿀" are about a booking only when a booking is named.
			if in == IntentMyReservations && !strings.Contains(s, "예약") && !strings.Contains(s, "접수") {
				continue
			}
			return in
		}
	}
	return ""
}
