// Package queue runs same-day check-in (모바일 접수): a clinic's queue for today, fed by
// patients from KakaoTalk, the web and the API and by reception's walk-ins, in one order
// by check-in time. It decides who may check in (open now, not paused, under the day's
// cap, before the cut-off and before the queue would run past closing), estimates the
// wait from today's pace, and runs tickets through their lifecycle with an audit entry
// and webhook events in the transaction of each change.
package queue

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"heydoctor"
	"heydoctor/internal/booking"
	"heydoctor/internal/hours"
	"heydoctor/internal/limit"
)

// Limits on what a patient may type.
const (
	maxChildRunes  = 50
	maxNoteRunes   = 200
	maxReasonRunes = 200
	maxCodeLen     = 16
	maxKakaoKey    = 128
	maxSkipBack    = 20
	maxSoonAhead   = 10
	maxDailyCap    = 2000
)

// Rate limits: check-ins (and cancels) per phone, per KakaoTalk user and per client
// address in an hour, and status lookups per address in a minute (a status page polls
// every 10 s). Counts are per replica.
const (
	checkInsPerPhone  = 5
	checkInsPerKakao  = 5
	checkInsPerAddr   = 30
	checkInWindow     = time.Hour
	lookupsPerAddr    = 60
	lookupWindow      = time.Minute
	maxLimiterBackoff = 6 * time.Hour
)

// Hours tells whether an institution is open at an instant, and has the institutions in
// memory (the directory).
type Hours interface {
	Status(in *heydoctor.Institution, t time.Time) hours.Status
	Get(id int64) (*heydoctor.Institution, bool)
}

// Service checks patients in and runs the queue. Set the hooks before first use.
type Service struct {
	store Store
	hours Hours
	now   func() time.Time
	log   *slog.Logger

	// OnTransition, when set, is called with the new status after every committed change.
	OnTransition func(status string)

	byPhone, byKakao, byAddr, lookups *limit.Limiter

	paceMu sync.Mutex
	paces  map[int64]pace
}

// NewService returns a Service; now is the clock, time.Now when nil.
func NewService(store Store, h Hours, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, hours: h, now: now, log: log,
		byPhone: limit.New(checkInsPerPhone, checkInWindow, now).WithBackoff(maxLimiterBackoff),
		byKakao: limit.New(checkInsPerKakao, checkInWindow, now).WithBackoff(maxLimiterBackoff),
		byAddr:  limit.New(checkInsPerAddr, checkInWindow, now).WithBackoff(maxLimiterBackoff),
		lookups: limit.New(lookupsPerAddr, lookupWindow, now)}
}

func tooMany(retry time.Duration) error {
	minutes := max(1, int((retry+time.Minute-1)/time.Minute))
	return heydoctor.Errorf(heydoctor.TooMany, "요청이 너무 많아요. %d분 뒤에 다시 시도해 주세요.", minutes)
}

// allowCheckIn counts one check-in or cancel against the phone, the KakaoTalk user and
// the client address; any of them over its limit refuses it.
func (s *Service) allowCheckIn(phone, kakaoKey, addr string) error {
	checks := []struct {
		l   *limit.Limiter
		key string
	}{{s.byPhone, phone}, {s.byKakao, kakaoKey}, {s.byAddr, limit.AddrKey(addr)}}
	for _, c := range checks {
		if c.key == "" {
			continue
		}
		if ok, retry := c.l.Allow(c.key); !ok {
			return tooMany(retry)
		}
	}
	return nil
}

// AllowLookup counts one status lookup from a client address.
func (s *Service) AllowLookup(addr string) error {
	if addr == "" {
		return nil
	}
	if ok, retry := s.lookups.Allow(limit.AddrKey(addr)); !ok {
		return tooMany(retry)
	}
	return nil
}

func (s *Service) transitioned(st heydoctor.TicketStatus) {
	if s.OnTransition != nil {
		s.OnTransition(string(st))
	}
}

// CheckInRequest is a patient's check-in, or a walk-in added by reception.
type CheckInRequest struct {
	InstitutionID int64
	Name          string
	Phone         string
	ChildName     string
	Note          string
	KakaoKey      string
	Channel       heydoctor.Channel
	// ClientAddr is the caller's address, for the rate limit; empty from trusted callers.
	ClientAddr string
}

