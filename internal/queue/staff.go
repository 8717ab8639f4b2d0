package queue

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"heydoctor"
	"heydoctor/internal/booking"
	"heydoctor/internal/hours"
)

// Action is what reception does with a ticket.
type Action string

// Actions on the queue board.
const (
	ActionCall    Action = "call"    // waiting → called
	ActionArrived Action = "arrived" // waiting|called → in progress
	ActionDone    Action = "done"    // in progress|called → done
	ActionNoShow  Action = "no_show" // called and absent: a remote patient moves back once, then lapses
	ActionCancel  Action = "cancel"  // waiting|called → cancelled, with a reason
)

// Labels of the actions on the board.
var ActionLabels = map[Action]string{ActionCall: "호출", ActionArrived: "도착", ActionDone: "진료 완료", ActionNoShow: "안 계심", ActionCancel: "취소"}

// Actions lists what reception may do next with a ticket.
func Actions(t *heydoctor.Ticket) []Action {
	switch t.Status {
	case heydoctor.TicketWaiting:
		return []Action{ActionCall, ActionArrived, ActionCancel}
	case heydoctor.TicketCalled:
		return []Action{ActionArrived, ActionNoShow, ActionCancel}
	case heydoctor.TicketInProgress:
		return []Action{ActionDone}
	}
	return nil
}

// LapseMessage is what a patient reads when their ticket lapsed.
const LapseMessage = "두 번 호출했지만 안 계셔서 접수가 만료되었어요. 병원에 오셨다면 접수처에 말씀하시거나 다시 접수해 주세요."

// authorize checks a staff account against the one role table of booking.
func authorize(st *heydoctor.Staff, settings bool) error {
	if settings {
		return booking.Authorize(st, booking.PermQueueSettings)
	}
	return booking.Authorize(st, booking.PermQueue)
}

func ticketNotFound() error {
	return &heydoctor.Error{Kind: heydoctor.NotFound, Field: "ticket_id", Message: "접수를 찾을 수 없어요"}
}

// ownTicket returns a ticket of the staff member's institution; any other is NotFound.
func (s *Service) ownTicket(ctx context.Context, st *heydoctor.Staff, id int64) (*heydoctor.Ticket, error) {
	if err := authorize(st, false); err != nil {
		return nil, err
	}
	t, err := s.store.FindTicketByID(ctx, id)
	if heydoctor.KindOf(err) == heydoctor.NotFound || (err == nil && t.InstitutionID != st.InstitutionID) {
		return nil, ticketNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("find ticket %d: %w", id, err)
	}
	return t, nil
}

func checkReason(reason string, required bool) (string, error) {
	reason = strings.TrimSpace(reason)
	if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > maxReasonRunes {
		return "", heydoctor.FieldError("reason", "사유는 %d자까지 쓸 수 있어요", maxReasonRunes)
	}
	if required && reason == "" {
		return "", heydoctor.FieldError("reason", "사유를 적어 주세요")
	}
	return reason, nil
}

// Board is reception's view of today's queue.
type Board struct {
	Institution  *heydoctor.Institution
	Settings     heydoctor.QueueSettings
	Availability Availability
	Day          heydoctor.Date
	Now          []*heydoctor.Ticket // called and in progress
	Waiting      []*heydoctor.Ticket // in queue order
	Finished     []*heydoctor.Ticket // done, no-show, lapsed, cancelled
	PerVisit     time.Duration
	FromPace     bool
	PredictedEnd time.Time // when the last waiting patient should be finished at today's pace
	Version      string    // changes whenever the board does, for polling
}

