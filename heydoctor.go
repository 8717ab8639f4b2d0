// Package heydoctor holds the domain of HeyDoctor: institutions (hospitals, clinics,
// pharmacies) and their opening hours, canonical departments, doctors and consultation
// rooms with their schedules, patients, reservations, staff and conversations.
//
// It imports nothing heavy: storage, HTTP and the chat channels live in internal/
// packages that depend on this one, never the other way round.
package heydoctor

import "time"

// KST is Korea Standard Time. Korea has kept UTC+9 without daylight saving since 1988,
// so a fixed zone is exact and needs no tzdata on the host.
var KST = time.FixedZone("KST", 9*60*60)

// Version is set at build time with -ldflags "-X heydoctor.Version=...".
var Version = "dev"

// Date is a calendar day in Korea, formatted YYYY-MM-DD.
type Date string

// DateOf returns the Korean calendar day of t.
func DateOf(t time.Time) Date { return Date(t.In(KST).Format(time.DateOnly)) }

// ParseDate checks s is a real YYYY-MM-DD day.
func ParseDate(s string) (Date, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, KST)
	if err != nil || t.Format(time.DateOnly) != s {
		return "", Errorf(Invalid, "날짜 형식이 올바르지 않습니다 (YYYY-MM-DD): %q", s)
	}
	return Date(s), nil
}

// Time returns midnight at the start of d in KST. It returns the zero time for an invalid date.
func (d Date) Time() time.Time {
	t, err := time.ParseInLocation(time.DateOnly, string(d), KST)
	if err != nil {
		return time.Time{}
	}
	return t
}

// AddDays returns the day n days after d.
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }
