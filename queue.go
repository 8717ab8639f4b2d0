package heydoctor

import (
	"strings"
	"time"
)

// TicketStatus is where a same-day check-in (모바일 접수) is:
// waiting → called → in_progress → done; called → waiting (a remote patient skipped once)
// → … → lapsed; called → no_show (a walk-in who left); waiting|called → cancelled.
type TicketStatus string

// Ticket statuses.
const (
	TicketWaiting    TicketStatus = "waiting"
	TicketCalled     TicketStatus = "called"
	TicketInProgress TicketStatus = "in_progress" // arrived at the desk, or with the doctor
	TicketDone       TicketStatus = "done"
	TicketNoShow     TicketStatus = "no_show"
	TicketLapsed     TicketStatus = "lapsed" // called again after a skip and still absent
	TicketCancelled  TicketStatus = "cancelled"
)

// Active reports whether the ticket still holds a place in today's queue.
func (s TicketStatus) Active() bool {
	return s == TicketWaiting || s == TicketCalled || s == TicketInProgress
}

// Label is the status in a patient's and receptionist's words.
func (s TicketStatus) Label() string {
	switch s {
	case TicketWaiting:
		return "대기 중"
	case TicketCalled:
		return "호출됨"
	case TicketInProgress:
		return "진료 중"
	case TicketDone:
		return "진료 완료"
	case TicketNoShow:
		return "미방문"
	case TicketLapsed:
		return "접수 만료"
	case TicketCancelled:
		return "취소됨"
	}
	return string(s)
}

// TicketKind tells a check-in from afar from one made at the reception desk.
type TicketKind string

// Ticket kinds.
const (
	TicketRemote TicketKind = "remote"
	TicketWalkIn TicketKind = "walk_in"
)

// Ticket is one place in a clinic's queue for one day. Number is what the waiting room
// hears called: unique and consecutive per clinic and day. Rank orders the queue: it
// starts as the check-in order and changes only when a ticket is moved or skipped.
type Ticket struct {
	ID            int64
	Code          string // what the patient quotes, with their phone number, to see the ticket
	InstitutionID int64
	Day           Date
	Number        int
	Kind          TicketKind
	Channel       Channel
	Status        TicketStatus
	Name          string
	Phone         string // normalised digits; empty for a walk-in without one
	ChildName     string
	Note          string // the patient's reason for the visit: a health detail, never logged or shown outside the console
	KakaoKey      string
	Rank          int64
	Skips         int
	Soon          bool   // the "곧 차례예요" event was emitted
	Reason        string // why the last staff change was made, or the lapse message
	Demo          bool
	CreatedAt     time.Time
	CalledAt      time.Time
	StartedAt     time.Time
	FinishedAt    time.Time
	UpdatedAt     time.Time
}

// DisplayName is who the ticket is for: the child when one is named.
func (t *Ticket) DisplayName() string {
	if t.ChildName != "" {
		return t.ChildName
	}
	return t.Name
}

// QueueSettings are how a clinic takes same-day check-ins.
type QueueSettings struct {
	InstitutionID int64
	Enabled       bool   // same-day check-in offered at all
	Paused        bool   // remote check-in paused by reception; walk-ins still go in
	DailyCap      int    // remote and walk-in tickets a day; 0 is no cap
	CutOff        string // HHMM after which remote check-in stops; "" for none
	SkipBack      int    // places a called remote patient who is absent moves back
	SoonAhead     int    // "곧 차례예요" when this many or fewer are ahead
	AlwaysOpen    bool   // demo queues: check-in ignores opening hours
	UpdatedAt     time.Time
}

// Queue setting defaults.
const (
	DefaultSkipBack  = 3
	DefaultSoonAhead = 2
)

// DefaultQueueSettings are a clinic's settings before staff change them: off.
func DefaultQueueSettings(institutionID int64) QueueSettings {
	return QueueSettings{InstitutionID: institutionID, SkipBack: DefaultSkipBack, SoonAhead: DefaultSoonAhead}
}

// MaskName hides the middle of a name for a waiting-room screen: 홍길동 → 홍*동,
// 김철 → 김*, 남궁민수 → 남**수. Spaces count as letters to hide.
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return string(r)
	case 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

// TicketFilter selects tickets. Zero fields do not filter.
type TicketFilter struct {
	InstitutionID int64
	Day           Date
	Statuses      []TicketStatus
	KakaoKey      string
	Phone         string
	Limit         int
}

// QueueEvent names a ticket change to announce to the clinic's webhooks; Body renders it.
type QueueEvent struct {
	Name string
	Body func(t *Ticket, ahead int) []byte
}

// TicketCreate says how the store's CreateTicket checks and records a new ticket.
type TicketCreate struct {
	// Cap, when positive, is the day's ticket limit, checked against the counter inside
	// the transaction: the ticket past it is refused with a Conflict and takes no number.
	Cap int
	// Audit, when set, is written in the same transaction.
	Audit *AuditEntry
	// Event is queued for the ticket itself; Soon for any ticket that reaches
	// SoonAhead or fewer people ahead.
	Event, Soon *QueueEvent
	SoonAhead   int
	Snapshot    func(t *Ticket) string
}

// TicketChange is one modification of a ticket, applied atomically by the store's UpdateTicket.
type TicketChange struct {
	// Apply checks the rules against the current ticket and the day's other waiting
	// tickets in queue order, and mutates the ticket. It returns the index in waiting
	// the ticket moves to (0 is the front), or -1 to keep its rank.
	Apply func(t *Ticket, waiting []*Ticket) (moveTo int, err error)
	// AllWaiting gives Apply every waiting ticket (to move one); otherwise it sees the
	// first few, enough to tell who is next.
	AllWaiting bool
	// Audit, when set, is written in the same transaction with Before and After filled in by Snapshot.
	Audit    *AuditEntry
	Snapshot func(t *Ticket) string
	// Event is queued for the ticket; Soon for tickets reaching SoonAhead or fewer ahead.
	Event, Soon *QueueEvent
	SoonAhead   int
}
