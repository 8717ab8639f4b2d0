package chat

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"heydoctor"
	"heydoctor/internal/booking"
	"heydoctor/internal/directory"
	"heydoctor/internal/hours"
	"heydoctor/internal/nearby"
	"heydoctor/internal/triage"
)

// Store keeps conversations.
type Store interface {
	GetConversation(ctx context.Context, ch heydoctor.Channel, userKey string) (*heydoctor.Conversation, error)
	PutConversation(ctx context.Context, c *heydoctor.Conversation) error
	ListDoctors(ctx context.Context, institutionID int64) ([]*heydoctor.Doctor, error)
}

// Booking is the part of the booking service the chat uses.
type Booking interface {
	DoctorSlots(ctx context.Context, doctorID int64, from, to heydoctor.Date) ([]heydoctor.Slot, error)
	Book(ctx context.Context, req booking.BookRequest) (*heydoctor.Reservation, bool, error)
	ListForKakao(ctx context.Context, kakaoKey string) ([]*heydoctor.Reservation, error)
	CancelForKakao(ctx context.Context, kakaoKey, code string) (*heydoctor.Reservation, error)
	LinkKakao(ctx context.Context, kakaoKey, code, phone string) (*heydoctor.Reservation, error)
}

// Directory finds places.
type Directory interface {
	Search(q directory.Query) []directory.Result
	Places(q string, limit int) []directory.Place
	ResolvePlace(q string, limit int) (directory.Place, []directory.Place, bool)
	ResolveArea(q string, limit int) (directory.Place, []directory.Place, bool)
	Widen(q directory.Query, radiiM ...float64) ([]directory.Result, float64)
	Get(id int64) (*heydoctor.Institution, bool)
}

// Engine is the dialogue engine. It is stateless itself: conversation state lives in the
// store, so any replica can answer the next message.
type Engine struct {
	triage  *triage.Engine
	dir     Directory
	booking Booking
	store   Store
	baseURL string
	now     func() time.Time
	log     *slog.Logger
	// TTL is how long an idle conversation is kept (and with it any name and phone
	// typed during a booking).
	TTL time.Duration
	// Queue, when set, offers same-day check-in (queue.go).
	Queue Queue
}

// NewEngine wires the engine.
func NewEngine(t *triage.Engine, dir Directory, b Booking, store Store, baseURL string, now func() time.Time, log *slog.Logger) *Engine {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Engine{triage: t, dir: dir, booking: b, store: store, baseURL: strings.TrimRight(baseURL, "/"), now: now, log: log, TTL: 30 * time.Minute}
}

// Input bounds.
const (
	maxTextRunes = 1000
	// maxQuestions is how many follow-up questions one description may get before the
	// engine answers with what it has.
	maxQuestions = 3
	maxChoiceLen = 64
)

// state is one conversation's memory between turns.
type state struct {
	Step       string   `json:"step,omitempty"`
	Text       string   `json:"text,omitempty"`  // the symptom description so far
	Questions  []string `json:"q,omitempty"`     // appendable answers offered by the last triage question
	Asked      int      `json:"asked,omitempty"` // follow-up questions asked about this description
	Department string   `json:"dept,omitempty"`
	Lat        float64  `json:"lat,omitempty"`
	Lng        float64  `json:"lng,omitempty"`
	Place      string   `json:"place,omitempty"`
	Inst       int64    `json:"inst,omitempty"`
	Doctor     int64    `json:"doc,omitempty"`
	Start      int64    `json:"start,omitempty"`
	Name       string   `json:"name,omitempty"`
	Phone      string   `json:"phone,omitempty"`
	Day        string   `json:"day,omitempty"`       // the day whose slots are offered
	LinkCode   string   `json:"link_code,omitempty"` // a reservation code to link, until its phone is typed
	Offered    []string `json:"offered,omitempty"`
	// Words are what each offered choice puts in the user's bubble when tapped (its label,
	// or a card button's Say), so that a channel that sends only the words still picks it.
	Words  []string `json:"words,omitempty"`
	Ticket string   `json:"ticket,omitempty"` // the check-in made in this conversation
}

func (s *state) hasLocation() bool { return s.Lat != 0 || s.Lng != 0 }

// Steps waiting for typed input.
const (
	stepQuestion = "question"
	stepLocation = "location"
	stepDay      = "day"  // days offered: a typed day ("내일", "12월 3일") picks one
	stepSlot     = "slot" // slots of st.Day offered: a typed time ("오후 3시") picks one
	stepName     = "name"
	stepPhone    = "phone"
	stepConfirm  = "confirm"
	// Linking a reservation made elsewhere to a KakaoTalk user: its code, then its phone.
	stepLinkCode  = "link_code"
	stepLinkPhone = "link_phone"
)

// Respond answers one turn. Errors are only for a broken store; the caller shows an
// apology. Nothing the user types is logged at info level.
func (e *Engine) Respond(ctx context.Context, in Input) (Reply, error) {
	if in.UserKey == "" || len(in.UserKey) > 191 {
		return Reply{}, heydoctor.FieldError("user_key", "대화 식별자가 올바르지 않아요")
	}
	st, err := e.load(ctx, in)
	if err != nil {
		return Reply{}, err
	}
	if in.Location != nil && heydoctor.InKorea(in.Location.Lat, in.Location.Lng) {
		st.Lat, st.Lng, st.Place = in.Location.Lat, in.Location.Lng, "현재 위치"
	}
	text := cleanText(in.Text)
	choice := strings.TrimSpace(in.Choice)
	if choice != "" && (len(choice) > maxChoiceLen || !offered(st, choice)) {
		choice = "" // stale or forged: treat the tap as its text
	}
	if choice == "" {
		choice = matchLabel(st, text)
	}
	reply, err := e.turn(ctx, in, st, text, choice)
	if err != nil {
		return Reply{}, err
	}
	st.Offered, st.Words = st.Offered[:0], st.Words[:0]
	for _, c := range reply.Choices {
		st.Offered, st.Words = append(st.Offered, c.Value), append(st.Words, c.Label)
	}
	for _, card := range reply.Cards {
		for _, b := range card.Buttons {
			if b.Kind == ButtonChoice {
				st.Offered, st.Words = append(st.Offered, b.Value), append(st.Words, b.Words())
			}
		}
	}
	if err := e.save(ctx, in, st); err != nil {
		return Reply{}, err
	}
	return reply, nil
}

