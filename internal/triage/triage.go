// Package triage understands Korean symptom messages without a hosted model. It
// normalises the text, cuts it into words and clauses (a clause ends at punctuation or a
// connective such as -는데, -지만, -고), finds symptoms from an embedded lexicon inside
// words and clauses, and marks each finding denied ("열은 없어요"), worried or hypothetical
// ("뇌졸중일까 봐"), past ("작년에 …한 적이 있는데", "지금은 괜찮아요" makes what came before
// history; "가끔", "생각만 해도" mark a habit, which counts the same for that clause) and whose it is ("아이가", "어머니가"). Red flags (redflags.tsv, built on the
// legal 응급증상 list and the KTAS 1–2 rows, see ktas_basis.tsv) fire only on current
// findings, and the department model adds a learned emergency signal for wordings the
// rules lack.
//
// Departments come from a multinomial logistic regression (model.go) over word stems,
// stem bigrams, in-word character n-grams, the symptoms found and who the patient is,
// trained in a fixed order on the train splits of corpus.tsv and corpus/*.tsv by
// `heydoctor triage train` (go generate) and embedded as data/model.bin (modelfile.go),
// blended with the lexicon's hand-set weights, and calibrated by a temperature and a
// sharpening power fitted on a calibration fold of the train split. In long messages the chief complaint (the
// clause with a symptom and an asking verb) and a title weigh more and history less.
// The dev split (InTestSplit of the text, about a fifth of every register) is never
// trained or tuned on; TestCorpusRegisters reports it per register and department.
//
// The knowledge base lives in data/*.tsv (embedded), not in Go literals, so that doctors
// and editors can review it without reading code: symptoms.tsv, redflags.tsv,
// lexicon.tsv (negation, clauses, stems, who is ill, intents, follow-up choices),
// conditions.tsv ("X란?"), groups.tsv (disease groups), answers.tsv (every answer text)
// and the corpora.
//
// Order of decisions: red flags first (an emergency result never names a department but
// still carries top_departments), then booking/my-reservation requests, "X란?" and
// disease-group questions, the learned emergency signal, symptoms (with one follow-up
// question when the two best departments are close), bare pain ("어디가 아프세요?"),
// greetings and help, and last the model's own intent probabilities (it also learns
// greetings, help, booking and "X란?" questions) for wordings without any cue. 소아청소년과 and 소아치과 need a child in the text; a child's tooth goes to 소아치과;
// in pregnancy 산부인과 is always among the three.
package triage

// Intent is what the user wants.
type Intent string

// Intents.
const (
	IntentSymptom        Intent = "symptom"
	IntentDiseaseInfo    Intent = "disease_info"
	IntentGreeting       Intent = "greeting"
	IntentHelp           Intent = "help"
	IntentBooking        Intent = "booking"
	IntentMyReservations Intent = "my_reservations"
	IntentEmergency      Intent = "emergency"
	IntentUnknown        Intent = "unknown"
)

// Level is how urgently the user should get care, mapped onto KTAS-like bands:
// KTAS 1–2 → 119 now, 3 → ER now, 4 → clinic today, 5 → clinic soon or self-care.
type Level string

// Levels, from most to least urgent. The empty level is used for non-symptom intents.
const (
	LevelEmergency119 Level = "emergency_119"
	LevelEmergencyER  Level = "emergency_er"
	LevelClinicToday  Level = "clinic_today"
	LevelClinicSoon   Level = "clinic_soon"
	LevelSelfCare     Level = "self_care"
)

// rank orders levels so that the most urgent wins when several findings disagree.
func (l Level) rank() int {
	switch l {
	case LevelEmergency119:
		return 5
	case LevelEmergencyER:
		return 4
	case LevelClinicToday:
		return 3
	case LevelClinicSoon:
		return 2
	case LevelSelfCare:
		return 1
	}
	return 0
}

// IsEmergency reports whether the level means "do not book, go now".
func (l Level) IsEmergency() bool { return l == LevelEmergency119 || l == LevelEmergencyER }

func parseLevel(s string) (Level, bool) {
	l := Level(s)
	return l, l.rank() > 0
}

