package hours

import (
	"fmt"
	"strings"
	"time"

	"heydoctor"
)

// ParseSpan reads one span as staff type it: "HHMM-HHMM", spaces allowed around either
// time. The "-" is required. It only splits: whether the times are valid is checked
// where the span is used, by booking, with the field the user filled in.
func ParseSpan(s string) (heydoctor.Span, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return heydoctor.Span{}, heydoctor.Errorf(heydoctor.Invalid, "시간은 0900-1200처럼 적어 주세요")
	}
	return heydoctor.Span{Open: strings.TrimSpace(a), Close: strings.TrimSpace(b)}, nil
}

// planWeek is the order FormatPlan writes the days in.
var planWeek = [...]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// FormatPlan writes a weekly working plan one weekday a line, Monday first, in the
// console's text format: "월 0900-1230, 1330-1800". Days without blocks are left out.
func FormatPlan(blocks []heydoctor.WorkBlock) string {
	var b strings.Builder
	for _, w := range planWeek {
		var spans []string
		for _, bl := range blocks {
			if bl.Weekday == w {
				spans = append(spans, bl.Start+"-"+bl.End)
			}
		}
		if len(spans) > 0 {
			fmt.Fprintf(&b, "%s %s\n", DayName(heydoctor.DayIndex(w)), strings.Join(spans, ", "))
		}
	}
	return b.String()
}

// ParsePlan reads the format FormatPlan writes: a weekday name (월 … 일), a space and
// spans separated by commas; blank lines are skipped. Like ParseSpan it does not judge
// the times. Errors are Invalid on the field "plan" and name the line.
func ParsePlan(text string) ([]heydoctor.WorkBlock, error) {
	var blocks []heydoctor.WorkBlock
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		day, rest, _ := strings.Cut(line, " ")
		w, ok := planWeekday(strings.TrimSpace(day))
		if !ok {
			return nil, heydoctor.FieldError("plan", "%d번째 줄: 요일(월~일)로 시작해야 해요", i+1)
		}
		for span := range strings.SplitSeq(rest, ",") {
			sp, err := ParseSpan(span)
			if err != nil {
				return nil, heydoctor.FieldError("plan", "%d번째 줄: %s", i+1, heydoctor.MessageOf(err))
			}
			blocks = append(blocks, heydoctor.WorkBlock{Weekday: w, Start: sp.Open, End: sp.Close})
		}
	}
	return blocks, nil
}

// planWeekday returns the weekday of a short Korean day name; 공휴일 is no weekday.
func planWeekday(name string) (time.Weekday, bool) {
	for _, w := range planWeek {
		if DayName(heydoctor.DayIndex(w)) == name {
			return w, true
		}
	}
	return 0, false
}