func (e *Engine) load(ctx context.Context, in Input) (*state, error) {
	st := &state{}
	c, err := e.store.GetConversation(ctx, in.Channel, in.UserKey)
	if heydoctor.KindOf(err) == heydoctor.NotFound {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	if json.Unmarshal(c.State, st) != nil {
		return &state{}, nil // an old or damaged state: start over rather than fail
	}
	return st, nil
}

func (e *Engine) save(ctx context.Context, in Input, st *state) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	now := e.now()
	return e.store.PutConversation(ctx, &heydoctor.Conversation{Channel: in.Channel, UserKey: in.UserKey, State: b, UpdatedAt: now, ExpiresAt: now.Add(e.TTL)})
}

// cleanText trims, drops control characters and invalid UTF-8, and bounds the length.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	n := 0
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' {
			continue
		}
		if n == maxTextRunes {
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}

func offered(st *state, v string) bool {
	for _, o := range st.Offered {
		if o == v {
			return true
		}
	}
	// Global commands are always allowed.
	return v == "restart" || v == "help" || v == "my" || v == "myqueue"
}

// matchLabel turns a typed text that equals a command word into that command.
func matchLabel(st *state, text string) string {
	switch strings.TrimSpace(strings.TrimSuffix(text, "요")) {
	case "처음으로", "처음", "다시", "다시 시작", "취소", "그만":
		if st.Step == stepName || st.Step == stepPhone || st.Step == stepConfirm || st.Step == stepLinkCode || st.Step == stepLinkPhone || strings.HasPrefix(st.Step, "q_") || text != "취소" {
			return "restart"
		}
	case "도움말", "사용법":
		return "help"
	case "내 예약", "내예약", "예약 확인":
		return "my"
	case "내 순서", "내순서", "접수 확인":
		return "myqueue"
	}
	// The words of an offered choice: a tap whose channel sent only the text.
	for i, w := range st.Words {
		if i < len(st.Offered) && w != "" && w == text {
			return st.Offered[i]
		}
	}
	return ""
}

var restartChoice = Choice{Label: "처음으로", Value: "restart"}

func (e *Engine) turn(ctx context.Context, in Input, st *state, text, choice string) (Reply, error) {
	switch {
	case choice == "restart":
		*st = state{Lat: st.Lat, Lng: st.Lng, Place: st.Place}
		return e.welcome(), nil
	case choice == "help":
		return e.help(), nil
	case choice == "my":
		return e.myReservations(ctx, in, st)
	}
	if r, ok, err := e.queueTurn(ctx, in, st, text, choice); ok {
		return r, err
	}
	switch {
	case strings.HasPrefix(choice, "q:"):
		i, _ := strconv.Atoi(strings.TrimPrefix(choice, "q:"))
		if i >= 0 && i < len(st.Questions) {
			st.Text = strings.TrimSpace(st.Text + " " + st.Questions[i])
			st.Questions = nil
			return e.analyze(ctx, in, st, st.Text)
		}
	case strings.HasPrefix(choice, "dept:"):
		if d, ok := heydoctor.LookupDepartment(strings.TrimPrefix(choice, "dept:")); ok {
			st.Department = d.Code
			return e.near(ctx, st)
		}
	case choice == "near":
		return e.near(ctx, st)
	case choice == "er":
		st.Department = "er"
		return e.near(ctx, st)
	case strings.HasPrefix(choice, "place:"):
		i, _ := strconv.Atoi(strings.TrimPrefix(choice, "place:"))
		return e.pickPlace(ctx, st, i)
	case strings.HasPrefix(choice, "book:"):
		id, _ := strconv.ParseInt(strings.TrimPrefix(choice, "book:"), 10, 64)
		return e.bookInstitution(ctx, st, id)
	case strings.HasPrefix(choice, "doc:"):
		id, _ := strconv.ParseInt(strings.TrimPrefix(choice, "doc:"), 10, 64)
		return e.bookDoctor(ctx, st, id, "")
	case strings.HasPrefix(choice, "day:"):
		day, from, _ := strings.Cut(strings.TrimPrefix(choice, "day:"), "@")
		return e.bookDay(ctx, st, day, from, "")
	case strings.HasPrefix(choice, "slot:"):
		at, _ := strconv.ParseInt(strings.TrimPrefix(choice, "slot:"), 10, 64)
		return e.pickSlot(st, at), nil
	case choice == "confirm" && st.Step == stepConfirm:
		return e.confirmBooking(ctx, in, st)
	case strings.HasPrefix(choice, "cancel:"):
		return e.cancelReservation(ctx, in, st, strings.TrimPrefix(choice, "cancel:"))
	case choice == "link" && in.Channel == heydoctor.ChannelKakao:
		st.Step, st.LinkCode = stepLinkCode, ""
		return Reply{Texts: []string{"홈페이지나 전화로 한 예약을 불러올게요. 예약 번호를 적어 주세요. (예: ABCD2345)"}, Choices: []Choice{restartChoice}}, nil
	}

	switch st.Step {
	case stepLocation:
		// A place name, unless it is plainly a new message ("비염이란?") that names no place.
		if text != "" && (len(e.dir.Places(text, 1)) > 0 || e.triage.Analyze(text).Intent == triage.IntentUnknown) {
			return e.findPlace(ctx, st, text)
		}
	case stepDay, stepSlot:
		if text != "" {
			return e.typedWhen(ctx, st, text)
		}
	case stepName:
		return e.takeName(st, text), nil
	case stepPhone:
		return e.takePhone(st, text), nil
	case stepLinkCode:
		return e.takeLinkCode(st, text), nil
	case stepLinkPhone:
		return e.linkReservation(ctx, in, st, text)
	}
	if text == "" {
		return e.help(), nil
	}
	if st.Step == stepQuestion && st.Text != "" && utf8.RuneCountInString(text) <= 20 {
		// A short answer to the follow-up question adds to the description.
		st.Text = strings.TrimSpace(st.Text + " " + text)
		return e.analyze(ctx, in, st, st.Text)
	}
	st.Text, st.Asked = text, 0
	return e.analyze(ctx, in, st, text)
}