// Validate checks and normalises the fields in place, with the booking form's rules for
// name and phone. A walk-in may come without a phone.
func (r *CheckInRequest) Validate(phoneRequired bool) error {
	br := booking.BookRequest{Name: r.Name, Phone: r.Phone, Note: r.Note, KakaoKey: r.KakaoKey, Channel: r.Channel}
	if !phoneRequired && strings.TrimSpace(r.Phone) == "" {
		br.Phone = "01000000000" // validated apart: none given
	}
	if err := br.Validate(); err != nil {
		return err
	}
	r.Name, r.Channel = br.Name, br.Channel
	if phoneRequired || strings.TrimSpace(r.Phone) != "" {
		r.Phone = br.Phone
	} else {
		r.Phone = ""
	}
	r.ChildName = strings.TrimSpace(r.ChildName)
	if !utf8.ValidString(r.ChildName) || utf8.RuneCountInString(r.ChildName) > maxChildRunes || strings.IndexFunc(r.ChildName, unicode.IsControl) >= 0 {
		return heydoctor.FieldError("child_name", "아이 이름은 %d자까지, 글자로만 써 주세요", maxChildRunes)
	}
	r.Note = strings.TrimSpace(r.Note)
	if utf8.RuneCountInString(r.Note) > maxNoteRunes {
		return heydoctor.FieldError("note", "방문 이유는 %d자까지 쓸 수 있어요", maxNoteRunes)
	}
	return nil
}

// Estimate is the expected wait, shown as a range.
type Estimate struct {
	Min, Max time.Duration
	PerVisit time.Duration
	FromPace bool // PerVisit is today's median; otherwise the room's slot length
}

// Label is the range in Korean, e.g. "약 10~20분".
func (e Estimate) Label() string {
	lo, hi := int(e.Min.Minutes()), int(e.Max.Minutes())
	switch {
	case hi <= 0:
		return "곧"
	case lo == hi:
		return fmt.Sprintf("약 %d분", hi)
	}
	return fmt.Sprintf("약 %d~%d분", lo, hi)
}

// View is a ticket as its patient sees it.
type View struct {
	Ticket      *heydoctor.Ticket
	Institution *heydoctor.Institution
	Ahead       int
	Estimate    Estimate
	Soon        bool   // "곧 차례예요"
	Message     string // what the status means for the patient, in Korean
}

// estimate returns the wait for ahead people at a clinic's current pace.
func (s *Service) estimate(ctx context.Context, instID int64, ahead int) (Estimate, error) {
	per, fromPace, err := s.perVisit(ctx, instID)
	if err != nil {
		return Estimate{}, err
	}
	base := time.Duration(ahead) * per
	round := func(d time.Duration, up bool) time.Duration {
		step := 5 * time.Minute
		if up {
			return (d + step - 1).Truncate(step)
		}
		return d.Truncate(step)
	}
	return Estimate{Min: round(base*3/4, false), Max: round(base*5/4+per/2, true), PerVisit: per, FromPace: fromPace}, nil
}

// EstimateFor returns the wait for ahead people at an institution's current pace.
func (s *Service) EstimateFor(ctx context.Context, instID int64, ahead int) (Estimate, error) {
	return s.estimate(ctx, instID, ahead)
}

// paceTTL is how long a clinic's pace is reused: a status page polls every 10 s, and
// the median of a day's visits moves slowly.
const paceTTL = 15 * time.Second

type pace struct {
	at       time.Time
	day      heydoctor.Date
	per      time.Duration
	fromPace bool
}

// perVisit is the median length of today's finished visits, or the shortest slot length
// of the clinic's rooms before any visit has finished, reused for paceTTL.
func (s *Service) perVisit(ctx context.Context, instID int64) (time.Duration, bool, error) {
	now := s.now()
	s.paceMu.Lock()
	p, ok := s.paces[instID]
	s.paceMu.Unlock()
	if ok && p.day == heydoctor.DateOf(now) && now.Sub(p.at) < paceTTL && now.Sub(p.at) >= 0 {
		return p.per, p.fromPace, nil
	}
	per, fromPace, err := s.measurePace(ctx, instID)
	if err != nil {
		return 0, false, err
	}
	s.paceMu.Lock()
	if s.paces == nil || len(s.paces) > 10000 {
		s.paces = map[int64]pace{}
	}
	s.paces[instID] = pace{at: now, day: heydoctor.DateOf(now), per: per, fromPace: fromPace}
	s.paceMu.Unlock()
	return per, fromPace, nil
}