// Board returns today's queue of the staff member's institution.
func (s *Service) Board(ctx context.Context, st *heydoctor.Staff) (*Board, error) {
	if err := authorize(st, false); err != nil {
		return nil, err
	}
	in, err := s.store.FindInstitutionByID(ctx, st.InstitutionID)
	if err != nil {
		return nil, fmt.Errorf("find institution %d: %w", st.InstitutionID, err)
	}
	b := &Board{Institution: in, Day: heydoctor.DateOf(s.now())}
	if b.Availability, err = s.Available(ctx, in); err != nil {
		return nil, err
	}
	b.Settings = b.Availability.Settings
	list, err := s.store.ListTickets(ctx, heydoctor.TicketFilter{InstitutionID: in.ID, Day: b.Day})
	if err != nil {
		return nil, fmt.Errorf("tickets of %d: %w", in.ID, err)
	}
	var version strings.Builder
	for _, t := range list {
		switch t.Status {
		case heydoctor.TicketWaiting:
			b.Waiting = append(b.Waiting, t)
		case heydoctor.TicketCalled, heydoctor.TicketInProgress:
			b.Now = append(b.Now, t)
		default:
			b.Finished = append(b.Finished, t)
		}
		fmt.Fprintf(&version, "%d:%s:%d;", t.ID, t.Status, t.Rank)
	}
	fmt.Fprintf(&version, "%v", b.Settings)
	b.Version = fmt.Sprintf("%x", hashString(version.String()))
	if b.PerVisit, b.FromPace, err = s.perVisit(ctx, in.ID); err != nil {
		return nil, err
	}
	b.PredictedEnd = s.now().Add(time.Duration(len(b.Waiting)+len(b.Now)) * b.PerVisit)
	return b, nil
}

// hashString is FNV-1a, enough to tell two board versions apart.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// AddWalkIn puts a patient who came to the desk in the queue, after everyone who checked
// in before them. The cap, pause and hours bind remote check-ins only: the desk decides.
func (s *Service) AddWalkIn(ctx context.Context, st *heydoctor.Staff, req CheckInRequest) (*heydoctor.Ticket, error) {
	if err := authorize(st, false); err != nil {
		return nil, err
	}
	req.Channel = heydoctor.ChannelStaff
	if err := req.Validate(false); err != nil {
		return nil, err
	}
	in, err := s.store.FindInstitutionByID(ctx, st.InstitutionID)
	if err != nil {
		return nil, fmt.Errorf("find institution %d: %w", st.InstitutionID, err)
	}
	qs, err := s.store.FindQueueSettings(ctx, in.ID)
	if err != nil {
		return nil, fmt.Errorf("queue settings of %d: %w", in.ID, err)
	}
	t := &heydoctor.Ticket{InstitutionID: in.ID, Day: heydoctor.DateOf(s.now()), Kind: heydoctor.TicketWalkIn, Channel: heydoctor.ChannelStaff,
		Status: heydoctor.TicketWaiting, Name: req.Name, Phone: req.Phone, ChildName: req.ChildName, Note: req.Note, Demo: in.Demo}
	if err := s.create(ctx, t, qs, 0, &heydoctor.AuditEntry{InstitutionID: in.ID, StaffID: st.ID, Action: "queue.walk_in", Entity: "ticket"}); err != nil {
		return nil, err
	}
	return t, nil
}

// CallNext calls the first waiting ticket, chosen inside the transaction that calls it.
func (s *Service) CallNext(ctx context.Context, st *heydoctor.Staff) (*heydoctor.Ticket, error) {
	if err := authorize(st, false); err != nil {
		return nil, err
	}
	qs, err := s.store.FindQueueSettings(ctx, st.InstitutionID)
	if err != nil {
		return nil, fmt.Errorf("queue settings of %d: %w", st.InstitutionID, err)
	}
	now := time.Unix(s.now().Unix(), 0).UTC()
	out, err := s.store.UpdateFirstWaiting(ctx, st.InstitutionID, heydoctor.DateOf(now), heydoctor.TicketChange{
		Apply: func(t *heydoctor.Ticket, _ []*heydoctor.Ticket) (int, error) {
			t.Status, t.CalledAt = heydoctor.TicketCalled, now
			return -1, nil
		},
		Audit:    &heydoctor.AuditEntry{InstitutionID: st.InstitutionID, StaffID: st.ID, Action: "queue.call", Entity: "ticket"},
		Snapshot: snapshot, Event: eventFor("queue.call"), Soon: eventFor("queue.soon"), SoonAhead: qs.SoonAhead,
	})
	if err != nil {
		return nil, fmt.Errorf("call next at %d: %w", st.InstitutionID, err)
	}
	s.transitioned(out.Status)
	return out, nil
}