func (e *Engine) welcome() Reply {
	return Reply{
		Texts: []string{"안녕하세요, HeyDoctor예요. 어디가 어떻게 불편한지 평소 말투로 적어 주세요. 응급인지 먼저 살피고, 맞는 진료과와 지금 진료 중인 가까운 병원을 알려 드릴게요.\n예: \"애가 어젯밤부터 열이 39도까지 나요\""},
		Choices: []Choice{{Label: "내과 찾기", Value: "dept:D001"}, {Label: "소아청소년과 찾기", Value: "dept:D002"},
			{Label: "근처 응급실", Value: "er"}, {Label: "내 예약", Value: "my"}, {Label: "내 순서", Value: "myqueue"}, {Label: "도움말", Value: "help"}},
	}
}

func (e *Engine) help() Reply {
	return Reply{
		Texts:   []string{"이렇게 쓸 수 있어요.\n• 증상 적기: \"목이 따끔하고 열이 나요\" → 응급 여부, 맞는 진료과, 가까운 병원\n• 질환 묻기: \"비염이란?\"\n• 병원 찾기: 진료과를 고르고 동네 이름(예: 정왕동)을 적으면 지금 진료 중인 곳을 보여 드려요\n• 예약 확인·취소: \"내 예약\"\n언제든 \"처음으로\"를 누르면 다시 시작해요.\n위급하면 바로 119에 전화하세요."},
		Choices: []Choice{{Label: "내과 찾기", Value: "dept:D001"}, {Label: "근처 응급실", Value: "er"}, {Label: "내 예약", Value: "my"}, restartChoice},
	}
}

// analyze runs triage on the description so far and answers by intent.
func (e *Engine) analyze(ctx context.Context, in Input, st *state, text string) (Reply, error) {
	res := e.triage.Analyze(text)
	st.Step, st.Questions = "", nil
	switch res.Intent {
	case triage.IntentGreeting:
		return e.welcome(), nil
	case triage.IntentHelp:
		return e.help(), nil
	case triage.IntentMyReservations:
		return e.myReservations(ctx, in, st)
	case triage.IntentBooking:
		if st.Department != "" && st.Department != "er" {
			return e.near(ctx, st)
		}
		return Reply{Texts: []string{"예약을 도와드릴게요. 어느 진료과로 예약할까요? 증상을 적어 주시면 맞는 진료과를 골라 드려요."}, Choices: departmentChoices()}, nil
	case triage.IntentEmergency:
		return e.emergency(ctx, st, res), nil
	case triage.IntentDiseaseInfo:
		r := Reply{Texts: []string{res.Answer + "\n\n" + res.Disclaimer}}
		if len(res.Departments) > 0 {
			st.Department = res.Departments[0].Code
			r.Choices = append(r.Choices, Choice{Label: "근처 " + res.Departments[0].Name, Value: "near"})
		}
		r.Choices = append(r.Choices, restartChoice)
		return r, nil
	case triage.IntentUnknown:
		// A place name typed after the question has scrolled away (강남구) is still a place.
		if place, _, ok := e.dir.ResolveArea(text, 5); ok && st.Department != "" {
			st.Lat, st.Lng, st.Place = place.Lat, place.Lng, place.Name
			return e.near(ctx, st)
		}
		r := Reply{Texts: []string{res.Answer}}
		if res.Question != nil && st.Asked < maxQuestions {
			st.Step = stepQuestion
			st.Asked++
			for i, c := range res.Question.Choices {
				st.Questions = append(st.Questions, c.Append)
				r.Choices = append(r.Choices, Choice{Label: c.Label, Value: "q:" + strconv.Itoa(i)})
			}
		}
		r.Choices = append(r.Choices, Choice{Label: "도움말", Value: "help"}, restartChoice)
		return r, nil
	}
	if res.Level.IsEmergency() {
		return e.emergency(ctx, st, res), nil
	}
	if res.Question != nil && (st.Asked < maxQuestions || len(res.Departments) == 0) {
		// One question instead of a guess when the text is not enough (where it hurts,
		// which of two close departments), never more than maxQuestions per description.
		if st.Asked >= maxQuestions {
			return Reply{Texts: []string{res.Answer}, Choices: departmentChoices()}, nil
		}
		st.Step = stepQuestion
		st.Asked++
		r := Reply{Texts: []string{res.Question.Text}}
		for i, c := range res.Question.Choices {
			st.Questions = append(st.Questions, c.Append)
			r.Choices = append(r.Choices, Choice{Label: c.Label, Value: "q:" + strconv.Itoa(i)})
		}
		r.Choices = append(r.Choices, restartChoice)
		return r, nil
	}
	r := Reply{Texts: []string{res.Answer + "\n\n" + res.Disclaimer}}
	for i, d := range res.Departments {
		if i == 0 {
			st.Department = d.Code
			r.Choices = append(r.Choices, Choice{Label: "근처 " + d.Name + " 찾기", Value: "near"})
			continue
		}
		if i < 3 {
			r.Choices = append(r.Choices, Choice{Label: d.Name, Value: "dept:" + d.Code})
		}
	}
	r.Choices = append(r.Choices, restartChoice)
	return r, nil
}

