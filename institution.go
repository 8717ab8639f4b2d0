package heydoctor

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

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
	TypeCode string           // 종별 code as published: NMC dutyDiv ("B") or HIRA clCd ("31")
	TypeName string           // 종별 name: 종합병원, 병원, 의원, 약국, ...
	Class    InstitutionClass // 종별 normalised across sources; "" when the source does not say
	Name     string
	Address  string
	Postcode string
	Phone    string // as published, for display; dial PhoneDigits
	ERPhone  string
	Lat, Lng float64 // WGS84; both zero when unknown
	// Departments are canonical D-codes (see Departments).
	Departments []string
	// Specialists counts board-certified doctors (전문의) per department D-code, as HIRA's
	// 진료과목 table publishes them (과목별 전문의수); nil when no source said. A
	// department listed without a count has no entry.
	Specialists map[string]int
	Hours       OpeningHours
	// ER is an emergency room a patient can trust: a hospital-grade institution (병원,
	// 종합병원, 상급종합병원) that says it runs one, or one NMC designates (응급의료기관).
	// A 치과의원 or 한의원 saying 응급실 운영 is not one.
	ER     bool
	Notes  string
	Status BusinessStatus

	// Source identities; at least one is set. HPID is NMC's 기관ID, YKIHO HIRA's
	// 암호화요양기호, LocalKey a key derived for sources that publish none (Gyeonggi).
	HPID     string
	YKIHO    string
	LocalKey string
	Source   string // the format the record came from, e.g. "nmc", "gyeonggi"
	// Carries says which fields the source of this record publishes, so that importing a
	// source that lacks some (NMC's location list has today's hours only) never erases
	// what another source wrote. Zero means every field.
	Carries InstitutionFields

	// Booking: onboarded institutions take reservations through HeyDoctor.
	Onboarded bool
	Demo      bool // demo data: labelled 데모 wherever shown
	Booking   BookingPolicy

	UpdatedAt time.Time
}

// InstitutionClass is the 종별 of an institution, the same whichever source named it
// (HIRA clCd, NMC dutyDiv, Gyeonggi MEDINST_ASORTMT_NM).
type InstitutionClass string

// Institution classes.
const (
	ClassTertiary       InstitutionClass = "tertiary"        // 상급종합병원 (HIRA 01)
	ClassGeneral        InstitutionClass = "general"         // 종합병원 (11; NMC A also covers 상급종합)
	ClassHospital       InstitutionClass = "hospital"        // 병원 (21)
	ClassLongTermCare   InstitutionClass = "long-term-care"  // 요양병원 (28)
	ClassPsychiatric    InstitutionClass = "psychiatric"     // 정신병원 (29)
	ClassClinic         InstitutionClass = "clinic"          // 의원 (31)
	ClassDentalHospital InstitutionClass = "dental-hospital" // 치과병원 (41)
	ClassDentalClinic   InstitutionClass = "dental-clinic"   // 치과의원 (51)
	ClassMidwifery      InstitutionClass = "midwifery"       // 조산원 (61)
	ClassPublicHealth   InstitutionClass = "public-health"   // 보건소, 보건지소, 보건진료소, 보건의료원 (71–75)
	ClassKoreanHospital InstitutionClass = "korean-hospital" // 한방병원 (92)
	ClassKoreanClinic   InstitutionClass = "korean-clinic"   // 한의원 (93)
	ClassAffiliated     InstitutionClass = "affiliated"      // 부속병의원 (NMC O)
	ClassPharmacy       InstitutionClass = "pharmacy"        // 약국 (81)
)

// HospitalGrade reports whether c is a hospital that can run an emergency room a patient
// with chest pain should be sent to: 병원, 종합병원 or 상급종합병원.
func (c InstitutionClass) HospitalGrade() bool {
	return c == ClassTertiary || c == ClassGeneral || c == ClassHospital
}

// LongStay reports whether c is long-term or psychiatric care (요양병원, 정신병원), which
// a search lists only when asked for by class or when nothing else is near.
func (c InstitutionClass) LongStay() bool {
	return c == ClassLongTermCare || c == ClassPsychiatric
}

// Rank orders classes for a patient looking for care now: a lower rank comes first.
// Clinics and hospitals come before public health posts, dental and Korean medicine,
// and long-stay care comes last; an unknown class sits in the middle.
func (c InstitutionClass) Rank() int {
	switch c {
	case ClassClinic, ClassHospital, ClassGeneral, ClassTertiary:
		return 0
	case ClassPublicHealth, ClassAffiliated:
		return 1
	case "", ClassDentalClinic, ClassDentalHospital, ClassKoreanClinic, ClassKoreanHospital, ClassMidwifery, ClassPharmacy:
		return 2
	case ClassLongTermCare, ClassPsychiatric:
		return 4
	}
	return 3
}

// InstitutionFields is a set of groups of an institution's public-data fields.
type InstitutionFields uint8

