package hours

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"heydoctor"
)

// at parses "2006-01-02 15:04:05" (or without seconds) in KST.
func at(tb testing.TB, s string) time.Time {
	tb.Helper()
	layout := "2006-01-02 15:04"
	if len(s) == len("2006-01-02 15:04:05") {
		layout = time.DateTime
	}
	t, err := time.ParseInLocation(layout, s, heydoctor.KST)
	if err != nil {
		tb.Fatalf("bad test time %q: %v", s, err)
	}
	return t
}

// hoursOf builds OpeningHours from "open-close" strings, Monday first, index 7 for
// holidays; "" leaves a day unpublished.
func hoursOf(tb testing.TB, days ...string) heydoctor.OpeningHours {
	tb.Helper()
	var h heydoctor.OpeningHours
	if len(days) > 8 {
		tb.Fatalf("hoursOf: %d days", len(days))
	}
	for i, d := range days {
		if d == "" {
			continue
		}
		open, closing, ok := cutDash(d)
		if !ok {
			tb.Fatalf("hoursOf: bad day %q", d)
		}
		h.Day[i] = heydoctor.Span{Open: open, Close: closing}
	}
	return h
}

func cutDash(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '-' {
			return s[:i], s[i+1:], true
		}
	}
	return "", "", false
}

func every(span string) []string {
	return []string{span, span, span, span, span, span, span}
}

type statusText struct {
	State    string
	ClosesAt string
	OpensAt  string
}

func textOf(s Status) statusText {
	f := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		if t.Location() != heydoctor.KST {
			return "not KST: " + t.String()
		}
		return t.Format("2006-01-02 15:04:05")
	}
	return statusText{State: s.State.String(), ClosesAt: f(s.ClosesAt), OpensAt: f(s.OpensAt)}
}