func departmentChoices() []Choice {
	var cs []Choice
	for _, code := range []string{"D001", "D002", "D013", "D008", "D005", "D012", "D011", "D022"} {
		d, _ := heydoctor.LookupDepartment(code)
		cs = append(cs, Choice{Label: d.Name, Value: "dept:" + code})
	}
	return append(cs, restartChoice)
}

// emergency answers an emergency level: what to do now, no department, ER cards when the
// location is known, crisis lines for suicidal intent.
func (e *Engine) emergency(ctx context.Context, st *state, res triage.Result) Reply {
	st.Department = "er"
	r := Reply{Texts: []string{res.Answer + "\n\n" + res.Disclaimer}}
	if res.Crisis {
		r.Cards = []Card{{Title: "지금 바로 이야기할 수 있는 곳", Description: "자살예방상담전화 109(예전 1393이 109로 통합됐어요), 정신건강위기상담 1577-0199, 청소년 1388. 24시간 연결돼요.",
			Buttons: []Button{{Label: "109 전화", Kind: ButtonPhone, Value: "109"}, {Label: "1577-0199 전화", Kind: ButtonPhone, Value: "15770199"}, {Label: "119 전화", Kind: ButtonPhone, Value: "119"}}}}
		r.Choices = []Choice{restartChoice}
		return r
	}
	r.Cards = []Card{call119}
	if st.hasLocation() {
		results, radius := e.nearestER(st)
		r.Texts = append(r.Texts, erIntro(st, results, radius))
		r.Cards = append(r.Cards, e.institutionCards(ctx, st, results)...)
	} else {
		// Typing a place name now (강남구) must find ERs, not fall into symptom analysis.
		st.Step = stepLocation
		r.Texts = append(r.Texts, "가까운 응급실을 찾으려면 위치를 보내 주시거나 동네나 구 이름을 적어 주세요. (예: 정왕동, 강남구)")
		r.Choices = append(r.Choices, Choice{Label: "근처 응급실 찾기", Value: "er"})
	}
	r.Choices = append(r.Choices, restartChoice)
	return r
}

// call119 comes first in every emergency-room answer.
var call119 = Card{Title: "119에 전화하기", Description: "구급대가 가장 빠르게 도와줄 수 있어요. 응급실로 가는 중에도 119가 안내해 줘요.",
	Buttons: []Button{{Label: "119 전화", Kind: ButtonPhone, Value: "119"}}}

// nearestER widens the search step by step up to 50 km so that it never ends empty
// where there is an ER at all.
func (e *Engine) nearestER(st *state) ([]directory.Result, float64) {
	return e.dir.Widen(directory.Query{Query: nearby.Query{Lat: st.Lat, Lng: st.Lng, EROnly: true, Limit: 5}}, directory.ERRadiiM...)
}

func erIntro(st *state, results []directory.Result, radius float64) string {
	place := st.Place
	if place == "" {
		place = "현재 위치"
	}
	if len(results) == 0 {
		return fmt.Sprintf("%s에서 %.0fkm 안에 응급실 정보가 없어요. 지금 바로 119에 전화해 가까운 응급실 안내를 받으세요.", place, radius/1000)
	}
	return fmt.Sprintf("%s에서 가까운 응급실이에요 (%.0fkm 안). 출발 전에 전화로 진료 가능한지 확인하세요.", place, radius/1000)
}

// near shows open places of the chosen department around the user, asking where first.
func (e *Engine) near(ctx context.Context, st *state) (Reply, error) {
	if !st.hasLocation() {
		st.Step = stepLocation
		return Reply{Texts: []string{"어디 근처에서 찾을까요? 동네나 역, 구 이름을 적어 주세요. (예: 정왕동, 강남구, 시흥시)"}, Choices: []Choice{restartChoice}}, nil
	}
	st.Step = ""
	if st.Department == "er" {
		results, radius := e.nearestER(st)
		r := Reply{Texts: []string{erIntro(st, results, radius)}, Cards: append([]Card{call119}, e.institutionCards(ctx, st, results)...)}
		r.Choices = append(r.Choices, Choice{Label: "다른 동네", Value: "place:-1"}, restartChoice)
		return r, nil
	}
	q := directory.Query{Query: nearby.Query{Lat: st.Lat, Lng: st.Lng, RadiusM: 5000, Limit: 5}}
	label := "병원"
	if st.Department != "" {
		q.Departments = []string{st.Department}
		if d, ok := heydoctor.LookupDepartment(st.Department); ok {
			label = d.Name
		}
	}
	open := q
	open.OpenAt = e.now()
	results := e.dir.Search(open)
	intro := fmt.Sprintf("%s 근처에서 지금 진료 중인 %s", st.Place, josa(label, "이에요.", "예요."))
	if len(results) == 0 {
		results = e.dir.Search(q)
		intro = fmt.Sprintf("%s 근처에서 지금 진료 중으로 확인된 %s 없어요. 가까운 곳을 보여 드릴게요. 진료 여부는 전화로 확인해 주세요.", st.Place, josa(label, "은", "는"))
	}
	if len(results) == 0 {
		return Reply{Texts: []string{fmt.Sprintf("%s 근처 5km 안에서 %s 찾지 못했어요. 다른 동네 이름을 적어 주세요.", st.Place, josa(label, "을", "를"))},
			Choices: []Choice{{Label: "다른 동네", Value: "place:-1"}, restartChoice}}, nil
	}
	r := Reply{Texts: []string{intro + "\n진료시간은 변동될 수 있으니 방문 전 전화로 확인하세요."}, Cards: e.institutionCards(ctx, st, results)}
	r.Choices = append(e.queueChoices(ctx, results), Choice{Label: "다른 동네", Value: "place:-1"}, restartChoice)
	return r, nil
}