func (s *Service) measurePace(ctx context.Context, instID int64) (time.Duration, bool, error) {
	times, err := s.store.ServiceTimes(ctx, instID, heydoctor.DateOf(s.now()))
	if err != nil {
		return 0, false, fmt.Errorf("service times of %d: %w", instID, err)
	}
	if len(times) > 0 {
		slices.Sort(times)
		m := times[len(times)/2]
		if len(times)%2 == 0 {
			m = (times[len(times)/2-1] + m) / 2
		}
		return max(m, time.Minute), true, nil
	}
	doctors, err := s.store.ListDoctors(ctx, instID)
	if err != nil {
		return 0, false, fmt.Errorf("list doctors of %d: %w", instID, err)
	}
	minutes := 0
	for _, d := range doctors {
		if !d.Active {
			continue
		}
		sc, err := s.store.FindSchedule(ctx, d.ID)
		if heydoctor.KindOf(err) == heydoctor.NotFound {
			continue
		}
		if err != nil {
			return 0, false, fmt.Errorf("find schedule %d: %w", d.ID, err)
		}
		if sc.SlotMinutes > 0 && (minutes == 0 || sc.SlotMinutes < minutes) {
			minutes = sc.SlotMinutes
		}
	}
	if minutes == 0 {
		minutes = heydoctor.DefaultSlotMinutes
	}
	return time.Duration(minutes) * time.Minute, false, nil
}

// institution returns an institution for display, from the directory's memory when it
// has it (a status page polls every 10 s).
func (s *Service) institution(ctx context.Context, id int64) (*heydoctor.Institution, error) {
	if s.hours != nil {
		if in, ok := s.hours.Get(id); ok {
			return in, nil
		}
	}
	in, err := s.store.FindInstitutionByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("find institution %d: %w", id, err)
	}
	return in, nil
}

// closed is the one refusal for every reason check-in is not possible now: a Conflict
// with a message saying why.
func closed(format string, args ...any) error {
	return heydoctor.Errorf(heydoctor.Conflict, format, args...)
}

// queueInstitution returns an onboarded, operating institution, or the same NotFound for
// any other, so ids cannot be probed.
func (s *Service) queueInstitution(ctx context.Context, id int64) (*heydoctor.Institution, error) {
	notFound := &heydoctor.Error{Kind: heydoctor.NotFound, Field: "institution_id", Message: "모바일 접수를 받는 병원을 찾을 수 없어요"}
	if id <= 0 {
		return nil, notFound
	}
	in, err := s.store.FindInstitutionByID(ctx, id)
	if heydoctor.KindOf(err) == heydoctor.NotFound {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("find institution %d: %w", id, err)
	}
	if !in.Onboarded || in.Status == heydoctor.StatusClosed || in.Status == heydoctor.StatusSuspended {
		return nil, notFound
	}
	return in, nil
}

// Availability is whether an institution takes remote check-ins now, and if not, why.
type Availability struct {
	Open     bool
	Reason   string // in Korean, when not open
	Settings heydoctor.QueueSettings
	Waiting  int // tickets still to be seen today (waiting, called, in progress)
}

// Available tells whether a patient could check in at an institution right now.
func (s *Service) Available(ctx context.Context, in *heydoctor.Institution) (Availability, error) {
	qs, err := s.store.FindQueueSettings(ctx, in.ID)
	if err != nil {
		return Availability{}, fmt.Errorf("queue settings of %d: %w", in.ID, err)
	}
	a := Availability{Settings: qs}
	if err := s.checkOpen(ctx, in, qs, &a.Waiting); err != nil {
		a.Reason = heydoctor.MessageOf(err)
		return a, nil
	}
	a.Open = true
	return a, nil
}

