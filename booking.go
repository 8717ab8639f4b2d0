package heydoctor

import (
	"slices"
	"time"
)

// BookingPolicy is how an onboarded institution takes reservations.
type BookingPolicy struct {
	// RequireConfirmation: new reservations wait as requested until staff confirm them.
	// Otherwise they are confirmed at once.
	RequireConfirmation bool `json:"require_confirmation"`
	// CancelWindowMinutes: a patient may cancel or reschedule up to this long before the visit.
	CancelWindowMinutes int `json:"cancel_window_minutes"`
}

// Doctor is a doctor or a consultation room at an institution that takes bookings.
// Demo rooms are named as rooms ("내과 1진료실"), never as invented people.
type Doctor struct {
	ID            int64
	InstitutionID int64
	Department    string // D-code
	Name          string
	IsRoom        bool
	Active        bool
	Demo          bool
	UpdatedAt     time.Time
}

// Schedule is a doctor's or room's working plan.
type Schedule struct {
	DoctorID int64
	// Blocks are working periods per weekday; a lunch break is the gap between two blocks.
	Blocks           []WorkBlock
	SlotMinutes      int  // default 15
	Capacity         int  // patients per slot, default 1
	HorizonDays      int  // how far ahead patients may book, default 30
	MinNoticeMinutes int  // default 30
	OpenOnHolidays   bool // public holidays are closed unless this is set
	UpdatedAt        time.Time
}

// Schedule defaults.
const (
	DefaultSlotMinutes      = 15
	DefaultCapacity         = 1
	DefaultHorizonDays      = 30
	DefaultMinNoticeMinutes = 30
)

// WorkBlock is one working period on a weekday, Start and End as HHMM within the day.
type WorkBlock struct {
	Weekday time.Weekday `json:"weekday"`
	Start   string       `json:"start"`
	End     string       `json:"end"`
}

// ScheduleException changes a doctor's plan on one day: a leave day (Closed) or
// other hours (Blocks replace the weekly plan that day; an extra working day).
type ScheduleException struct {
	ID       int64
	DoctorID int64
	Date     Date
	Closed   bool
	Blocks   []WorkBlock
	Note     string
}

// Slot is a bookable time with its free capacity.
type Slot struct {
	DoctorID int64     `json:"doctor_id"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Free     int       `json:"free"`
	Capacity int       `json:"capacity"`
}

// ReservationStatus is where a reservation is in its lifecycle:
// requested → confirmed → attended | no_show; requested|confirmed → cancelled | rejected.
type ReservationStatus string

// Reservation statuses.
const (
	StatusRequested ReservationStatus = "requested"
	StatusConfirmed ReservationStatus = "confirmed"
	StatusAttended  ReservationStatus = "attended"
	StatusNoShow    ReservationStatus = "no_show"
	StatusCancelled ReservationStatus = "cancelled"
	StatusRejected  ReservationStatus = "rejected"
)

// ReservationStatuses lists every status, in lifecycle order.
func ReservationStatuses() []ReservationStatus {
	return []ReservationStatus{StatusRequested, StatusConfirmed, StatusAttended, StatusNoShow, StatusCancelled, StatusRejected}
}

// Valid reports whether s is one of ReservationStatuses.
func (s ReservationStatus) Valid() bool { return slices.Contains(ReservationStatuses(), s) }

// Label is the status in a patient's and receptionist's words.
func (s ReservationStatus) Label() string {
	switch s {
	case StatusRequested:
		return "병원 확인 대기"
	case StatusConfirmed:
		return "예약 확정"
	case StatusAttended:
		return "방문 완료"
	case StatusNoShow:
		return "미방문"
	case StatusCancelled:
		return "취소됨"
	case StatusRejected:
		return "병원에서 거절"
	}
	return string(s)
}

// Active reports whether the reservation still holds its slot.
func (s ReservationStatus) Active() bool { return s == StatusRequested || s == StatusConfirmed }

// Channel is where a reservation or conversation came from.
type Channel string

// Channels.
const (
	ChannelWeb   Channel = "web"
	ChannelKakao Channel = "kakao"
	ChannelStaff Channel = "staff"
	ChannelAPI   Channel = "api"
)

// Patient is the minimum HeyDoctor keeps about a person who books: a name and a phone
// number. Never a resident registration number. A channel identity (a KakaoTalk user)
// belongs to the reservations it made, not to the patient: anyone can type a name and
// a phone number.
type Patient struct {
	ID        int64
	Name      string
	Phone     string // normalised digits, e.g. 01012345678
	CreatedAt time.Time
}

// Reservation is a booked visit. Times are stored in UTC and shown in KST.
type Reservation struct {
	ID             int64
	Code           string // what the patient quotes, with their phone number, to find it
	InstitutionID  int64
	DoctorID       int64
	PatientID      int64
	Start, End     time.Time
	Status         ReservationStatus
	Channel        Channel
	Note           string // the patient's own words on symptoms; a health detail: never logged
	IdempotencyKey string
	Sequence       int // iCalendar SEQUENCE: increases on every change
	Reason         string
	// OwnerKey is the channel identity that made the reservation ("kakao:" and the
	// KakaoTalk user key); empty for the website, the API and staff.
	OwnerKey  string
	CreatedAt time.Time
	UpdatedAt time.Time

	// Filled by finders for display.
	Patient     *Patient
	Doctor      *Doctor
	Institution *Institution
}

// ReservationFilter selects reservations. Zero fields do not filter.
type ReservationFilter struct {
	InstitutionID int64
	DoctorID      int64
	From, To      time.Time // start within [From, To)
	Statuses      []ReservationStatus
	// Owner: reservations made by this owner key or linked to it with proof.
	Owner string
	Phone string
	Limit int
}

// ReservationEvent is a reservation change to announce to the institution's webhooks.
type ReservationEvent struct {
	Name string // e.g. reservation.created, reservation.confirmed
	Body func(r *Reservation) []byte
}

// ReservationQuota bounds the active upcoming reservations a new booking joins. Zero
// fields do not limit. Staff bookings are never counted.
type ReservationQuota struct {
	// Phone: reservations for the patient's phone with the same owner key as the new one.
	// Anyone can type a phone number, so the share of an owner (a KakaoTalk user) is kept
	// apart from the anonymous share of the website and the API: strangers who fill the
	// anonymous share never lock the owner out.
	Phone int
	// PhoneInstitution: the same at the new reservation's institution.
	PhoneInstitution int
	// Owner: reservations made by the new reservation's owner (when it has one).
	Owner int
}

// ReservationChange is one modification of a reservation, applied atomically by the
// store's UpdateReservation.
type ReservationChange struct {
	// Apply checks the lifecycle rules against the current row and mutates it (status,
	// reason, start and end for a reschedule).
	Apply func(r *Reservation) error
	// Capacity of the new slot when Apply moves the reservation.
	Capacity int
	// Audit, when set, is written in the same transaction with Before and After filled in.
	Audit *AuditEntry
	// Event, when set, is queued for the institution's webhooks in the same transaction.
	Event *ReservationEvent
	// Snapshot renders a reservation for the audit log.
	Snapshot func(r *Reservation) string
}

// PhoneCount is how many active upcoming reservations one phone holds at an institution.
type PhoneCount struct {
	Phone       string
	Names       int // different names booked with it
	Count       int
	First, Last time.Time // earliest and latest booking time (created)
}