// Act applies a board action to a ticket of the staff member's institution.
func (s *Service) Act(ctx context.Context, st *heydoctor.Staff, id int64, a Action, reason string) (*heydoctor.Ticket, error) {
	t, err := s.ownTicket(ctx, st, id)
	if err != nil {
		return nil, err
	}
	if reason, err = checkReason(reason, a == ActionCancel); err != nil {
		return nil, err
	}
	if _, ok := ActionLabels[a]; !ok {
		return nil, heydoctor.FieldError("action", "알 수 없는 동작이에요")
	}
	qs, err := s.store.FindQueueSettings(ctx, t.InstitutionID)
	if err != nil {
		return nil, fmt.Errorf("queue settings of %d: %w", t.InstitutionID, err)
	}
	now := time.Unix(s.now().Unix(), 0).UTC()
	out, err := s.change(ctx, t, &qs, a == ActionNoShow, st.ID, "queue."+string(a), "queue."+string(a), func(t *heydoctor.Ticket, waiting []*heydoctor.Ticket) (int, error) {
		if !Allowed(t, a) {
			return -1, heydoctor.Errorf(heydoctor.Conflict, "%s 상태인 접수는 '%s'할 수 없어요", t.Status.Label(), ActionLabels[a])
		}
		switch a {
		case ActionCall:
			t.Status, t.CalledAt = heydoctor.TicketCalled, now
		case ActionArrived:
			t.Status, t.StartedAt = heydoctor.TicketInProgress, now
			if t.CalledAt.IsZero() {
				t.CalledAt = now
			}
		case ActionDone:
			if t.StartedAt.IsZero() {
				t.StartedAt = t.CalledAt
			}
			t.Status, t.FinishedAt = heydoctor.TicketDone, now
		case ActionNoShow:
			switch {
			case t.Kind == heydoctor.TicketRemote && t.Skips == 0:
				t.Status, t.Skips, t.CalledAt = heydoctor.TicketWaiting, 1, time.Time{}
				t.Reason = fmt.Sprintf("호출했을 때 안 계셔서 %d순서 뒤로 옮겼어요", qs.SkipBack)
				return min(qs.SkipBack, len(waiting)), nil
			case t.Kind == heydoctor.TicketRemote:
				t.Status, t.Reason = heydoctor.TicketLapsed, LapseMessage
			default:
				t.Status = heydoctor.TicketNoShow
			}
		case ActionCancel:
			t.Status, t.Reason = heydoctor.TicketCancelled, reason
		}
		return -1, nil
	})
	if err == nil && a == ActionDone {
		s.forgetPace(out.InstitutionID)
	}
	return out, err
}

// forgetPace drops a clinic's cached pace, after a visit finished.
func (s *Service) forgetPace(instID int64) {
	s.paceMu.Lock()
	delete(s.paces, instID)
	s.paceMu.Unlock()
}

// Allowed reports whether reception may apply a to t now.
func Allowed(t *heydoctor.Ticket, a Action) bool {
	for _, x := range Actions(t) {
		if x == a {
			return true
		}
	}
	return false
}

// Move puts a waiting ticket at a 1-based place in the queue, with a reason that is audited.
func (s *Service) Move(ctx context.Context, st *heydoctor.Staff, id int64, place int, reason string) (*heydoctor.Ticket, error) {
	t, err := s.ownTicket(ctx, st, id)
	if err != nil {
		return nil, err
	}
	if reason, err = checkReason(reason, true); err != nil {
		return nil, err
	}
	if place < 1 || place > maxDailyCap {
		return nil, heydoctor.FieldError("place", "옮길 순서는 1 이상이어야 해요")
	}
	return s.change(ctx, t, nil, true, st.ID, "queue.move", "", func(t *heydoctor.Ticket, waiting []*heydoctor.Ticket) (int, error) {
		if t.Status != heydoctor.TicketWaiting {
			return -1, heydoctor.Errorf(heydoctor.Conflict, "기다리는 접수만 순서를 옮길 수 있어요")
		}
		t.Reason = reason
		return min(place-1, len(waiting)), nil
	})
}