// checkOpen applies the rules for a remote check-in now; waiting receives the day's
// active tickets when the pace check ran.
func (s *Service) checkOpen(ctx context.Context, in *heydoctor.Institution, qs heydoctor.QueueSettings, waiting *int) error {
	now := s.now()
	if !qs.Enabled {
		return closed("이 병원은 아직 모바일 접수를 받지 않아요. 전화로 문의해 주세요.")
	}
	if qs.Paused {
		return closed("병원에서 모바일 접수를 잠시 멈췄어요. 잠시 후 다시 시도하거나 병원에 전화해 주세요.")
	}
	if qs.CutOff != "" && now.In(heydoctor.KST).Format("1504") >= qs.CutOff {
		return closed("오늘 모바일 접수는 %s:%s에 마감했어요.", qs.CutOff[:2], qs.CutOff[2:])
	}
	var closesAt time.Time
	if !qs.AlwaysOpen {
		st := hours.Status{}
		if s.hours != nil {
			st = s.hours.Status(in, now)
		}
		if st.State != hours.Open {
			return closed("지금은 진료 시간이 아니라 모바일 접수를 받지 않아요.")
		}
		closesAt = st.ClosesAt
	}
	active, err := s.store.CountTickets(ctx, in.ID, heydoctor.DateOf(now), heydoctor.TicketWaiting, heydoctor.TicketCalled, heydoctor.TicketInProgress)
	if err != nil {
		return fmt.Errorf("active tickets of %d: %w", in.ID, err)
	}
	if waiting != nil {
		*waiting = active
	}
	if qs.DailyCap > 0 {
		all, err := s.store.CountTickets(ctx, in.ID, heydoctor.DateOf(now))
		if err != nil {
			return fmt.Errorf("tickets of %d: %w", in.ID, err)
		}
		if all >= qs.DailyCap {
			return closed("오늘 접수 인원(%d명)이 다 찼어요. 병원에 전화로 문의해 주세요.", qs.DailyCap)
		}
	}
	if !closesAt.IsZero() {
		per, _, err := s.perVisit(ctx, in.ID)
		if err != nil {
			return err
		}
		if now.Add(time.Duration(active+1) * per).After(closesAt) {
			return closed("접수 마감: 지금 대기 인원으로는 진료 마감(%s) 전에 차례가 오기 어려워요.", closesAt.In(heydoctor.KST).Format("15:04"))
		}
	}
	return nil
}

// CheckIn puts a patient in an institution's queue for today.
func (s *Service) CheckIn(ctx context.Context, req CheckInRequest) (*View, error) {
	if err := req.Validate(true); err != nil {
		return nil, err
	}
	if req.Channel == heydoctor.ChannelStaff {
		return nil, heydoctor.FieldError("channel", "현장 접수는 접수처에서만 할 수 있어요")
	}
	if err := s.allowCheckIn(req.Phone, req.KakaoKey, req.ClientAddr); err != nil {
		return nil, err
	}
	in, err := s.queueInstitution(ctx, req.InstitutionID)
	if err != nil {
		return nil, err
	}
	qs, err := s.store.FindQueueSettings(ctx, in.ID)
	if err != nil {
		return nil, fmt.Errorf("queue settings of %d: %w", in.ID, err)
	}
	if err := s.checkOpen(ctx, in, qs, nil); err != nil {
		return nil, err
	}
	t := &heydoctor.Ticket{InstitutionID: in.ID, Day: heydoctor.DateOf(s.now()), Kind: heydoctor.TicketRemote, Channel: req.Channel,
		Status: heydoctor.TicketWaiting, Name: req.Name, Phone: req.Phone, ChildName: req.ChildName, Note: req.Note, KakaoKey: req.KakaoKey, Demo: in.Demo}
	if err := s.create(ctx, t, qs, qs.DailyCap, &heydoctor.AuditEntry{InstitutionID: in.ID, Action: "queue.check_in", Entity: "ticket"}); err != nil {
		return nil, err
	}
	return s.view(ctx, t, in, qs)
}

func (s *Service) create(ctx context.Context, t *heydoctor.Ticket, qs heydoctor.QueueSettings, limit int, audit *heydoctor.AuditEntry) error {
	err := s.store.CreateTicket(ctx, t, heydoctor.TicketCreate{Cap: limit, Audit: audit, Snapshot: snapshot,
		Event: eventFor("queue.checked_in"), Soon: eventFor("queue.soon"), SoonAhead: qs.SoonAhead})
	if err != nil {
		return fmt.Errorf("check in at %d: %w", t.InstitutionID, err)
	}
	s.transitioned(t.Status)
	return nil
}