// Result is the engine's whole answer for one message. It is self-contained so that the
// dialogue engine can stay stateless: it appends a Choice to the text and asks again.
type Result struct {
	Intent      Intent           `json:"intent"`
	Level       Level            `json:"level"`
	Departments []Recommendation `json:"departments"`
	// TopDepartments is the department model's top three with calibrated probabilities,
	// also for emergencies (where Departments stays empty) so that a reviewer can score
	// department choice on every message.
	TopDepartments []Ranked   `json:"top_departments"`
	RedFlags       []RedFlag  `json:"red_flags"`
	Findings       []Finding  `json:"findings"`
	Patient        Patient    `json:"patient"`
	Temperature    float64    `json:"temperature,omitempty"`
	Duration       string     `json:"duration,omitempty"`
	Condition      *Condition `json:"condition"`
	Question       *Question  `json:"question"`
	Answer         string     `json:"answer"`
	Disclaimer     string     `json:"disclaimer"`
	// Crisis is set when the red flag is a mental-health crisis, so that channels can show
	// the crisis line buttons instead of the 119 card.
	Crisis bool `json:"crisis,omitempty"`
}

// Recommendation is one 진료과 with the reason for it.
type Recommendation struct {
	Code  string  `json:"code"`
	Name  string  `json:"name"`
	Score float64 `json:"score"` // share among the departments shown
	// Probability is the calibrated probability that this is the right department.
	Probability float64  `json:"probability"`
	Because     []string `json:"because"`
}

// Ranked is one department with the model's calibrated probability.
type Ranked struct {
	Name        string  `json:"name"`
	Code        string  `json:"code"`
	Probability float64 `json:"probability"`
}

// RedFlag is one emergency rule that fired, with the findings that made it fire.
type RedFlag struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Level   Level    `json:"level"`
	Because []string `json:"because"`
}

// Finding is one symptom recognised in the text, kept for explanation and audit.
type Finding struct {
	Symptom string   `json:"symptom"` // lexicon id, e.g. "fever"
	Name    string   `json:"name"`    // Korean name, e.g. "발열"
	Words   []string `json:"words"`   // the user's words that matched
	Negated bool     `json:"negated,omitempty"`
	// Hypothetical is a worry or a question ("뇌졸중일까 봐"), Past a history
	// ("작년에 쓰러진 적이 있는데"): both still point to a department, neither fires a red flag.
	Hypothetical bool `json:"hypothetical,omitempty"`
	Past         bool `json:"past,omitempty"`
	// Who is "child" or "other" when the clause names someone else as the patient.
	Who      string `json:"who,omitempty"`
	Location string `json:"location,omitempty"` // body part, e.g. "머리"
	Severe   bool   `json:"severe,omitempty"`
}

// Patient is who is ill, as far as the text tells.
type Patient struct {
	Child     bool   `json:"child,omitempty"`
	Infant    bool   `json:"infant,omitempty"` // under one year
	Age       int    `json:"age,omitempty"`    // years, 0 if unknown
	AgeMonths int    `json:"age_months,omitempty"`
	AgeDays   int    `json:"age_days,omitempty"`
	Pregnant  bool   `json:"pregnant,omitempty"`
	Who       string `json:"who,omitempty"` // the word that told us, e.g. "딸"
}

// Condition is a disease explanation from conditions.tsv.
type Condition struct {
	Name        string   `json:"name"`
	Aliases     []string `json:"aliases,omitempty"`
	Departments []string `json:"departments"`
	Summary     string   `json:"summary"`
	WhenToSee   string   `json:"when_to_see"`
}

// Question is a follow-up question for when the text is not enough to decide.
type Question struct {
	ID      string   `json:"id"`
	Text    string   `json:"text"`
	Choices []Choice `json:"choices"`
}

// Choice is one quick reply; the dialogue engine appends Append to the user's text.
type Choice struct {
	Label  string `json:"label"`
	Append string `json:"append"`
}

// Disclaimer is attached to every result.
const Disclaimer = "HeyDoctor의 안내는 진단이 아니에요. 정확한 판단은 꼭 의료진에게 받으세요."