func (e *Engine) institutionCards(ctx context.Context, st *state, results []directory.Result) []Card {
	var cards []Card
	for _, res := range results {
		in := res.Institution
		title := in.Name
		if in.Demo {
			title += " (데모)"
		}
		desc := fmt.Sprintf("%s · %s\n%s", formatDistance(res.DistanceM), statusText(in, res.Status), in.Address)
		c := Card{Title: title, Description: desc}
		if in.Phone != "" {
			c.Buttons = append(c.Buttons, Button{Label: "전화", Kind: ButtonPhone, Value: in.Phone})
		}
		if in.Onboarded {
			c.Buttons = append(c.Buttons, Button{Label: "예약", Kind: ButtonChoice, Value: "book:" + strconv.FormatInt(in.ID, 10), Say: in.Name + " 예약할게요"})
		}
		c.Buttons = append(c.Buttons, Button{Label: "지도", Kind: ButtonLink, Value: "https://map.kakao.com/link/map/" + url.PathEscape(in.Name) + "," +
			strconv.FormatFloat(in.Lat, 'f', 6, 64) + "," + strconv.FormatFloat(in.Lng, 'f', 6, 64)})
		if base := e.base(ctx); len(c.Buttons) < 3 && base != "" {
			c.Buttons = append(c.Buttons, Button{Label: "자세히", Kind: ButtonLink, Value: base + "/hospitals/" + strconv.FormatInt(in.ID, 10)})
		}
		cards = append(cards, c)
	}
	return cards
}

func formatDistance(m float64) string {
	if m < 1000 {
		return fmt.Sprintf("%.0fm", m)
	}
	return fmt.Sprintf("%.1fkm", m/1000)
}

func statusText(in *heydoctor.Institution, s hours.Status) string {
	label := s.State.LabelFor(in.Kind)
	switch {
	case s.State == hours.Open && !s.ClosesAt.IsZero():
		return label + " · " + s.ClosesAt.In(heydoctor.KST).Format("15:04") + "까지"
	case s.State == hours.Closed && !s.OpensAt.IsZero():
		return label + " · " + kstTime(s.OpensAt) + " 시작"
	}
	return label
}

func kstTime(t time.Time) string {
	t = t.In(heydoctor.KST)
	return fmt.Sprintf("%d월 %d일(%s) %s", t.Month(), t.Day(), hours.DayName(heydoctor.DayIndex(t.Weekday())), t.Format("15:04"))
}

// findPlace turns a typed place name into a location, offering candidates when several match.
func (e *Engine) findPlace(ctx context.Context, st *state, text string) (Reply, error) {
	place, places, ok := e.dir.ResolvePlace(text, 5)
	if len(places) == 0 {
		return Reply{Texts: []string{fmt.Sprintf("'%s'(을)를 찾지 못했어요. 동이나 구 이름으로 다시 적어 주세요. (예: 정왕동, 강남구)", truncate(text, 20))}, Choices: []Choice{restartChoice}}, nil
	}
	if ok {
		st.Lat, st.Lng, st.Place = place.Lat, place.Lng, place.Name
		return e.near(ctx, st)
	}
	st.Questions = nil
	r := Reply{Texts: []string{fmt.Sprintf("'%s'(이)라는 곳이 여러 군데 있어요. 어느 곳인가요?", truncate(text, 20))}}
	for i, p := range places {
		st.Questions = append(st.Questions, fmt.Sprintf("%s|%f|%f", p.Name, p.Lat, p.Lng))
		r.Choices = append(r.Choices, Choice{Label: truncate(p.Name, 14), Value: "place:" + strconv.Itoa(i)})
	}
	r.Choices = append(r.Choices, restartChoice)
	return r, nil
}

func (e *Engine) pickPlace(ctx context.Context, st *state, i int) (Reply, error) {
	if i < 0 || i >= len(st.Questions) {
		st.Lat, st.Lng, st.Place, st.Questions = 0, 0, "", nil
		return e.near(ctx, st)
	}
	parts := strings.Split(st.Questions[i], "|")
	if len(parts) == 3 {
		st.Place = parts[0]
		st.Lat, _ = strconv.ParseFloat(parts[1], 64)
		st.Lng, _ = strconv.ParseFloat(parts[2], 64)
	}
	st.Questions = nil
	return e.near(ctx, st)
}