// view fills what a patient sees for a ticket.
func (s *Service) view(ctx context.Context, t *heydoctor.Ticket, in *heydoctor.Institution, qs heydoctor.QueueSettings) (*View, error) {
	v := &View{Ticket: t, Institution: in}
	if t.Day < heydoctor.DateOf(s.now()) && t.Status.Active() {
		// A queue lasts one day: yesterday's place holds nothing today.
		v.Message = "지난 날의 접수예요. 오늘 진료를 받으려면 다시 접수해 주세요."
		return v, nil
	}
	if t.Status == heydoctor.TicketWaiting {
		var err error
		if v.Ahead, err = s.store.TicketsAhead(ctx, t); err != nil {
			return nil, fmt.Errorf("tickets ahead of %d: %w", t.ID, err)
		}
		if v.Estimate, err = s.estimate(ctx, t.InstitutionID, v.Ahead); err != nil {
			return nil, err
		}
		v.Soon = v.Ahead <= qs.SoonAhead
	}
	switch t.Status {
	case heydoctor.TicketWaiting:
		if v.Soon {
			v.Message = "곧 차례예요. 병원 접수처 가까이에서 기다려 주세요."
		} else {
			v.Message = fmt.Sprintf("앞에 %d명이 기다리고 있어요. 예상 대기 시간은 %s이에요.", v.Ahead, v.Estimate.Label())
		}
		if t.Skips > 0 {
			v.Message += " 호출했을 때 안 계셔서 순서가 뒤로 옮겨졌어요. 한 번 더 안 계시면 접수가 만료돼요."
		}
	case heydoctor.TicketCalled:
		v.Soon = true
		v.Message = "지금 차례예요! 접수처로 와 주세요."
	case heydoctor.TicketInProgress:
		v.Message = "진료 중이에요."
	case heydoctor.TicketDone:
		v.Message = "진료가 끝났어요. 몸조리 잘 하세요."
	case heydoctor.TicketNoShow:
		v.Message = "미방문으로 처리되었어요. 다시 오시면 접수처에 말씀해 주세요."
	case heydoctor.TicketLapsed:
		v.Message = t.Reason
	case heydoctor.TicketCancelled:
		v.Message = "접수가 취소되었어요."
		if t.Reason != "" && t.Reason != patientCancelReason {
			v.Message += " 사유: " + t.Reason
		}
	}
	return v, nil
}

const patientCancelReason = "환자 취소"

// find returns a ticket by code and phone. A wrong phone and an unknown code get the
// same NotFound, so codes cannot be probed.
func (s *Service) find(ctx context.Context, code, phone string) (*heydoctor.Ticket, error) {
	digits, err := booking.NormalizePhone(phone)
	if err != nil {
		return nil, err
	}
	notFound := &heydoctor.Error{Kind: heydoctor.NotFound, Field: "ticket", Message: "접수 번호와 전화번호가 맞는 접수를 찾을 수 없어요"}
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" || len(code) > maxCodeLen || strings.Trim(code, "ABCDEFGHJKMNPQRSTUVWXYZ23456789") != "" {
		return nil, notFound
	}
	t, err := s.store.FindTicketByCode(ctx, code)
	if heydoctor.KindOf(err) == heydoctor.NotFound {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("find ticket: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(t.Phone), []byte(digits)) != 1 {
		return nil, notFound
	}
	return t, nil
}

// Status returns a patient's ticket found by its code and their phone number.
func (s *Service) Status(ctx context.Context, code, phone string) (*View, error) {
	t, err := s.find(ctx, code, phone)
	if err != nil {
		return nil, err
	}
	return s.viewOf(ctx, t)
}

func (s *Service) viewOf(ctx context.Context, t *heydoctor.Ticket) (*View, error) {
	in, err := s.institution(ctx, t.InstitutionID)
	if err != nil {
		return nil, err
	}
	qs, err := s.store.FindQueueSettings(ctx, t.InstitutionID)
	if err != nil {
		return nil, fmt.Errorf("queue settings of %d: %w", t.InstitutionID, err)
	}
	return s.view(ctx, t, in, qs)
}