// SetPaused pauses or resumes remote check-in; walk-ins still go in.
func (s *Service) SetPaused(ctx context.Context, st *heydoctor.Staff, paused bool) (heydoctor.QueueSettings, error) {
	if err := authorize(st, false); err != nil {
		return heydoctor.QueueSettings{}, err
	}
	qs, err := s.store.FindQueueSettings(ctx, st.InstitutionID)
	if err != nil {
		return qs, fmt.Errorf("queue settings of %d: %w", st.InstitutionID, err)
	}
	before := qs
	qs.Paused = paused
	action := "queue.resume"
	if paused {
		action = "queue.pause"
	}
	err = s.store.SaveQueueSettings(ctx, &qs, &heydoctor.AuditEntry{InstitutionID: st.InstitutionID, StaffID: st.ID, Action: action,
		Entity: "queue_settings", Before: settingsJSON(before), After: settingsJSON(qs)})
	return qs, err
}

// SaveSettings changes a clinic's check-in settings (admins only).
func (s *Service) SaveSettings(ctx context.Context, st *heydoctor.Staff, qs heydoctor.QueueSettings) (heydoctor.QueueSettings, error) {
	if err := authorize(st, true); err != nil {
		return qs, err
	}
	if err := CheckSettings(&qs); err != nil {
		return qs, err
	}
	before, err := s.store.FindQueueSettings(ctx, st.InstitutionID)
	if err != nil {
		return qs, fmt.Errorf("queue settings of %d: %w", st.InstitutionID, err)
	}
	qs.InstitutionID = st.InstitutionID
	qs.AlwaysOpen = before.AlwaysOpen // a demo setting, not the console's
	err = s.store.SaveQueueSettings(ctx, &qs, &heydoctor.AuditEntry{InstitutionID: st.InstitutionID, StaffID: st.ID, Action: "queue.settings",
		Entity: "queue_settings", Before: settingsJSON(before), After: settingsJSON(qs)})
	return qs, err
}

// CheckSettings validates settings and normalises the cut-off to HHMM.
func CheckSettings(qs *heydoctor.QueueSettings) error {
	if qs.DailyCap < 0 || qs.DailyCap > maxDailyCap {
		return heydoctor.FieldError("daily_cap", "하루 접수 인원은 0(제한 없음)에서 %d 사이로 적어 주세요", maxDailyCap)
	}
	if qs.SkipBack < 0 || qs.SkipBack > maxSkipBack {
		return heydoctor.FieldError("skip_back", "뒤로 옮길 순서는 0에서 %d 사이로 적어 주세요", maxSkipBack)
	}
	if qs.SoonAhead < 0 || qs.SoonAhead > maxSoonAhead {
		return heydoctor.FieldError("soon_ahead", "'곧 차례' 알림 기준은 0에서 %d명 사이로 적어 주세요", maxSoonAhead)
	}
	qs.CutOff = strings.ReplaceAll(strings.TrimSpace(qs.CutOff), ":", "")
	if qs.CutOff != "" {
		m, err := hours.ParseHHMM(qs.CutOff)
		if err != nil || m >= 24*60 {
			return heydoctor.FieldError("cutoff", "접수 마감 시각은 17:30처럼 적어 주세요")
		}
		qs.CutOff = fmt.Sprintf("%02d%02d", m/60, m%60)
	}
	return nil
}

func settingsJSON(qs heydoctor.QueueSettings) string {
	return fmt.Sprintf(`{"enabled":%t,"paused":%t,"daily_cap":%d,"cutoff":%q,"skip_back":%d,"soon_ahead":%d}`,
		qs.Enabled, qs.Paused, qs.DailyCap, qs.CutOff, qs.SkipBack, qs.SoonAhead)
}