func fold(s string) string { return strings.ReplaceAll(strings.ToLower(s), " ", "") }

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// bookInstitution starts a booking at an onboarded institution: pick a doctor or room.
func (e *Engine) bookInstitution(ctx context.Context, st *state, id int64) (Reply, error) {
	in, ok := e.dir.Get(id)
	if !ok || !in.Onboarded {
		return Reply{Texts: []string{"이 병원은 아직 HeyDoctor 예약을 받지 않아요. 전화로 문의해 주세요."}, Choices: []Choice{restartChoice}}, nil
	}
	doctors, err := e.store.ListDoctors(ctx, id)
	if err != nil {
		return Reply{}, err
	}
	st.Inst = id
	r := Reply{Texts: []string{in.Name + " 예약이에요. 진료실을 골라 주세요."}}
	for _, d := range doctors {
		if !d.Active {
			continue
		}
		if st.Department != "" && d.Department != st.Department && len(doctors) > 1 && hasDept(doctors, st.Department) {
			continue
		}
		r.Choices = append(r.Choices, Choice{Label: truncate(d.Name, 14), Value: "doc:" + strconv.FormatInt(d.ID, 10)})
		if len(r.Choices) == 9 {
			break
		}
	}
	if len(r.Choices) == 0 {
		r.Texts = []string{"지금 예약을 받는 진료실이 없어요. 전화로 문의해 주세요."}
	}
	r.Choices = append(r.Choices, restartChoice)
	return r, nil
}

func hasDept(ds []*heydoctor.Doctor, code string) bool {
	for _, d := range ds {
		if d.Active && d.Department == code {
			return true
		}
	}
	return false
}

// bookDoctor offers the days with free slots in the next two weeks; a day is picked by a
// tap or by typing it ("내일", "12월 3일").
func (e *Engine) bookDoctor(ctx context.Context, st *state, doctorID int64, hint string) (Reply, error) {
	st.Doctor, st.Day = doctorID, ""
	today := heydoctor.DateOf(e.now())
	slots, err := e.booking.DoctorSlots(ctx, doctorID, today, today.AddDays(13))
	if err != nil {
		return e.bookingError(err), nil
	}
	text := "언제가 좋으세요? 예약 가능한 날이에요. \"내일\", \"12월 3일\"처럼 적어도 돼요."
	if hint != "" {
		text = hint + "\n" + text
	}
	r := Reply{Texts: []string{text}}
	seen := map[heydoctor.Date]bool{}
	for _, s := range slots {
		d := heydoctor.DateOf(s.Start)
		if seen[d] {
			continue
		}
		seen[d] = true
		t := d.Time()
		r.Choices = append(r.Choices, Choice{Label: fmt.Sprintf("%d/%d(%s)", t.Month(), t.Day(), hours.DayName(heydoctor.DayIndex(t.Weekday()))), Value: "day:" + string(d)})
		if len(r.Choices) == 9 {
			break
		}
	}
	if len(r.Choices) == 0 {
		r.Texts = []string{"앞으로 2주 동안 예약 가능한 시간이 없어요. 병원에 전화로 문의해 주세요."}
	} else {
		st.Step = stepDay
	}
	r.Choices = append(r.Choices, restartChoice)
	return r, nil
}

// slotPage is how many slots one reply offers: with "더 늦은 시간", "다른 날" and
// "처음으로" it fills Kakao's ten quick replies.
const slotPage = 7

// bookDay offers the free slots of day from the time from ("HHMM", empty for the start
// of the day), a page at a time, and takes a typed time ("오후 3시") for any slot of the
// day, so the afternoon is as reachable as the morning.
func (e *Engine) bookDay(ctx context.Context, st *state, day, from, hint string) (Reply, error) {
	d, err := heydoctor.ParseDate(day)
	if err != nil || st.Doctor == 0 {
		return e.bookDoctor(ctx, st, st.Doctor, "")
	}
	fromMin := 0
	if from != "" {
		if m, ok := parseClock(from); ok {
			fromMin = m
		}
	}
	slots, err := e.booking.DoctorSlots(ctx, st.Doctor, d, d)
	if err != nil {
		return e.bookingError(err), nil
	}
	st.Day, st.Step = string(d), stepSlot
	label := kstTime(d.Time())
	label = label[:strings.Index(label, ")")+1]
	text := fmt.Sprintf("%s 예약 가능한 시간이에요. \"오후 3시\"처럼 원하는 시간을 적어도 돼요.", label)
	if hint != "" {
		text = hint + "\n" + text
	}
	r := Reply{Texts: []string{text}}
	shown := 0
	for _, s := range slots {
		t := s.Start.In(heydoctor.KST)
		if t.Hour()*60+t.Minute() < fromMin {
			continue
		}
		if shown == slotPage {
			r.Choices = append(r.Choices, Choice{Label: "더 늦은 시간", Value: "day:" + string(d) + "@" + t.Format("1504")})
			break
		}
		r.Choices = append(r.Choices, Choice{Label: t.Format("15:04"), Value: "slot:" + strconv.FormatInt(s.Start.Unix(), 10)})
		shown++
	}
	if shown == 0 {
		r.Texts = []string{"그날은 남은 시간이 없어요. 다른 날을 골라 주세요."}
		if hint != "" {
			r.Texts = []string{hint + "\n그 뒤로는 남은 시간이 없어요. 다른 날을 골라 주세요."}
		}
	}
	r.Choices = append(r.Choices, Choice{Label: "다른 날", Value: "doc:" + strconv.FormatInt(st.Doctor, 10)}, restartChoice)
	return r, nil
}

