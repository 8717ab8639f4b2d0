package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"heydoctor"
	"heydoctor/internal/booking"
	"heydoctor/internal/directory"
	"heydoctor/internal/hours"
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
	tapped := strings.TrimSpace(in.Choice)
	if tapped != "" && (len(tapped) > maxChoiceLen || !offered(st, tapped)) {
		tapped = "" // stale or forged: treat the tap as its text
	}
	if tapped == "" {
		tapped = matchLabel(st, text)
	}
	c, _ := parseChoice(tapped)
	reply, err := e.turn(ctx, in, st, text, c)
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
	switch c, _ := parseChoice(v); c.kind {
	case choiceRestart, choiceHelp, choiceMine, choiceMyQueue:
		return true
	}
	return false
}

// matchLabel turns a typed text that equals a command word into that command.
func matchLabel(st *state, text string) string {
	switch strings.TrimSpace(strings.TrimSuffix(text, "요")) {
	case "처음으로", "처음", "다시", "다시 시작", "취소", "그만":
		if st.Step == stepName || st.Step == stepPhone || st.Step == stepConfirm || st.Step == stepLinkCode || st.Step == stepLinkPhone || strings.HasPrefix(st.Step, "q_") || text != "취소" {
			return choiceRestart.value()
		}
	case "도움말", "사용법":
		return choiceHelp.value()
	case "내 예약", "내예약", "예약 확인":
		return choiceMine.value()
	case "내 순서", "내순서", "접수 확인":
		return choiceMyQueue.value()
	}
	// The words of an offered choice: a tap whose channel sent only the text.
	for i, w := range st.Words {
		if i < len(st.Offered) && w != "" && w == text {
			return st.Offered[i]
		}
	}
	return ""
}

var restartChoice = Choice{Label: "처음으로", Value: choiceRestart.value()}

func (e *Engine) turn(ctx context.Context, in Input, st *state, text string, c choice) (Reply, error) {
	// An arm that does not return (a stale index, a choice of the wrong step or channel)
	// leaves the turn to the typed text.
	switch c.kind {
	case choiceRestart:
		*st = state{Lat: st.Lat, Lng: st.Lng, Place: st.Place}
		return e.welcome(), nil
	case choiceHelp:
		return e.help(), nil
	case choiceMine:
		return e.myReservations(ctx, in, st)
	case choiceQuestion:
		if i := int(c.number()); i >= 0 && i < len(st.Questions) {
			return e.answerQuestion(ctx, in, st, i)
		}
	case choiceDept:
		if d, ok := heydoctor.LookupDepartment(c.arg); ok {
			st.Department = d.Code
			return e.near(ctx, st)
		}
	case choiceNear:
		return e.near(ctx, st)
	case choiceER:
		st.Department = "er"
		return e.near(ctx, st)
	case choicePlace:
		return e.pickPlace(ctx, st, int(c.number()))
	case choiceBook:
		return e.bookInstitution(ctx, st, c.number())
	case choiceDoctor:
		return e.bookDoctor(ctx, st, c.number(), "")
	case choiceDay:
		day, from, _ := strings.Cut(c.arg, "@")
		return e.bookDay(ctx, st, day, from, "")
	case choiceSlot:
		return e.pickSlot(st, c.number()), nil
	case choiceConfirm:
		if st.Step == stepConfirm {
			return e.confirmBooking(ctx, in, st)
		}
	case choiceCancel:
		return e.cancelReservation(ctx, in, st, c.arg)
	case choiceLink:
		if in.Channel == heydoctor.ChannelKakao {
			return e.startLink(st), nil
		}
	case choiceMyQueue:
		if e.Queue != nil {
			return e.myQueue(ctx, in, st)
		}
	case choiceQueue:
		if e.Queue != nil {
			return e.queueStart(ctx, st, c.number())
		}
	case choiceQueueCancel:
		if e.Queue != nil {
			return e.cancelTicket(ctx, in, st, c.arg)
		}
	case choiceQueueConfirm:
		if e.Queue != nil && st.Step == stepQueueConfirm {
			return e.confirmCheckIn(ctx, in, st)
		}
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
	case stepQueueName:
		if e.Queue != nil && c.kind == choiceNone {
			return e.takeQueueName(st, text), nil
		}
	case stepQueuePhone:
		if e.Queue != nil && c.kind == choiceNone {
			return e.takeQueuePhone(st, text), nil
		}
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
		Choices: []Choice{{Label: "내과 찾기", Value: choiceDept.with("D001")}, {Label: "소아청소년과 찾기", Value: choiceDept.with("D002")},
			{Label: "근처 응급실", Value: choiceER.value()}, {Label: "내 예약", Value: choiceMine.value()}, {Label: "내 순서", Value: choiceMyQueue.value()}, {Label: "도움말", Value: choiceHelp.value()}},
	}
}

func (e *Engine) help() Reply {
	return Reply{
		Texts:   []string{"이렇게 쓸 수 있어요.\n• 증상 적기: \"목이 따끔하고 열이 나요\" → 응급 여부, 맞는 진료과, 가까운 병원\n• 질환 묻기: \"비염이란?\"\n• 병원 찾기: 진료과를 고르고 동네 이름(예: 정왕동)을 적으면 지금 진료 중인 곳을 보여 드려요\n• 예약 확인·취소: \"내 예약\"\n언제든 \"처음으로\"를 누르면 다시 시작해요.\n위급하면 바로 119에 전화하세요."},
		Choices: []Choice{{Label: "내과 찾기", Value: choiceDept.with("D001")}, {Label: "근처 응급실", Value: choiceER.value()}, {Label: "내 예약", Value: choiceMine.value()}, restartChoice},
	}
}

func kstTime(t time.Time) string {
	t = t.In(heydoctor.KST)
	return fmt.Sprintf("%d월 %d일(%s) %s", t.Month(), t.Day(), hours.DayName(heydoctor.DayIndex(t.Weekday())), t.Format("15:04"))
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// base is the site's public URL for links: the configured one, or the one the request
// came in on (see WithBaseURL) when none is configured.
func (e *Engine) base(ctx context.Context) string {
	if e.baseURL != "" {
		return e.baseURL
	}
	return BaseURLFrom(ctx)
}