func TestWeekAt(t *testing.T) {
	weekdays := []string{"0900-1800", "0900-1800", "0900-1800", "0900-1800", "0900-1800"}
	cal := NewCalendar()
	tests := []struct {
		name      string
		days      []string
		overrides []heydoctor.Closure
		noCal     bool
		at        string
		want      statusText
	}{
		// 2026-03-09 is a Monday; that week has no holiday.
		{"open on a weekday", weekdays, nil, false, "2026-03-09 10:00",
			statusText{"open", "2026-03-09 18:00:00", ""}},
		{"one second before opening", weekdays, nil, false, "2026-03-09 08:59:59",
			statusText{"closed", "", "2026-03-09 09:00:00"}},
		{"at opening", weekdays, nil, false, "2026-03-09 09:00:00",
			statusText{"open", "2026-03-09 18:00:00", ""}},
		{"one second before closing", weekdays, nil, false, "2026-03-09 17:59:59",
			statusText{"open", "2026-03-09 18:00:00", ""}},
		{"at closing", weekdays, nil, false, "2026-03-09 18:00",
			statusText{"closed", "", "2026-03-10 09:00:00"}},
		{"unpublished saturday is closed", weekdays, nil, false, "2026-03-14 10:00",
			statusText{"closed", "", "2026-03-16 09:00:00"}},
		{"friday night opens monday", weekdays, nil, false, "2026-03-13 23:59",
			statusText{"closed", "", "2026-03-16 09:00:00"}},
		{"no published day is unknown", nil, nil, false, "2026-03-09 10:00",
			statusText{"unknown", "", ""}},
		{"wrap-around still open after midnight", []string{"1900-0130"}, nil, false, "2026-03-10 00:30",
			statusText{"open", "2026-03-10 01:30:00", ""}},
		{"wrap-around closed at its end", []string{"1900-0130"}, nil, false, "2026-03-10 01:30",
			statusText{"closed", "", "2026-03-16 19:00:00"}},
		{"wrap-around open in the evening", []string{"1900-0130"}, nil, false, "2026-03-09 23:00",
			statusText{"open", "2026-03-10 01:30:00", ""}},
		{"close 2500 means 01:00 next day", []string{"0900-2500"}, nil, false, "2026-03-10 00:59",
			statusText{"open", "2026-03-10 01:00:00", ""}},
		{"close 2430", []string{"1800-2430"}, nil, false, "2026-03-10 00:10",
			statusText{"open", "2026-03-10 00:30:00", ""}},
		{"close 0000 means midnight", []string{"0900-0000"}, nil, false, "2026-03-09 23:59",
			statusText{"open", "2026-03-10 00:00:00", ""}},
		{"24 hours every day never closes", every("0000-2400"), nil, false, "2026-03-11 12:00",
			statusText{"open", "", ""}},
		{"24 hours weekdays close friday midnight", append(append([]string{}, every("0000-2400")[:5]...), "", "", ""), nil, false, "2026-03-11 12:00",
			statusText{"open", "2026-03-14 00:00:00", ""}},
		{"evening spans chain through the night", []string{"1800-0200", "0100-1200"}, nil, false, "2026-03-09 20:00",
			statusText{"open", "2026-03-10 12:00:00", ""}},
		{"0000-0000 is unknown", every("0000-0000"), nil, false, "2026-03-09 12:00",
			statusText{"unknown", "", ""}},
		{"open equals close is unknown", []string{"0900-0900", "0900-1800"}, nil, false, "2026-03-09 12:00",
			statusText{"unknown", "", ""}},
		{"half-filled day is unknown", []string{"0900-", "0900-1800"}, nil, false, "2026-03-09 12:00",
			statusText{"unknown", "", ""}},
		{"garbage day is unknown", []string{"ab-cd", "0900-1800"}, nil, false, "2026-03-09 12:00",
			statusText{"unknown", "", ""}},
		{"longer than 24 hours is unknown", []string{"0100-2600", "0900-1800"}, nil, false, "2026-03-09 12:00",
			statusText{"unknown", "", ""}},
		{"closed search stops at an unknown day", []string{"0900-1800", "0900-0900", "0900-1800"}, nil, false, "2026-03-09 19:00",
			statusText{"closed", "", ""}},
		{"chain stops at an unknown day", []string{"0000-2400", "0900-0900"}, nil, false, "2026-03-09 12:00",
			statusText{"open", "2026-03-10 00:00:00", ""}},
		// 2026-05-05 (Tue) is 어린이날.
		{"holiday without holiday hours is closed", weekdays, nil, false, "2026-05-05 10:00",
			statusText{"closed", "", "2026-05-06 09:00:00"}},
		{"without a calendar a holiday is a weekday", weekdays, nil, true, "2026-05-05 10:00",
			statusText{"open", "2026-05-05 18:00:00", ""}},
		{"holiday hours replace the weekday", append(append([]string{}, weekdays...), "", "", "1000-1400"), nil, false, "2026-05-05 13:00",
			statusText{"open", "2026-05-05 14:00:00", ""}},
		{"holiday hours spill into the next day", append(append([]string{}, weekdays...), "", "", "1800-0200"), nil, false, "2026-05-06 01:00",
			statusText{"open", "2026-05-06 02:00:00", ""}},
		{"monday spill into a holiday tuesday", []string{"1900-0130", "0900-1800"}, nil, false, "2026-05-05 01:00",
			statusText{"open", "2026-05-05 01:30:00", ""}},
		{"closed before a holiday opens after it", weekdays, nil, false, "2026-05-04 19:00",
			statusText{"closed", "", "2026-05-06 09:00:00"}},
		// 2026-03-01 is a Sunday 삼일절 and 2026-03-02 its 대체공휴일.
		{"holiday on a sunday overrides sunday hours", []string{"0900-1800", "", "", "", "", "", "1000-1400"}, nil, false, "2026-03-01 11:00",
			statusText{"closed", "", "2026-03-08 10:00:00"}},
		{"substitute holiday monday is closed", weekdays, nil, false, "2026-03-02 10:00",
			statusText{"closed", "", "2026-03-03 09:00:00"}},
		// Year end: 2026-12-31 is a Thursday, 2027-01-01 (Friday) a holiday.
		{"new year's eve night shift runs into the holiday", append(every("1900-0100")[:5], "", "", ""), nil, false, "2027-01-01 00:30",
			statusText{"open", "2027-01-01 01:00:00", ""}},
		{"new year's day closed opens monday", append(every("1900-0100")[:5], "", "", ""), nil, false, "2027-01-01 10:00",
			statusText{"closed", "", "2027-01-04 19:00:00"}},
		// Overrides.
		{"closure closes the day", weekdays, []heydoctor.Closure{{Date: "2026-03-09"}}, false, "2026-03-09 10:00",
			statusText{"closed", "", "2026-03-10 09:00:00"}},
		{"closure with other hours, before", weekdays, []heydoctor.Closure{{Date: "2026-03-09", Hours: heydoctor.Span{Open: "1300", Close: "1500"}}}, false, "2026-03-09 10:00",
			statusText{"closed", "", "2026-03-09 13:00:00"}},
		{"closure with other hours, during", weekdays, []heydoctor.Closure{{Date: "2026-03-09", Hours: heydoctor.Span{Open: "1300", Close: "1500"}}}, false, "2026-03-09 14:00",
			statusText{"open", "2026-03-09 15:00:00", ""}},
		{"closure opens a holiday", weekdays, []heydoctor.Closure{{Date: "2026-05-05", Hours: heydoctor.Span{Open: "0900", Close: "1200"}}}, false, "2026-05-05 10:00",
			statusText{"open", "2026-05-05 12:00:00", ""}},
		{"closure on a later day moves the next opening", weekdays, []heydoctor.Closure{{Date: "2026-03-10"}}, false, "2026-03-09 19:00",
			statusText{"closed", "", "2026-03-11 09:00:00"}},
		{"first closure for a date wins", weekdays, []heydoctor.Closure{{Date: "2026-03-09"}, {Date: "2026-03-09", Hours: heydoctor.Span{Open: "0900", Close: "1800"}}}, false, "2026-03-09 10:00",
			statusText{"closed", "", "2026-03-10 09:00:00"}},
		{"closure with a bad date is ignored", weekdays, []heydoctor.Closure{{Date: "2026-02-30"}, {Date: "garbage"}}, false, "2026-03-09 10:00",
			statusText{"open", "2026-03-09 18:00:00", ""}},
		{"closure with bad hours makes the day unknown", weekdays, []heydoctor.Closure{{Date: "2026-03-09", Hours: heydoctor.Span{Open: "0900"}}}, false, "2026-03-09 10:00",
			statusText{"unknown", "", ""}},
		{"closure opens a day of an unknown week", nil, []heydoctor.Closure{{Date: "2026-03-09", Hours: heydoctor.Span{Open: "0900", Close: "1200"}}}, false, "2026-03-09 10:00",
			statusText{"open", "2026-03-09 12:00:00", ""}},
		{"other days of an unknown week stay unknown", nil, []heydoctor.Closure{{Date: "2026-03-09"}}, false, "2026-03-10 10:00",
			statusText{"unknown", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := Compile(hoursOf(t, tt.days...))
			c := cal
			if tt.noCal {
				c = nil
			}
			got := textOf(w.At(at(t, tt.at), c, tt.overrides))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("At(%s) mismatch (-want +got):\n%s", tt.at, diff)
			}
		})
	}
}

func TestWeekAtAnyZone(t *testing.T) {
	w := Compile(hoursOf(t, "1900-0130", "0900-1800"))
	cal := NewCalendar()
	base := at(t, "2026-03-10 00:30")
	zones := []*time.Location{time.UTC, time.FixedZone("PST", -8*3600), time.FixedZone("NPT", 5*3600+45*60), heydoctor.KST}
	want := textOf(w.At(base, cal, nil))
	for _, z := range zones {
		t.Run(z.String(), func(t *testing.T) {
			got := textOf(w.At(base.In(z), cal, nil))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("At in %s mismatch (-want +got):\n%s", z, diff)
			}
		})
	}
}

func TestZeroWeekIsUnknown(t *testing.T) {
	var w Week
	for _, s := range []string{"2026-03-09 10:00", "1970-01-01 00:00", "0001-01-01 00:00"} {
		if got := w.At(at(t, s), NewCalendar(), nil); got != (Status{}) {
			t.Errorf("zero Week At(%s) = %+v, want zero Status", s, got)
		}
	}
	if got := Compile(heydoctor.OpeningHours{}); got != (Week{}) || got.Known() {
		t.Errorf("Compile(empty) = %+v, want the zero Week", got)
	}
}

func TestAtDoesNotAllocate(t *testing.T) {
	w := Compile(hoursOf(t, "0900-1800", "0900-1800", "1900-0130", "0000-2400", "0900-2500", "", "", "1000-1400"))
	cal := NewCalendar()
	times := []time.Time{at(t, "2026-03-09 10:00"), at(t, "2026-03-09 20:00"), at(t, "2026-03-12 00:30"), at(t, "2026-05-05 12:00"), at(t, "2026-03-14 12:00")}
	allocs := testing.AllocsPerRun(100, func() {
		for _, tm := range times {
			_ = w.At(tm, cal, nil)
		}
	})
	if allocs != 0 {
		t.Errorf("At allocates %v times per run, want 0", allocs)
	}
}

// TestAtBefore1970 is the fuzzer's find: instants before 1970 have negative absolute
// seconds, which At once mistook for "not open" and so reported an opening time at which
// it then said closed.
func TestAtBefore1970(t *testing.T) {
	var h heydoctor.OpeningHours
	h.Day[0] = heydoctor.Span{Open: "1", Close: "0"} // Monday 00:01 to midnight
	w := Compile(h)
	for _, tm := range []time.Time{
		time.Date(1604, 5, 3, 0, 1, 0, 0, heydoctor.KST),
		time.Date(1969, 12, 29, 12, 0, 0, 0, heydoctor.KST),
		time.Date(2026, 11, 30, 0, 1, 0, 0, heydoctor.KST),
	} {
		if got := w.At(tm, NewCalendar(), nil); got.State != Open {
			t.Errorf("At(%s) = %+v, want open", tm, got)
		}
	}
}
