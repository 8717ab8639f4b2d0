package hours

import (
	"time"

	"heydoctor"
)

// Days are counted as Korean calendar days since 1970-01-01 (day 0). Working on plain
// integers instead of heydoctor.Date strings or time.Time keeps Week.At free of
// allocations: formatting a date allocates, integer arithmetic does not.

const (
	secondsPerDay = 86400
	kstOffset     = 9 * 60 * 60 // Korea has no daylight saving, see heydoctor.KST
)

// dayAndSecond splits t into its Korean day number and the seconds since that midnight.
func dayAndSecond(t time.Time) (day, sec int64) {
	s := t.Unix() + kstOffset
	day = s / secondsPerDay
	sec = s % secondsPerDay
	if sec < 0 {
		day--
		sec += secondsPerDay
	}
	return day, sec
}

// instant returns the time sec seconds after the Korean midnight starting day, in KST.
func instant(day, sec int64) time.Time {
	return time.Unix(day*secondsPerDay+sec-kstOffset, 0).In(heydoctor.KST)
}

// dayIndex returns the OpeningHours index (Monday 0 … Sunday 6) of a day number.
// Day 0 was a Thursday, index 3.
func dayIndex(day int64) int {
	i := (day + 3) % 7
	if i < 0 {
		i += 7
	}
	return int(i)
}

// daysFromCivil returns the day number of a proleptic Gregorian date
// (Howard Hinnant's days_from_civil).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func daysInMonth(y, m int64) int64 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// dayOf parses a YYYY-MM-DD date into its day number without allocating. It reports
// false for anything that is not a real calendar day.
func dayOf(d heydoctor.Date) (int64, bool) {
	s := string(d)
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	num := func(s string) (int64, bool) {
		var n int64
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int64(s[i]-'0')
		}
		return n, true
	}
	y, ok1 := num(s[0:4])
	m, ok2 := num(s[5:7])
	dd, ok3 := num(s[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || dd < 1 || dd > daysInMonth(y, m) {
		return 0, false
	}
	return daysFromCivil(y, m, dd), true
}

// dateOf formats a day number as a heydoctor.Date.
func dateOf(day int64) heydoctor.Date {
	y, m, d := civilFromDays(day)
	b := []byte("0000-00-00")
	b[0], b[1], b[2], b[3] = byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[5], b[6] = byte('0'+m/10), byte('0'+m%10)
	b[8], b[9] = byte('0'+d/10), byte('0'+d%10)
	return heydoctor.Date(b)
}
