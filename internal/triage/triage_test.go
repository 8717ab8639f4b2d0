package triage

import (
	"encoding/json"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"spaces", "  목이   아파요 ", "목이 아파요"},
		{"laughter and crying", "배아파요ㅠㅠㅠ ㅋㅋㅋ", "배아파요 ㅋ"},
		{"repeats", "너무너무 아파요!!!!!", "너무너무 아파요!"},
		{"latin case and full width", "ＨＥＬＬＯ Covid", "hello covid"},
		{"nfd hangul", "\u1106\u1169\u11A8", "목"},
		{"emoji", "머리아파🤯", "머리아파"},
		{"celsius", "38.5℃", "38.5도"},
		{"invalid utf8", "열\xff나요", "열 나요"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := normalize(tt.in); got != tt.want {
				t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// findingState returns "yes", "no" (negated) or "" (not found) for a symptom.
func findingState(r Result, id string) string {
	state := ""
	for _, f := range r.Findings {
		if f.Symptom == id {
			if !f.Negated {
				return "yes"
			}
			state = "no"
		}
	}
	return state
}

func TestNegation(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		text, symptom, want string
	}{
		{"열은 없어요", "fever", "no"},
		{"열은 없고 기침이 나요", "fever", "no"},
		{"열은 없고 기침이 나요", "cough", "yes"},
		{"열나고 기침은 안 나요", "fever", "yes"},
		{"열나고 기침은 안 나요", "cough", "no"},
		{"배는 안 아파요", "abd_pain", "no"},
		{"토하지는 않았어요", "vomit", "no"},
		{"머리를 부딪혔는데 토하거나 어지럽진 않아요", "vomit", "no"},
		{"콧물이 줄줄 나요", "runny_nose", "yes"},
		{"소변이 안 나와요", "retention", "yes"},
		{"피가 멈추지 않아요", "bleeding", "yes"},
		{"자해를 멈출 수가 없어요", "self_harm", "yes"},
	}
	for _, tt := range tests {
		t.Run(tt.text+"/"+tt.symptom, func(t *testing.T) {
			if got := findingState(e.Analyze(tt.text), tt.symptom); got != tt.want {
				t.Errorf("Analyze(%q) %s = %q, want %q", tt.text, tt.symptom, got, tt.want)
			}
		})
	}
}

func TestFacts(t *testing.T) {
	e := newTestEngine(t)
	type facts struct {
		Temp     float64
		Duration string
		Patient  Patient
	}
	tests := []struct {
		text string
		want facts
	}{
		{"39도 열이 나요", facts{Temp: 39}},
		{"38.5도예요 3일째", facts{Temp: 38.5, Duration: "3일째"}},
		{"어젯밤부터 기침해요", facts{Duration: "어젯밤부터"}},
		{"2주 넘게 허리가 아파요", facts{Duration: "2주 넘게"}},
		{"5살 아들이 열나요", facts{Patient: Patient{Child: true, Age: 5, Who: "아들"}}},
		{"우리 애가 콧물이 나요", facts{Patient: Patient{Child: true, Who: "우리애"}}},
		{"8개월 아기 설사해요", facts{Patient: Patient{Child: true, Infant: true, AgeMonths: 8, Who: "아기"}}},
		{"55세 남자이고 CT를 6개월마다 찍어요", facts{Patient: Patient{Age: 55}}},
		{"생후 50일 아기", facts{Patient: Patient{Child: true, Infant: true, AgeDays: 50, Who: "아기"}}},
		{"백일 안 된 아기 열", facts{Patient: Patient{Child: true, Infant: true, AgeDays: 99, Who: "아기"}}},
		{"석 달 안 된 아기가 토해요", facts{Patient: Patient{Child: true, Infant: true, AgeDays: 89, Who: "아기"}}},
		{"태어난 지 두 달 된 아기", facts{Patient: Patient{Child: true, Infant: true, AgeDays: 60, Who: "아기"}}},
		{"두 달 반 된 아기", facts{Patient: Patient{Child: true, Infant: true, AgeDays: 75, Who: "아기"}}},
		{"아기 100일 열 38.4", facts{Temp: 38.4, Patient: Patient{Child: true, Infant: true, AgeDays: 100, Who: "아기"}}},
		{"아기 3일째 기침해요", facts{Duration: "3일째", Patient: Patient{Child: true, Who: "아기"}}},
		{"수술한 지 8주 됐어요", facts{Duration: "8주 됐어요"}},
		{"아기가 70일 됐어요", facts{Duration: "70일 됐어요", Patient: Patient{Child: true, Infant: true, AgeDays: 70, Who: "아기"}}},
		{"임신 20주인데 배가 뭉쳐요", facts{Patient: Patient{Pregnant: true}}},
		{"할머니가 어지러워하세요", facts{Patient: Patient{Age: 70, Who: "할머니"}}},
		{"35살인데 허리가 아파요", facts{Patient: Patient{Age: 35}}},
		{"아이고 허리야", facts{}},
		{"열 37.8 나요", facts{Temp: 37.8}},
		{"맥박 120 혈당 37.5", facts{}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			r := e.Analyze(tt.text)
			got := facts{Temp: r.Temperature, Duration: r.Duration, Patient: r.Patient}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Analyze(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestAnalyzeExamples(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		text       string
		wantIntent Intent
		wantDept   string // first department, "" for none
	}{
		{"목이 따끔거려요", IntentSymptom, "이비인후과"},
		{"무릎이 시큰거림", IntentSymptom, "정형외과"},
		{"머리가 지끈지끈 아파요", IntentSymptom, "신경과"},
		{"허리가 욱신욱신", IntentSymptom, "정형외과"},
		{"배가너무아파요", IntentSymptom, "내과"},
		{"열은 없는데 콧물이랑 기침이 나요", IntentSymptom, "내과"}, // a cold: CORPUS.md sends 감기 to 내과
		{"아이가 열이 나고 기침해요", IntentSymptom, "소아청소년과"},
		{"우리 딸 귀가 아프대요", IntentSymptom, "소아청소년과"},
		{"아이 충치가 생겼어요", IntentSymptom, "소아치과"},
		{"발목이 부었어요", IntentSymptom, "정형외과"},
		{"아이가 아파요", IntentSymptom, "소아청소년과"},
		{"귀가 간지러워요", IntentSymptom, "이비인후과"},
		{"아들이 축구하다가 발목을 다쳤어요", IntentSymptom, "정형외과"},
		{"아이 눈이 충혈됐어요", IntentSymptom, "안과"}, // eyes go to 안과 at any age (CORPUS.md)
		{"소변볼 때 아파요", IntentSymptom, "비뇨의학과"},
		{"비염이란", IntentDiseaseInfo, "이비인후과"},
		{"족저근막염이 뭐야", IntentDiseaseInfo, "정형외과"},
		{"수족구병 증상 알려줘", IntentDiseaseInfo, "소아청소년과"},
		{"안녕", IntentGreeting, ""},
		{"hi", IntentGreeting, ""},
		{"고마워요", IntentGreeting, ""},
		{"골절인지 확인하고 싶어요", IntentSymptom, "정형외과"},
		{"안녕하세요", IntentGreeting, ""},
		{"뭐 할 수 있어요?", IntentHelp, ""},
		{"내일 내과 예약하고 싶어요", IntentBooking, ""},
		{"내 예약 확인해줘", IntentMyReservations, ""},
		{"예약 취소할래요", IntentMyReservations, ""},
		{"오늘 날씨 어때", IntentUnknown, ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			r := e.Analyze(tt.text)
			gotDept := ""
			if len(r.Departments) > 0 {
				gotDept = r.Departments[0].Name
			}
			if r.Intent != tt.wantIntent || (tt.wantDept != "" && gotDept != tt.wantDept) {
				t.Errorf("Analyze(%q) = %s/%s, want %s/%s", tt.text, r.Intent, gotDept, tt.wantIntent, tt.wantDept)
			}
			if r.Answer == "" || r.Disclaimer == "" {
				t.Errorf("Analyze(%q) answer %q disclaimer %q, want both", tt.text, r.Answer, r.Disclaimer)
			}
			for _, d := range r.Departments {
				if d.Code == "" || len(d.Because) == 0 {
					t.Errorf("Analyze(%q) department %+v lacks a code or a reason", tt.text, d)
				}
			}
		})
	}
}

func TestDiseaseInfo(t *testing.T) {
	e := newTestEngine(t)
	r := e.Analyze("비염이란?")
	if r.Intent != IntentDiseaseInfo || r.Condition == nil {
		t.Fatalf("Analyze(비염이란?) = %s, condition %v; want disease_info", r.Intent, r.Condition)
	}
	c, ok := e.LookupCondition("비염")
	if !ok {
		t.Fatal("LookupCondition(비염) not found")
	}
	if diff := cmp.Diff(c, r.Condition); diff != "" {
		t.Errorf("condition mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(r.Answer, c.Summary) || !strings.Contains(r.Answer, c.WhenToSee) {
		t.Errorf("answer %q lacks the summary or when-to-see text", r.Answer)
	}
	if len(e.Conditions()) < 100 {
		t.Errorf("Conditions() = %d, want at least 100", len(e.Conditions()))
	}
	// Asking about a condition whose name holds a symptom is not that symptom.
	if r := e.Analyze("열성 경련이란?"); r.Intent != IntentDiseaseInfo {
		t.Errorf("Analyze(열성 경련이란?) = %s/%s, want disease_info", r.Intent, r.Level)
	}
}

func TestJSONShape(t *testing.T) {
	e := newTestEngine(t)
	b, err := json.Marshal(e.Analyze("목이 아프고 열이 나요"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"intent", "level", "departments", "top_departments", "red_flags", "question", "answer", "disclaimer", "condition", "findings"} {
		if _, ok := m[key]; !ok {
			t.Errorf("JSON %s lacks %q", b, key)
		}
	}
	d := m["departments"].([]any)[0].(map[string]any)
	for _, key := range []string{"name", "code", "score", "probability", "because"} {
		if _, ok := d[key]; !ok {
			t.Errorf("department JSON %v lacks %q", d, key)
		}
	}
}

// TestTopDepartments checks the model's top three: at most three, probabilities in
// (0,1] that fall, also for an emergency, and none for a greeting.
func TestTopDepartments(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		text    string
		wantAny bool
	}{
		{"목이 아프고 열이 나요", true},
		{"가슴이 쥐어짜듯 아프고 식은땀이 나요", true},
		{"허리가 아프고 다리가 저려요", true},
		{"안녕하세요", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			r := e.Analyze(tt.text)
			if got := len(r.TopDepartments) > 0; got != tt.wantAny {
				t.Fatalf("Analyze(%q) top departments = %v, want some: %v", tt.text, r.TopDepartments, tt.wantAny)
			}
			if len(r.TopDepartments) > 3 {
				t.Errorf("Analyze(%q) has %d top departments, want at most 3", tt.text, len(r.TopDepartments))
			}
			for i, d := range r.TopDepartments {
				if d.Probability <= 0 || d.Probability > 1 || d.Code == "" || (i > 0 && d.Probability > r.TopDepartments[i-1].Probability) {
					t.Errorf("Analyze(%q) top department %d = %+v, want a code and a falling probability in (0,1]", tt.text, i, d)
				}
			}
		})
	}
}

func TestQuestion(t *testing.T) {
	e := newTestEngine(t)
	r := e.Analyze("ㅁㄴㅇㄹ")
	if r.Question == nil || len(r.Question.Choices) == 0 {
		t.Fatalf("Analyze(gibberish) question = %v, want a where-question", r.Question)
	}
	// Appending a choice gives a symptom answer, as the dialogue engine will do.
	r = e.Analyze("ㅁㄴㅇㄹ " + r.Question.Choices[0].Append)
	if r.Intent != IntentSymptom || len(r.Departments) == 0 {
		t.Errorf("after the choice: %s with %v, want a symptom with departments", r.Intent, r.Departments)
	}
}

// testFiles is a minimal valid knowledge base for validation tests.
func testFiles() fstest.MapFS {
	return fstest.MapFS{
		"lexicon.tsv":    {Data: []byte("neg\t없\nwhere\t머리\t머리가 아파요\n")},
		"symptoms.tsv":   {Data: []byte("fever\t발열\t열이|열나\t전신\tclinic_soon\t내과:3\n")},
		"redflags.tsv":   {Data: []byte("infant_fever\temergency_er\t아기 발열\t@infant3m & fever\n")},
		"conditions.tsv": {Data: []byte("감기\tcold\t내과,이비인후과\t흔한 병이에요.\t오래가면 진료를 받으세요.\n")},
		"corpus.tsv":     {Data: []byte("dept:내과\t열이 나요\ninfo:감기\t감기란\ngreeting\t안녕\n")},
		"answers.tsv":    {Data: []byte(testAnswers())},
		"groups.tsv":     {Data: []byte("소화기 질환\t소화기,위장\t내과\t소화기관의 병이에요.\n")},
	}
}

func testAnswers() string {
	var b strings.Builder
	for _, k := range requiredAnswers() {
		b.WriteString(k + "\t" + k + " 안내\n")
	}
	return b.String()
}

func TestNewValidates(t *testing.T) {
	if _, err := newEngine(testFiles()); err != nil {
		t.Fatalf("valid files: %v", err)
	}
	tests := []struct {
		name, file, data, wantErr string
	}{
		{"duplicate corpus text", "corpus.tsv", "dept:내과\t열이 나요\ndept:내과\t열이 나요\n", "duplicate text"},
		{"unknown info label", "corpus.tsv", "info:독감\t독감이란\n", "unknown condition"},
		{"alias department label", "corpus.tsv", "dept:소아과\t아이가 아파요\n", "not canonical"},
		{"unknown label", "corpus.tsv", "smalltalk\t심심해\n", "unknown label"},
		{"unknown department weight", "symptoms.tsv", "fever\t발열\t열이\t전신\tclinic_soon\t피부내과:3\n", "unknown department"},
		{"emergency base level", "symptoms.tsv", "fever\t발열\t열이\t전신\temergency_er\t내과:3\n", "redflags.tsv"},
		{"rule with unknown symptom", "redflags.tsv", "x\temergency_er\t엑스\tnosuch\n", "unknown symptom"},
		{"condition without departments", "conditions.tsv", "감기\t\t\t요약이에요.\t언제 가요.\n", "no departments"},
		{"too few fields", "conditions.tsv", "감기\tcold\n", "fields"},
		{"missing answer", "answers.tsv", "unknown\t모르겠어요\n", "no text for"},
		{"unknown answer key", "answers.tsv", testAnswers() + "nosuch\t글\n", "unknown answer key"},
		{"group with alias department", "groups.tsv", "소화기 질환\t소화기\t소아과\t요약\n", "not canonical"},
		{"bad macro", "symptoms.tsv", "fever\t발열\t{NOPE}\t전신\tclinic_soon\t내과:3\n", "unknown macro"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := testFiles()
			files[tt.file] = &fstest.MapFile{Data: []byte(tt.data)}
			_, err := newEngine(files)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("newEngine error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestCorpusSplit(t *testing.T) {
	e := newTestEngine(t)
	train, test := e.Corpus()
	if len(train)+len(test) < 800 {
		t.Errorf("corpus has %d rows, want at least 800", len(train)+len(test))
	}
	depts := make(map[string]bool)
	for _, ex := range append(train, test...) {
		if d, ok := strings.CutPrefix(ex.Label, "dept:"); ok {
			depts[d] = true
		}
		if InTestSplit(ex.Text) != containsExample(test, ex) {
			t.Fatalf("%q is in the wrong split", ex.Text)
		}
	}
	if len(depts) < 20 {
		t.Errorf("corpus covers %d departments, want at least 20", len(depts))
	}
}

func containsExample(list []Example, ex Example) bool {
	for _, x := range list {
		if x == ex {
			return true
		}
	}
	return false
}

// TestConcurrentAnalyze lets the race detector check that Analyze shares nothing mutable.
func TestConcurrentAnalyze(t *testing.T) {
	e := newTestEngine(t)
	texts := []string{"아이가 열이 나요", "가슴이 아프고 식은땀이 나요", "비염이란", "안녕", "허리가 아파요"}
	want := make([]Result, len(texts))
	for i, text := range texts {
		want[i] = e.Analyze(text)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				k := (g + i) % len(texts)
				if diff := cmp.Diff(want[k], e.Analyze(texts[k])); diff != "" {
					t.Errorf("Analyze(%q) changed under concurrency (-want +got):\n%s", texts[k], diff)
					return
				}
			}
		})
	}
	wg.Wait()
}

func FuzzAnalyze(f *testing.F) {
	e := newTestEngine(f)
	train, _ := e.Corpus()
	for i, ex := range train {
		if i%40 == 0 {
			f.Add(ex.Text)
		}
	}
	for _, s := range []string{"", "ㅋㅋㅋㅋ", "\xff\xfe", "39.9.9도", "99999999999살", "0개월 아기", "열" + strings.Repeat("이", 3000), "🤒🤒", "I have a headache", "~~~...,,,", "\u1100\u1161\u11a8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r := e.Analyze(text)
		if r.Answer == "" || r.Disclaimer == "" {
			t.Fatalf("Analyze(%q): empty answer or disclaimer", text)
		}
		switch r.Intent {
		case IntentSymptom, IntentDiseaseInfo, IntentGreeting, IntentHelp, IntentBooking, IntentMyReservations, IntentEmergency, IntentUnknown:
		default:
			t.Fatalf("Analyze(%q): intent %q", text, r.Intent)
		}
		if r.Level != "" && r.Level.rank() == 0 {
			t.Fatalf("Analyze(%q): level %q", text, r.Level)
		}
		if r.Level.IsEmergency() && len(r.Departments) > 0 {
			t.Fatalf("Analyze(%q): departments at %s", text, r.Level)
		}
		for _, f := range r.Findings {
			for _, w := range f.Words {
				if !utf8.ValidString(w) {
					t.Fatalf("Analyze(%q): invalid UTF-8 word %q", text, w)
				}
			}
		}
	})
}

func BenchmarkAnalyze(b *testing.B) {
	e := newTestEngine(b)
	_, test := e.Corpus()
	texts := make([]string, 0, len(test))
	for _, ex := range test {
		texts = append(texts, ex.Text)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		e.Analyze(texts[i%len(texts)])
	}
}

func BenchmarkAnalyzeLong(b *testing.B) {
	e := newTestEngine(b)
	text := strings.Repeat("어제부터 머리가 아프고 열이 나요. ", 200)
	b.ReportAllocs()
	for b.Loop() {
		e.Analyze(text)
	}
}

// BenchmarkAnalyzeWorst feeds the longest message the engine reads, made of pattern
// starts, to check the matcher stays linear.
func BenchmarkAnalyzeWorst(b *testing.B) {
	e := newTestEngine(b)
	text := strings.Repeat("배", 5000)
	b.ReportAllocs()
	for b.Loop() {
		e.Analyze(text)
	}
}

// BenchmarkNew measures the start-up cost: loading the data and training the
// department model (New itself builds once per process).
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	sub, err := fs.Sub(dataFiles, "data")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := newEngine(sub); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPregnancyKeepsObstetrics(t *testing.T) {
	e := newTestEngine(t)
	r := e.Analyze("임신 중인데 감기 기운이 있어요")
	if !slices.ContainsFunc(r.Departments, func(d Recommendation) bool { return d.Name == "산부인과" }) {
		t.Errorf("departments = %v, want 산부인과 among them", r.Departments)
	}
	// A department the user names is weighed, and always among the three.
	r = e.Analyze("신경외과 가야 할까요 허리가 아파요")
	if !slices.ContainsFunc(r.Departments, func(d Recommendation) bool { return d.Name == "신경외과" }) {
		t.Errorf("named department: departments = %v, want 신경외과 among them", r.Departments)
	}
	// A cold may go to 내과 or 이비인후과 first; 내과 is always among the three.
	r = e.Analyze("감기 걸린거같아")
	if !slices.ContainsFunc(r.Departments, func(d Recommendation) bool { return d.Name == "내과" }) {
		t.Errorf("감기 departments = %v, want 내과 among them", r.Departments)
	}
}

func TestGroupsAndBarePain(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		text       string
		wantIntent Intent
		wantGroup  string // Condition name for a group question
		wantQ      string // question id
	}{
		{"소화기 질환에 대해 알려줘", IntentDiseaseInfo, "소화기 질환", ""},
		{"내분비 질환이 뭐예요", IntentDiseaseInfo, "내분비 질환", ""},
		{"호흡기계 질환 종류 알려주세요", IntentDiseaseInfo, "호흡기 질환", ""},
		{"신경계 질환은?", IntentDiseaseInfo, "신경계 질환", ""},
		{"아파요", IntentSymptom, "", "where_pain"},
		{"너무 아파요ㅠㅠ", IntentSymptom, "", "where_pain"},
		{"아픕니다", IntentSymptom, "", "where_pain"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			r := e.Analyze(tt.text)
			if r.Intent != tt.wantIntent {
				t.Fatalf("Analyze(%q) intent = %s, want %s", tt.text, r.Intent, tt.wantIntent)
			}
			if strings.Contains(r.Answer, "이해하지 못") {
				t.Errorf("Analyze(%q) answer %q says it did not understand", tt.text, r.Answer)
			}
			if tt.wantGroup != "" {
				if r.Condition == nil || r.Condition.Name != tt.wantGroup || len(r.Departments) == 0 || !strings.Contains(r.Answer, r.Departments[0].Name) {
					t.Errorf("Analyze(%q) condition %v departments %v answer %q, want group %s with its departments", tt.text, r.Condition, r.Departments, r.Answer, tt.wantGroup)
				}
			}
			if tt.wantQ != "" && (r.Question == nil || r.Question.ID != tt.wantQ || len(r.Question.Choices) < 5) {
				t.Errorf("Analyze(%q) question = %+v, want %s with body-part choices", tt.text, r.Question, tt.wantQ)
			}
		})
	}
}
