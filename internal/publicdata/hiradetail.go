package publicdata

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"heydoctor"
)

// hiraDetailDays are the weekday field pairs of HIRA's 세부정보 table and getDtlInfo,
// Monday to Sunday.
var hiraDetailDays = [7][2]string{
	{"trmtMonStart", "trmtMonEnd"}, {"trmtTueStart", "trmtTueEnd"}, {"trmtWedStart", "trmtWedEnd"},
	{"trmtThuStart", "trmtThuEnd"}, {"trmtFriStart", "trmtFriEnd"}, {"trmtSatStart", "trmtSatEnd"},
	{"trmtSunStart", "trmtSunEnd"},
}

// hiraTime reads one HIRA opening time: a number such as 900 or 1830 (Excel drops the
// leading zero) or a string "0900". One or two digits ("8", "93") say neither an hour nor
// HHMM for sure, so they are refused rather than guessed.
func hiraTime(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if allDigits(s) && len(s) < 3 && s != "0" {
		return "", fmt.Errorf("%q is not HHMM", s)
	}
	return normHHMM(s)
}

// hiraDetail builds the partial institution a 세부정보 row describes: weekly hours with
// lunch breaks, Sunday and holiday closures read from 휴진안내, and whether it says it
// runs an emergency room. It carries only those fields; the store decides whether the
// emergency room counts from the institution's class.
func hiraDetail(f fields) (heydoctor.Institution, error) {
	in := heydoctor.Institution{Source: "hira", YKIHO: f["ykiho"], Carries: heydoctor.FieldHours | heydoctor.FieldER}
	if in.YKIHO == "" {
		return in, errors.New("ykiho: missing")
	}
	if len(in.YKIHO) > 256 || strings.ContainsAny(in.YKIHO, " \t\r\n") {
		return in, errors.New("ykiho: not a HIRA id")
	}
	var h heydoctor.OpeningHours
	published := false
	for i, n := range hiraDetailDays {
		open, err := hiraTime(f[n[0]])
		if err != nil {
			return in, fmt.Errorf("%s: %w", n[0], err)
		}
		closing, err := hiraTime(f[n[1]])
		if err != nil {
			return in, fmt.Errorf("%s: %w", n[1], err)
		}
		h.Day[i] = heydoctor.Span{Open: open, Close: closing}
		published = published || open != "" || closing != ""
	}
	// Without any published day the week stays unknown: a note about Sundays alone
	// must not make every weekday look closed.
	if published {
		if h.Day[6].IsZero() {
			h.Day[6] = closureNote(f["noTrmtSun"])
		}
		h.Day[heydoctor.Holiday] = closureNote(f["noTrmtHoli"])
		if l, ok := parseLunch(f["lunchWeek"]); ok {
			for d := range 5 {
				if !h.Day[d].IsZero() {
					h.Lunch[d] = l
				}
			}
		}
		if l, ok := parseLunch(f["lunchSat"]); ok && !h.Day[5].IsZero() {
			h.Lunch[5] = l
		}
		in.Hours = h
	}
	in.ER = f["emyDayYn"] == "Y" || f["emyNgtYn"] == "Y"
	if in.ER {
		in.ERPhone = phone(f.first("emyDayTelNo1", "emyNgtTelNo1", "emyDayTelNo2", "emyNgtTelNo2"))
	}
	return in, nil
}

// foldNote drops spaces, quotes and punctuation and lowers Latin letters, so that
// "전부  휴진.", "'전부휴진'" and "전부휴진" read the same.
func foldNote(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), strings.ContainsRune(`'"‘’“”.,!`, r):
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// closedNotes are the 휴진안내 texts that say "closed the whole day", folded. They are
// listed rather than matched by a pattern: "일부 휴진", "오후 1시 이후 휴진" and "매월
// 마지막주 일요일 휴진" also contain 휴진 and mean something else.
var closedNotes = func() map[string]bool {
	m := make(map[string]bool)
	for _, pre := range []string{"", "매주", "일요일", "일요일은", "매주일요일", "공휴일", "법정공휴일", "공휴일은", "외래", "외래진료"} {
		for _, all := range []string{"", "전부", "종일", "전일", "전체", "모두"} {
			for _, word := range []string{"휴진", "휴무", "휴뮤", "휴일", "휴진진", "진료없음", "진료안함"} {
				for _, post := range []string{"", "입니다", "합니다", "(응급실운영)", "(응급실은24시간운영)", "응급실24시간진료"} {
					m[pre+all+word+post] = true
				}
			}
		}
	}
	m["전뷰휴진"] = true
	return m
}()

// closureNote reads HIRA's free-text 휴진안내 for a day without published hours. A
// closing phrase is a closed day; a time range ("09:00~13:00", "09시~13시") is that
// opening; anything else ("진료", "오후 1시 이후", "예약진료") tells that the day differs
// without saying how, so the day is unknown. An empty note is a closed day: HIRA lists
// the days an institution works.
func closureNote(s string) heydoctor.Span {
	n := foldNote(s)
	switch {
	case n == "":
		return heydoctor.Span{}
	case closedNotes[n]:
		return heydoctor.Span{}
	}
	if sp, ok := parseTimeRange(s, false); ok {
		return sp
	}
	return heydoctor.Span{Unknown: true}
}

