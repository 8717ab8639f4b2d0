package heydoctor

import "time"

// InstitutionKind is what a place is for a patient: a hospital (병원급), a clinic (의원급)
// or a pharmacy. The finer 종별 lives in TypeCode/TypeName.
type InstitutionKind string

// Institution kinds.
const (
	KindHospital InstitutionKind = "hospital"
	KindClinic   InstitutionKind = "clinic"
	KindPharmacy InstitutionKind = "pharmacy"
)

// Valid reports whether k is one of the known kinds.
func (k InstitutionKind) Valid() bool {
	return k == KindHospital || k == KindClinic || k == KindPharmacy
}

// BusinessStatus is whether an institution is operating, as the source says.
type BusinessStatus string

// Business statuses. Institutions are never deleted: reservations point at them.
const (
	StatusOperating BusinessStatus = "operating" // 영업중
	StatusSuspended BusinessStatus = "suspended" // 휴업
	StatusClosed    BusinessStatus = "closed"    // 폐업, or missing from a full refresh
)

// Institution is a hospital, clinic or pharmacy from the national directory.
type Institution struct {
	ID       int64
	Kind     InstitutionKind
	TypeCode string // 종별 code as published: NMC dutyDiv ("B") or HIRA clCd ("31")
	TypeName string // 종별 name: 종합병원, 병원, 의원, 약국, ...
	Name     string
	Address  string
	Postcode string
	Phone    string // as published, for display; dial PhoneDigits
	ERPhone  string
	Lat, Lng float64 // WGS84; both zero when unknown
	// Departments are canonical D-codes (see Departments).
	Departments []string
	Hours       OpeningHours
	ER          bool // runs an emergency room (NMC dutyEryn=1)
	Notes       string
	Status      BusinessStatus

	// Source identities; at least one is set. HPID is NMC's 기관ID, YKIHO HIRA's
	// 암호화요양기호, LocalKey a key derived for sources that publish none (Gyeonggi).
	HPID     string
	YKIHO    string
	LocalKey string
	Source   string // the format the record came from, e.g. "nmc", "gyeonggi"

	// Booking: onboarded institutions take reservations through HeyDoctor.
	Onboarded bool
	Demo      bool // demo data: labelled 데모 wherever shown
	Booking   BookingPolicy

	UpdatedAt time.Time
}

// HasLocation reports whether the institution has coordinates.
func (in *Institution) HasLocation() bool { return in.Lat != 0 || in.Lng != 0 }

// InKorea reports whether a WGS84 point lies within Korea's bounding box.
func InKorea(lat, lng float64) bool { return lat > 33 && lat < 39 && lng > 124 && lng < 132 }

// OpeningHours are an institution's published weekly hours: Day[0..6] Monday to Sunday
// and Day[7] public holidays, each as HHMM strings exactly as published (closing times
// may be ≥ 2400 or earlier than opening for past-midnight hours). A day with empty Open
// and Close has no published hours. A week with no day at all is unknown, never closed.
type OpeningHours struct {
	Day [8]Span `json:"day"`
}

// Holiday is the index of public-holiday hours in OpeningHours.Day.
const Holiday = 7

// Span is one day's opening, HHMM to HHMM.
type Span struct {
	Open  string `json:"open,omitempty"`
	Close string `json:"close,omitempty"`
}

// IsZero reports whether no hours are published for the day.
func (s Span) IsZero() bool { return s.Open == "" && s.Close == "" }

// Known reports whether any day has published hours.
func (h OpeningHours) Known() bool {
	for _, s := range h.Day {
		if !s.IsZero() {
			return true
		}
	}
	return false
}

// DayIndex returns the OpeningHours index for a weekday (Monday 0 … Sunday 6).
func DayIndex(w time.Weekday) int { return (int(w) + 6) % 7 }

// Closure overrides an institution's hours on one day: closed, or open other hours.
type Closure struct {
	InstitutionID int64
	Date          Date
	Hours         Span // zero: closed all day
	Note          string
}

// PublicHoliday is a day off nationwide (KASI isHoliday=Y).
type PublicHoliday struct {
	Date Date
	Name string
}

// InstitutionFilter selects institutions from the store. Zero fields do not filter.
type InstitutionFilter struct {
	IDs        []int64
	Kind       InstitutionKind
	Department string
	Onboarded  bool
	NameQuery  string // substring of the name or address
	Limit      int
	AfterID    int64 // for paging in id order
}