// Cancel lets a patient give up their place while it is still waiting or called.
func (s *Service) Cancel(ctx context.Context, code, phone string) (*View, error) {
	t, err := s.find(ctx, code, phone)
	if err != nil {
		return nil, err
	}
	out, err := s.change(ctx, t, nil, false, 0, "patient.cancel", "queue.cancel", func(t *heydoctor.Ticket, _ []*heydoctor.Ticket) (int, error) {
		if t.Status != heydoctor.TicketWaiting && t.Status != heydoctor.TicketCalled {
			return -1, heydoctor.Errorf(heydoctor.Conflict, "이미 %s 상태라 취소할 수 없어요", t.Status.Label())
		}
		t.Status, t.Reason = heydoctor.TicketCancelled, patientCancelReason
		return -1, nil
	})
	if err != nil {
		return nil, err
	}
	return s.viewOf(ctx, out)
}

// ListForKakao returns a KakaoTalk user's tickets of today that are still active.
func (s *Service) ListForKakao(ctx context.Context, kakaoKey string) ([]*View, error) {
	if kakaoKey == "" || len(kakaoKey) > maxKakaoKey {
		return nil, heydoctor.FieldError("kakao_key", "카카오 사용자 키가 올바르지 않아요")
	}
	list, err := s.store.ListTickets(ctx, heydoctor.TicketFilter{KakaoKey: kakaoKey, Day: heydoctor.DateOf(s.now()),
		Statuses: []heydoctor.TicketStatus{heydoctor.TicketWaiting, heydoctor.TicketCalled, heydoctor.TicketInProgress}, Limit: 10})
	if err != nil {
		return nil, fmt.Errorf("tickets for kakao: %w", err)
	}
	var out []*View
	for _, t := range list {
		v, err := s.viewOf(ctx, t)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// change applies one modification with its audit entry and events.
// qs are the clinic's settings when the caller has them already.
// allWaiting gives apply the whole waiting list (to move the ticket).
func (s *Service) change(ctx context.Context, t *heydoctor.Ticket, qs *heydoctor.QueueSettings, allWaiting bool, staffID int64, action, event string,
	apply func(t *heydoctor.Ticket, waiting []*heydoctor.Ticket) (int, error)) (*heydoctor.Ticket, error) {
	if qs == nil {
		found, err := s.store.FindQueueSettings(ctx, t.InstitutionID)
		if err != nil {
			return nil, fmt.Errorf("queue settings of %d: %w", t.InstitutionID, err)
		}
		qs = &found
	}
	c := heydoctor.TicketChange{Apply: apply, AllWaiting: allWaiting, Snapshot: snapshot, Soon: eventFor("queue.soon"), SoonAhead: qs.SoonAhead,
		Audit: &heydoctor.AuditEntry{InstitutionID: t.InstitutionID, StaffID: staffID, Action: action, Entity: "ticket"}}
	if event != "" {
		c.Event = eventFor(event)
	}
	out, err := s.store.UpdateTicket(ctx, t.ID, c)
	if err != nil {
		return nil, fmt.Errorf("%s ticket %d: %w", action, t.ID, err)
	}
	s.transitioned(out.Status)
	return out, nil
}

// snapshot renders a ticket for the audit log, without the reason for the visit (a health detail).
func snapshot(t *heydoctor.Ticket) string {
	b, _ := json.Marshal(struct {
		Number int    `json:"number"`
		Status string `json:"status"`
		Rank   int64  `json:"rank"`
		Skips  int    `json:"skips"`
		Reason string `json:"reason,omitempty"`
	}{t.Number, string(t.Status), t.Rank, t.Skips, t.Reason})
	return string(b)
}

type eventTicket struct {
	Code          string `json:"code"`
	Number        int    `json:"number"`
	Status        string `json:"status"`
	Kind          string `json:"kind"`
	Day           string `json:"day"`
	Ahead         int    `json:"ahead"`
	InstitutionID int64  `json:"institution_id"`
}

// eventFor returns a webhook event for a ticket. Like the reservation events it carries
// no name, phone or reason, only what a receiver needs to look the ticket up; queue.soon
// is the seam for 알림톡/SMS notifications.
func eventFor(name string) *heydoctor.QueueEvent {
	return &heydoctor.QueueEvent{Name: name, Body: func(t *heydoctor.Ticket, ahead int) []byte {
		b, _ := json.Marshal(struct {
			Event  string      `json:"event"`
			Ticket eventTicket `json:"ticket"`
		}{name, eventTicket{Code: t.Code, Number: t.Number, Status: string(t.Status), Kind: string(t.Kind), Day: string(t.Day), Ahead: ahead, InstitutionID: t.InstitutionID}})
		return b
	}}
}