// noLunchNotes say there is no lunch break.
var noLunchNotes = map[string]bool{"없음": true, "점심시간없음": true, "점심시간없이진료": true, "없이진료": true, "무": true, "점심시간없습니다": true, "-": true}

// parseLunch reads HIRA's free-text 점심시간 ("12:30 - 14:00", "13시~14시", "1시~2시",
// "오후1시-오후2시", "점심시간 없음"). ok is false when there is no lunch break or the
// text does not say one clearly: a lunch break is never guessed.
func parseLunch(s string) (heydoctor.Span, bool) {
	if noLunchNotes[foldNote(s)] {
		return heydoctor.Span{}, false
	}
	sp, ok := parseTimeRange(s, true)
	if !ok {
		return heydoctor.Span{}, false
	}
	o, c := hhmmMinutes(sp.Open), hhmmMinutes(sp.Close)
	// A lunch break sits around midday and lasts at most three hours.
	if o < 10*60 || c > 17*60 || c-o > 180 {
		return heydoctor.Span{}, false
	}
	return sp, true
}

func hhmmMinutes(s string) int {
	return int(s[0]-'0')*600 + int(s[1]-'0')*60 + int(s[2]-'0')*10 + int(s[3]-'0')
}

// parseTimeRange reads "H[:MM] ~ H[:MM]" in the spellings HIRA's free text uses: 시/분,
// colons or semicolons, 오전/오후 or am/pm, "부터 … 까지", or four digits ("1300-1400").
// midday reads a bare hour from 1 to 7 as afternoon ("1시~2시" is 13:00 to 14:00), as a
// lunch break means; otherwise a closing hour before the opening one is read as
// afternoon ("9:30~1:00"). The whole text must be the range.
func parseTimeRange(s string, midday bool) (heydoctor.Span, bool) {
	t := rangeSpelling.Replace(strings.ToLower(s))
	t = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, t)
	if len(t) > 64 {
		return heydoctor.Span{}, false
	}
	first, rest, ok := parseClock(t)
	if !ok {
		return heydoctor.Span{}, false
	}
	if r, cut := strings.CutPrefix(rest, "~"); cut {
		rest = r
	} else if r, cut := strings.CutPrefix(rest, "-"); cut {
		rest = r
	} else if rest == "" || !(first.unit && rest[0] >= '0' && rest[0] <= '9' || strings.HasPrefix(rest, "오후") || strings.HasPrefix(rest, "pm")) {
		return heydoctor.Span{}, false
	}
	second, rest, ok := parseClock(rest)
	if !ok || rest != "" {
		return heydoctor.Span{}, false
	}
	// "13-14시": the unit written once applies to both.
	oh, om := first.hour(midday), first.min
	ch, cm := second.hour(midday), second.min
	if !midday && !second.am && !second.pm && ch < oh && ch < 12 {
		ch += 12
	}
	if oh > 23 || ch > 24 || om > 59 || cm > 59 || ch*60+cm <= oh*60+om || ch == 24 && cm > 0 {
		return heydoctor.Span{}, false
	}
	return heydoctor.Span{Open: fmt.Sprintf("%02d%02d", oh, om), Close: fmt.Sprintf("%02d%02d", ch, cm)}, true
}

var rangeSpelling = strings.NewReplacer("점심시간", "", "부터", "~", "까지", "", ";", ":", "〜", "~", "∼", "~", "–", "-", "—", "-", "--", "-")

type clock struct {
	h, min   int
	am, pm   bool
	unit     bool // written with 시, 분 or a colon
	fourDigs bool
}

func (c clock) hour(midday bool) int {
	switch {
	case c.pm && c.h < 12:
		return c.h + 12
	case c.am || c.fourDigs:
		return c.h
	case midday && c.h >= 1 && c.h <= 7:
		return c.h + 12
	}
	return c.h
}

// parseClock reads one time at the start of s and returns the rest.
func parseClock(s string) (clock, string, bool) {
	var c clock
	for _, p := range []struct {
		prefix string
		pm     bool
	}{{"오전", false}, {"am", false}, {"오후", true}, {"pm", true}} {
		if r, ok := strings.CutPrefix(s, p.prefix); ok {
			s, c.am, c.pm = r, !p.pm, p.pm
			break
		}
	}
	digits := func() (int, int) {
		n, v := 0, 0
		for n < len(s) && n < 4 && s[n] >= '0' && s[n] <= '9' {
			v = v*10 + int(s[n]-'0')
			n++
		}
		return v, n
	}
	v, n := digits()
	switch n {
	case 1, 2:
		c.h = v
		s = s[n:]
	case 4:
		c.h, c.min, c.fourDigs = v/100, v%100, true
		return c, s[n:], true
	default:
		return c, s, false
	}
	switch {
	case strings.HasPrefix(s, "시:"):
		s, c.unit = s[len("시:"):], true
	case strings.HasPrefix(s, "시"):
		s, c.unit = s[len("시"):], true
	case strings.HasPrefix(s, ":"):
		s, c.unit = s[1:], true
	default:
		return c, s, true
	}
	if m, k := digits(); k == 1 || k == 2 {
		rest := s[k:]
		// "13시14시" is two hours, not 13:14.
		if !strings.HasPrefix(rest, "시") {
			c.min = m
			s = rest
			s, _ = strings.CutPrefix(s, "분")
		}
	} else if k > 2 {
		return c, s, false
	}
	return c, s, true
}