// typedWhen reads what someone types while days or slots are offered: a time of the
// offered day, or another day. Anything else asks again instead of starting over.
func (e *Engine) typedWhen(ctx context.Context, st *state, text string) (Reply, error) {
	today := heydoctor.DateOf(e.now())
	if st.Step == stepSlot && st.Day != "" {
		if m, ok := parseClock(text); ok {
			d, _ := heydoctor.ParseDate(st.Day)
			slots, err := e.booking.DoctorSlots(ctx, st.Doctor, d, d)
			if err != nil {
				return e.bookingError(err), nil
			}
			for _, s := range slots {
				t := s.Start.In(heydoctor.KST)
				if t.Hour()*60+t.Minute() == m {
					return e.pickSlot(st, s.Start.Unix()), nil
				}
			}
			hhmm := fmt.Sprintf("%02d%02d", m/60, m%60)
			return e.bookDay(ctx, st, st.Day, hhmm, fmt.Sprintf("%02d:%02d에는 예약할 수 없어요. 그 뒤로 가능한 시간이에요.", m/60, m%60))
		}
	}
	if d, ok := parseDay(text, today); ok {
		if d > today.AddDays(13) {
			return e.bookDoctor(ctx, st, st.Doctor, "2주 안의 날만 예약할 수 있어요.")
		}
		return e.bookDay(ctx, st, string(d), "", "")
	}
	if st.Step == stepSlot && st.Day != "" {
		return e.bookDay(ctx, st, st.Day, "", "시간을 알아듣지 못했어요.")
	}
	return e.bookDoctor(ctx, st, st.Doctor, "날짜를 알아듣지 못했어요.")
}

// pickSlot takes a chosen slot and asks for the patient's name.
func (e *Engine) pickSlot(st *state, at int64) Reply {
	st.Start, st.Step, st.Day = at, stepName, ""
	return Reply{Texts: []string{fmt.Sprintf("%s로 예약할게요. 예약하실 분의 이름을 적어 주세요.", kstTime(time.Unix(at, 0)))}, Choices: []Choice{restartChoice}}
}

func (e *Engine) takeName(st *state, text string) Reply {
	name := strings.TrimSpace(text)
	if n := utf8.RuneCountInString(name); n < 1 || n > 30 || strings.ContainsAny(name, "0123456789") {
		return Reply{Texts: []string{"이름을 다시 적어 주세요. (숫자 없이 30자 이내)"}, Choices: []Choice{restartChoice}}
	}
	st.Name, st.Step = name, stepPhone
	return Reply{Texts: []string{"연락받을 휴대전화 번호를 적어 주세요. (예: 010-1234-5678)\n주민등록번호는 받지 않아요."}, Choices: []Choice{restartChoice}}
}

func (e *Engine) takePhone(st *state, text string) Reply {
	phone, err := booking.NormalizePhone(text)
	if err != nil {
		return Reply{Texts: []string{"전화번호를 확인해 주세요. (예: 010-1234-5678)"}, Choices: []Choice{restartChoice}}
	}
	st.Phone, st.Step = phone, stepConfirm
	inst := ""
	if in, ok := e.dir.Get(st.Inst); ok {
		inst = in.Name
	}
	return Reply{
		Texts:   []string{fmt.Sprintf("이대로 예약할까요?\n• %s\n• %s\n• %s님, %s", inst, kstTime(time.Unix(st.Start, 0)), st.Name, booking.FormatPhone(phone))},
		Choices: []Choice{{Label: "예약하기", Value: "confirm"}, restartChoice},
	}
}

func (e *Engine) confirmBooking(ctx context.Context, in Input, st *state) (Reply, error) {
	kakaoKey := ""
	if in.Channel == heydoctor.ChannelKakao {
		kakaoKey = in.UserKey
	}
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s|%s|%d|%d|%s", in.Channel, in.UserKey, st.Doctor, st.Start, st.Phone)))
	req := booking.BookRequest{DoctorID: st.Doctor, Start: time.Unix(st.Start, 0).UTC(), Name: st.Name, Phone: st.Phone, KakaoKey: kakaoKey,
		IdempotencyKey: "chat-" + hex.EncodeToString(sum[:12]), Channel: in.Channel, ClientAddr: in.ClientAddr}
	r, _, err := e.booking.Book(ctx, req)
	st.Name, st.Phone, st.Step = "", "", "" // never keep personal details longer than the booking needs
	if err != nil {
		var ce *booking.ConflictError
		if errors.As(err, &ce) {
			rep := Reply{Texts: []string{"아쉽게도 방금 다른 분이 그 시간을 예약했어요. 다른 시간을 골라 주세요."}}
			for _, s := range ce.Alternatives {
				rep.Choices = append(rep.Choices, Choice{Label: kstShort(s.Start), Value: "slot:" + strconv.FormatInt(s.Start.Unix(), 10)})
			}
			rep.Choices = append(rep.Choices, restartChoice)
			return rep, nil
		}
		return e.bookingError(err), nil
	}
	status := "예약을 요청했어요. 병원에서 확인하면 확정돼요."
	if r.Status == heydoctor.StatusConfirmed {
		status = "예약이 확정됐어요."
	}
	text := fmt.Sprintf("%s\n예약번호: %s\n%s\n예약번호와 전화번호로 확인하거나 취소할 수 있어요.", status, r.Code, kstTime(r.Start))
	rep := Reply{Texts: []string{text}, Choices: []Choice{{Label: "내 예약", Value: "my"}, restartChoice}}
	if base := e.base(ctx); base != "" {
		rep.Cards = []Card{{Title: "예약 확인", Description: "예약번호 " + r.Code, Buttons: []Button{{Label: "예약 확인", Kind: ButtonLink, Value: base + "/reservations/lookup"}}}}
	}
	return rep, nil
}

func kstShort(t time.Time) string {
	t = t.In(heydoctor.KST)
	return fmt.Sprintf("%d/%d %s", t.Month(), t.Day(), t.Format("15:04"))
}

// bookingError explains a refused booking step in the user's words.
func (e *Engine) bookingError(err error) Reply {
	switch heydoctor.KindOf(err) {
	case heydoctor.Invalid, heydoctor.NotFound, heydoctor.Conflict, heydoctor.Forbidden, heydoctor.TooMany:
		return Reply{Texts: []string{heydoctor.MessageOf(err)}, Choices: []Choice{restartChoice}}
	}
	e.log.Error("chat booking step failed", "err", err)
	return Reply{Texts: []string{"예약 처리 중 문제가 생겼어요. 잠시 후 다시 시도해 주세요."}, Choices: []Choice{restartChoice}}
}

// myReservations lists upcoming bookings made from KakaoTalk; the web asks for the code.
func (e *Engine) myReservations(ctx context.Context, in Input, st *state) (Reply, error) {
	st.Step = ""
	if in.Channel != heydoctor.ChannelKakao {
		r := Reply{Texts: []string{"예약번호와 전화번호로 예약을 확인하거나 취소할 수 있어요."}, Choices: []Choice{restartChoice}}
		if base := e.base(ctx); base != "" {
			r.Cards = []Card{{Title: "내 예약 확인", Buttons: []Button{{Label: "예약 확인", Kind: ButtonLink, Value: base + "/reservations/lookup"}}}}
		}
		return r, nil
	}
	list, err := e.booking.ListForKakao(ctx, in.UserKey)
	if err != nil {
		return e.bookingError(err), nil
	}
	link := Choice{Label: "다른 예약 불러오기", Value: "link"}
	if len(list) == 0 {
		return Reply{Texts: []string{"이 카카오톡 계정으로 한 예약 중 다가오는 예약이 없어요. 홈페이지나 전화로 한 예약은 예약 번호와 전화번호로 불러올 수 있어요."},
			Choices: []Choice{link, restartChoice}}, nil
	}
	r := Reply{Texts: []string{"다가오는 예약이에요."}}
	for _, res := range list {
		title := res.Code
		if in, ok := e.dir.Get(res.InstitutionID); ok {
			title = in.Name
		}
		desc := kstTime(res.Start) + " · " + res.Status.Label()
		if res.Doctor != nil {
			desc += "\n" + res.Doctor.Name
		}
		desc += "\n예약번호 " + res.Code
		r.Cards = append(r.Cards, Card{Title: title, Description: desc, Buttons: []Button{{Label: "예약 취소", Kind: ButtonChoice, Value: "cancel:" + res.Code, Say: "예약 " + res.Code + " 취소할게요"}}})
	}
	r.Choices = []Choice{link, restartChoice}
	return r, nil
}

// cancelReservation cancels one of the KakaoTalk user's own reservations: the service
// checks the code is in the user's list.
func (e *Engine) cancelReservation(ctx context.Context, in Input, st *state, code string) (Reply, error) {
	if in.Channel != heydoctor.ChannelKakao {
		return e.myReservations(ctx, in, st)
	}
	res, err := e.booking.CancelForKakao(ctx, in.UserKey, code)
	if heydoctor.KindOf(err) == heydoctor.NotFound {
		return Reply{Texts: []string{"그 예약을 찾지 못했어요."}, Choices: []Choice{{Label: "내 예약", Value: "my"}, restartChoice}}, nil
	}
	if err != nil {
		return e.bookingError(err), nil
	}
	return Reply{Texts: []string{fmt.Sprintf("예약(%s, %s)을 취소했어요.", code, kstTime(res.Start))}, Choices: []Choice{{Label: "내 예약", Value: "my"}, restartChoice}}, nil
}

func (e *Engine) takeLinkCode(st *state, text string) Reply {
	code := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(text), " ", ""))
	if n := len(code); n < 4 || n > 16 || strings.IndexFunc(code, func(c rune) bool { return !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') }) >= 0 {
		return Reply{Texts: []string{"예약 번호를 다시 적어 주세요. 예약할 때 받은 영문과 숫자예요."}, Choices: []Choice{restartChoice}}
	}
	st.LinkCode, st.Step = code, stepLinkPhone
	return Reply{Texts: []string{"예약할 때 쓴 휴대전화 번호를 적어 주세요. (예: 010-1234-5678)"}, Choices: []Choice{restartChoice}}
}

// linkReservation adds a reservation made elsewhere to the user's list, on the proof of
// its code and phone. The phone is not kept.
func (e *Engine) linkReservation(ctx context.Context, in Input, st *state, text string) (Reply, error) {
	code := st.LinkCode
	st.LinkCode, st.Step = "", ""
	if in.Channel != heydoctor.ChannelKakao || code == "" {
		return e.myReservations(ctx, in, st)
	}
	if _, err := booking.NormalizePhone(text); err != nil {
		st.LinkCode, st.Step = code, stepLinkPhone
		return Reply{Texts: []string{"전화번호를 확인해 주세요. (예: 010-1234-5678)"}, Choices: []Choice{restartChoice}}, nil
	}
	if _, err := e.booking.LinkKakao(ctx, in.UserKey, code, text); err != nil {
		rep := e.bookingError(err)
		rep.Choices = append([]Choice{{Label: "다시 불러오기", Value: "link"}}, rep.Choices...)
		return rep, nil
	}
	rep, err := e.myReservations(ctx, in, st)
	if err != nil {
		return Reply{}, err
	}
	rep.Texts = append([]string{"예약을 불러왔어요."}, rep.Texts...)
	return rep, nil
}

// base is the site's public URL for links: the configured one, or the one the request
// came in on (see WithBaseURL) when none is configured.
func (e *Engine) base(ctx context.Context) string {
	if e.baseURL != "" {
		return e.baseURL
	}
	return BaseURLFrom(ctx)
}
