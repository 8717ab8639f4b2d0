// Package hours answers "is this place open now, and until when?" from the weekly hours
// that public data sources publish, the Korean public-holiday calendar and per-day
// closures entered by staff. It is pure logic: no I/O, no clock of its own.
package hours

import (
	"strings"

	"heydoctor"
)

// maxHHMMInput bounds the raw input before trimming, so hostile strings are rejected
// before any work is done and error messages never echo megabytes.
const maxHHMMInput = 16

// maxHHMM is the largest accepted value: 4800 is midnight at the end of the next day.
// Sources publish closing times past 2400 (2430, 2500, 2600) for past-midnight hours.
const maxHHMM = 4800

type hhmmProblem uint8

const (
	hhmmOK hhmmProblem = iota
	hhmmTooLong
	hhmmEmpty
	hhmmTooManyDigits
	hhmmNotDigit
	hhmmBadMinute
	hhmmTooLate
)

// parseHHMM is ParseHHMM without building an error, so the hot paths that meet bad data
// (overrides evaluated per request) never allocate.
func parseHHMM(s string) (int, hhmmProblem) {
	if len(s) > maxHHMMInput {
		return 0, hhmmTooLong
	}
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, hhmmEmpty
	}
	if len(t) > 4 {
		return 0, hhmmTooManyDigits
	}
	n := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c < '0' || c > '9' {
			return 0, hhmmNotDigit
		}
		n = n*10 + int(c-'0')
	}
	if n%100 >= 60 {
		return 0, hhmmBadMinute
	}
	if n > maxHHMM {
		return 0, hhmmTooLate
	}
	return n/100*60 + n%100, hhmmOK
}

// ParseHHMM returns the minutes after midnight of an HHMM time as the sources publish it.
// It accepts surrounding spaces and fewer than four digits ("900" is 09:00), because
// spreadsheets and JSON numbers drop the leading zero. Values from 2400 to 4800 are
// accepted and mean the next day (a closing time of 2500 is 01:00 the next morning), so
// the result ranges from 0 to 2880. Errors are of kind heydoctor.Invalid and say what
// is wrong; callers wrap them with the field name.
func ParseHHMM(s string) (minutes int, err error) {
	m, p := parseHHMM(s)
	if p == hhmmOK {
		return m, nil
	}
	return 0, hhmmError(s, p)
}

func hhmmError(s string, p hhmmProblem) error {
	if len(s) > maxHHMMInput {
		s = s[:maxHHMMInput] + "…"
	}
	var why string
	switch p {
	case hhmmTooLong:
		why = "값이 너무 길어요"
	case hhmmEmpty:
		why = "값이 비어 있어요"
	case hhmmTooManyDigits:
		why = "숫자는 네 자리까지만 쓸 수 있어요"
	case hhmmNotDigit:
		why = "숫자가 아닌 문자가 있어요"
	case hhmmBadMinute:
		why = "분은 00부터 59까지만 쓸 수 있어요"
	case hhmmTooLate:
		why = "4800(다음 날 24시)보다 늦은 시각은 쓸 수 없어요"
	default:
		why = "형식이 올바르지 않아요"
	}
	return heydoctor.Errorf(heydoctor.Invalid, "시각 %q의 형식이 올바르지 않아요 (HHMM): %s", s, why)
}

// NormalizeHHMM returns the four-digit form of an HHMM time ("900" becomes "0900"), so
// importers store one spelling whatever the source's types were. It rejects what
// ParseHHMM rejects, including the empty string: an absent time is not a time.
func NormalizeHHMM(s string) (string, error) {
	m, err := ParseHHMM(s)
	if err != nil {
		return "", err
	}
	n := m/60*100 + m%60
	b := [4]byte{byte('0' + n/1000), byte('0' + n/100%10), byte('0' + n/10%10), byte('0' + n%10)}
	return string(b[:]), nil
}
