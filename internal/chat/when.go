package chat

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"heydoctor"
)

// parseClock reads a time of day as people type it in a chat: "15:00", "15시", "오후 3시",
// "3시 반", "오후3시30분", "저녁 7시", "1530". It returns minutes after midnight. A bare
// hour from 1 to 6 without 오전/오후 is read as the afternoon, since clinics are closed at
// 1–6 in the morning.
func parseClock(s string) (int, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	s = strings.TrimSuffix(strings.TrimSuffix(s, "요"), "에")
	s = strings.TrimSuffix(s, "쯤")
	pm, am := false, false
	for _, p := range []string{"오후", "저녁", "밤", "pm", "PM"} {
		if strings.HasPrefix(s, p) {
			pm, s = true, strings.TrimPrefix(s, p)
		}
	}
	for _, p := range []string{"오전", "아침", "am", "AM"} {
		if strings.HasPrefix(s, p) {
			am, s = true, strings.TrimPrefix(s, p)
		}
	}
	if s == "정오" {
		return 12 * 60, true
	}
	var h, m int
	switch {
	case strings.Contains(s, ":"):
		hs, ms, _ := strings.Cut(s, ":")
		var ok1, ok2 bool
		h, ok1 = digits(hs)
		m, ok2 = digits(ms)
		if !ok1 || !ok2 || len(ms) != 2 {
			return 0, false
		}
	case strings.Contains(s, "시"):
		hs, rest, _ := strings.Cut(s, "시")
		var ok bool
		if h, ok = digits(hs); !ok {
			return 0, false
		}
		switch rest = strings.TrimSuffix(rest, "분"); rest {
		case "", "정각":
		case "반":
			m = 30
		default:
			if m, ok = digits(rest); !ok {
				return 0, false
			}
		}
	default:
		n, ok := digits(s)
		if !ok || len(s) != 4 {
			return 0, false
		}
		h, m = n/100, n%100
	}
	if m < 0 || m > 59 || h < 0 || h > 24 {
		return 0, false
	}
	switch {
	case pm && h < 12:
		h += 12
	case am && h == 12:
		h = 0
	case !pm && !am && h >= 1 && h <= 6:
		h += 12
	}
	if h >= 24 {
		return 0, false
	}
	return h*60 + m, true
}

func digits(s string) (int, bool) {
	if s == "" || len(s) > 4 {
		return 0, false
	}
	for _, r := range s {
		if r > unicode.MaxASCII || !unicode.IsDigit(r) {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// parseDay reads a day as people type it: "오늘", "내일", "모레", "3일", "12월 3일",
// "12/3", "목요일", "다음주 화요일". A date without a month is the next such day from
// today; a month and day already past this year is next year's.
func parseDay(s string, today heydoctor.Date) (heydoctor.Date, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	s = strings.TrimSuffix(strings.TrimSuffix(s, "요"), "에")
	switch s {
	case "오늘":
		return today, true
	case "내일":
		return today.AddDays(1), true
	case "모레", "내일모레":
		return today.AddDays(2), true
	}
	next := strings.HasPrefix(s, "다음주")
	wd := strings.TrimSuffix(strings.TrimPrefix(s, "다음주"), "요일")
	for i, name := range []string{"월", "화", "수", "목", "금", "토", "일"} {
		if wd != name {
			continue
		}
		todayIdx := heydoctor.DayIndex(today.Weekday())
		if next {
			return today.AddDays(7 - todayIdx + i), true // that day of next week (weeks start on Monday)
		}
		return today.AddDays((i - todayIdx + 7) % 7), true
	}
	t := today.Time()
	var month, day int
	var ok bool
	switch {
	case strings.Contains(s, "/"), strings.Contains(s, "월"):
		sep := "/"
		if strings.Contains(s, "월") {
			sep = "월"
		}
		ms, ds, _ := strings.Cut(s, sep)
		if sep == "월" && !strings.HasSuffix(ds, "일") {
			return "", false
		}
		m, ok1 := digits(ms)
		d, ok2 := digits(strings.TrimSuffix(ds, "일"))
		if !ok1 || !ok2 || m < 1 || m > 12 {
			return "", false
		}
		month, day = m, d
		if d, ok := calendarDay(t.Year(), month, day); ok && d >= today {
			return d, true
		}
		return calendarDay(t.Year()+1, month, day)
	case strings.HasSuffix(s, "일"):
		if day, ok = digits(strings.TrimSuffix(s, "일")); !ok {
			return "", false
		}
		if d, ok := calendarDay(t.Year(), int(t.Month()), day); ok && d >= today {
			return d, true
		}
		y, m := t.Year(), int(t.Month())+1
		if m == 13 {
			y, m = y+1, 1
		}
		return calendarDay(y, m, day)
	}
	return "", false
}

// calendarDay returns the date y-m-d when it exists (no 2월 30일).
func calendarDay(y, m, d int) (heydoctor.Date, bool) {
	if d < 1 || d > 31 {
		return "", false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, heydoctor.KST)
	if t.Day() != d {
		return "", false
	}
	return heydoctor.DateOf(t), true
}