// Field groups. Basis is what every directory source publishes (kind, class, name,
// address, phone, coordinates, status); the rest only some sources do.
const (
	FieldBasis       InstitutionFields = 1 << iota
	FieldPostcode                      // postcode
	FieldHours                         // weekly hours and lunch breaks
	FieldDepartments                   // departments and specialist counts
	FieldER                            // emergency room and its phone
	FieldNotes                         // free-text notes

	AllFields = FieldBasis | FieldPostcode | FieldHours | FieldDepartments | FieldER | FieldNotes
)

// Has reports whether every field group of g is in f; a zero f has every group.
func (f InstitutionFields) Has(g InstitutionFields) bool {
	if f == 0 {
		f = AllFields
	}
	return f&g == g
}

// HasLocation reports whether the institution has coordinates.
func (in *Institution) HasLocation() bool { return in.Lat != 0 || in.Lng != 0 }

// InKorea reports whether a WGS84 point lies within Korea's bounding box.
func InKorea(lat, lng float64) bool { return lat > 33 && lat < 39 && lng > 124 && lng < 132 }

// OpeningHours are an institution's published weekly hours: Day[0..6] Monday to Sunday
// and Day[7] public holidays, each as HHMM strings exactly as published (closing times
// may be ≥ 2400 or earlier than opening for past-midnight hours). A day with empty Open
// and Close has no published hours. A week with no day at all is unknown, never closed.
//
// Lunch[0..7] are the lunch breaks inside those days (HIRA 점심시간), zero when none is
// published. A day's Span may also be Unknown: the source says something about the day
// (a Sunday note such as "오후 1시 이후") that gives no hours, so the day is neither open
// nor closed.
type OpeningHours struct {
	Day   [8]Span `json:"day"`
	Lunch [8]Span `json:"lunch,omitzero"`
}

// Holiday is the index of public-holiday hours in OpeningHours.Day.
const Holiday = 7

// Span is one day's opening, HHMM to HHMM.
type Span struct {
	Open    string `json:"open,omitempty"`
	Close   string `json:"close,omitempty"`
	Unknown bool   `json:"unknown,omitempty"`
}

// IsZero reports whether nothing is published for the day.
func (s Span) IsZero() bool { return s.Open == "" && s.Close == "" && !s.Unknown }

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

// Merge writes into in the field groups of src that are in groups and that src
// carries, and adds them to in.Carries. Empty basis values (a blank phone, address or
// class, no coordinates) never erase known ones: a source that lacks a value does not
// know better. An emergency room claimed by a record without basis fields (HIRA's
// 세부정보 row, which does not know the class) counts only when in is hospital-grade.
func (in *Institution) Merge(src *Institution, groups InstitutionFields) {
	c := src.Carries
	if c == 0 {
		c = AllFields
	}
	c &= groups // from here on zero means nothing
	if c&FieldBasis != 0 {
		in.Kind, in.Name, in.Status = src.Kind, src.Name, src.Status
		for _, p := range [][2]*string{{&in.TypeCode, &src.TypeCode}, {&in.TypeName, &src.TypeName}, {&in.Address, &src.Address}, {&in.Phone, &src.Phone}} {
			if *p[1] != "" {
				*p[0] = *p[1]
			}
		}
		if src.Class != "" {
			in.Class = src.Class
		}
		if src.HasLocation() {
			in.Lat, in.Lng = src.Lat, src.Lng
		}
	}
	if c&FieldPostcode != 0 && src.Postcode != "" {
		in.Postcode = src.Postcode
	}
	if c&FieldHours != 0 {
		in.Hours = src.Hours
	}
	if c&FieldDepartments != 0 {
		in.Departments, in.Specialists = src.Departments, src.Specialists
	}
	if c&FieldER != 0 {
		in.ER, in.ERPhone = src.ER, src.ERPhone
		if !src.Carries.Has(FieldBasis) && !in.Class.HospitalGrade() {
			in.ER, in.ERPhone = false, ""
		}
	}
	if c&FieldNotes != 0 {
		in.Notes = src.Notes
	}
	if in.Carries != 0 {
		in.Carries |= c
	}
}

// FormatSpecialists writes specialist counts as "D001:3,D022:1", in department order and
// without zero counts: the form the store and the nationwide seed keep them in.
func FormatSpecialists(m map[string]int) string {
	codes := make([]string, 0, len(m))
	for code, n := range m {
		if n > 0 {
			codes = append(codes, code)
		}
	}
	slices.Sort(codes)
	var b strings.Builder
	for i, code := range codes {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(code + ":" + strconv.Itoa(m[code]))
	}
	return b.String()
}

// ParseSpecialists reads what FormatSpecialists wrote; "" is none. A malformed part is
// left out and reported in err, with the well-formed parts still returned.
func ParseSpecialists(s string) (map[string]int, error) {
	if s == "" {
		return nil, nil
	}
	m := make(map[string]int)
	var err error
	for part := range strings.SplitSeq(s, ",") {
		code, v, _ := strings.Cut(part, ":")
		n, perr := strconv.Atoi(v)
		if perr != nil || code == "" {
			if err == nil {
				err = fmt.Errorf("specialist count %q is not CODE:N", part)
			}
			continue
		}
		m[code] = n
	}
	return m, err
}
