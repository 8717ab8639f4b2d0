package hours

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"heydoctor"
)

// spanPool holds the shapes seen in real data: plain days, odd minutes, wrap-arounds,
// closes past 2400, 24 hours, and unusable days.
var spanPoolText = []string{
	"", "", "", "0900-1800", "0830-1730", "0910-1315", "1900-0100", "1800-0130", "0830-0030",
	"0900-2500", "1800-2430", "0900-2600", "0000-2400", "0900-0000", "2200-0600", "0900-0900", "0900-", "x-1800",
}

func randomHours(r *rand.Rand) heydoctor.OpeningHours {
	var h heydoctor.OpeningHours
	for i := range h.Day {
		s := spanPoolText[r.IntN(len(spanPoolText))]
		if s == "" {
			continue
		}
		open, closing, _ := strings.Cut(s, "-")
		h.Day[i] = heydoctor.Span{Open: open, Close: closing}
	}
	return h
}

// refSpan is an independent, slow reading of one day: time.Time arithmetic, Date
// strings and the public API only.
type refInterval struct {
	from, to time.Time
	unknown  bool
	open     bool
}

func refDay(h heydoctor.OpeningHours, cal *Calendar, ovs []heydoctor.Closure, d heydoctor.Date) refInterval {
	var s heydoctor.Span
	found := false
	for _, o := range ovs {
		if o.Date == d {
			s, found = o.Hours, true
			break
		}
	}
	if !found {
		if !refKnown(h) {
			return refInterval{unknown: true}
		}
		s = h.Day[heydoctor.DayIndex(d.Weekday())]
		if _, ok := cal.IsHoliday(d); ok {
			s = h.Day[heydoctor.Holiday]
		}
	}
	if strings.TrimSpace(s.Open) == "" && strings.TrimSpace(s.Close) == "" {
		return refInterval{} // blank counts as absent, like empty
	}
	o, err1 := ParseHHMM(s.Open)
	c, err2 := ParseHHMM(s.Close)
	if err1 != nil || err2 != nil || o >= 24*60 || o == c {
		return refInterval{unknown: true}
	}
	from := d.Time().Add(time.Duration(o) * time.Minute)
	to := d.Time().Add(time.Duration(c) * time.Minute)
	if c < o {
		to = to.AddDate(0, 0, 1)
	}
	if to.Sub(from) > 24*time.Hour {
		return refInterval{unknown: true}
	}
	return refInterval{from: from, to: to, open: true}
}

// refKnown is OpeningHours.Known with blank (spaces-only) days counted as absent.
func refKnown(h heydoctor.OpeningHours) bool {
	for _, s := range h.Day {
		if strings.TrimSpace(s.Open) != "" || strings.TrimSpace(s.Close) != "" {
			return true
		}
	}
	return false
}

func refState(h heydoctor.OpeningHours, cal *Calendar, ovs []heydoctor.Closure, t time.Time) State {
	d := heydoctor.DateOf(t)
	for _, day := range []heydoctor.Date{d.AddDays(-1), d} {
		if iv := refDay(h, cal, ovs, day); iv.open && !t.Before(iv.from) && t.Before(iv.to) {
			return Open
		}
	}
	if refDay(h, cal, ovs, d).unknown {
		return Unknown
	}
	return Closed
}

// instants returns test instants in days around year ends, month ends and holidays,
// half of them on or next to span boundaries and midnight.
func instants(r *rand.Rand, n int) []time.Time {
	days := []string{"2025-12-31", "2026-01-01", "2026-02-15", "2026-02-18", "2026-02-28", "2026-03-01", "2026-03-02",
		"2026-05-04", "2026-05-05", "2026-05-24", "2026-05-25", "2026-09-26", "2026-09-27", "2026-10-03", "2026-12-31",
		"2027-01-01", "2027-02-06", "2027-02-09", "2027-02-28", "2027-03-01", "2027-07-17", "2027-12-27", "2027-12-31", "2028-01-01"}
	var out []time.Time
	for range n {
		base := heydoctor.Date(days[r.IntN(len(days))]).Time().AddDate(0, 0, r.IntN(3)-1)
		var sec int
		switch r.IntN(4) {
		case 0:
			sec = r.IntN(86400)
		case 1: // around midnight
			sec = r.IntN(121) - 60
		default: // around a boundary of a pool span
			boundaries := []int{0, 30, 60, 360, 510, 540, 550, 795, 1050, 1080, 1110, 1140, 1150, 1320, 1440}
			sec = boundaries[r.IntN(len(boundaries))]*60 + []int{-61, -1, 0, 1, 59}[r.IntN(5)]
		}
		out = append(out, base.Add(time.Duration(sec)*time.Second))
	}
	return out
}

func TestAtMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 7))
	cal := NewCalendar()
	for i := range 400 {
		h := randomHours(r)
		var ovs []heydoctor.Closure
		if i%4 == 0 {
			ovs = []heydoctor.Closure{{Date: "2026-03-02"}, {Date: "2027-01-01", Hours: heydoctor.Span{Open: "2200", Close: "0200"}}, {Date: "2026-12-31", Hours: heydoctor.Span{Open: "1000", Close: "1200"}}}
		}
		w := Compile(h)
		for _, tm := range instants(r, 40) {
			got := w.At(tm, cal, ovs)
			if want := refState(h, cal, ovs, tm); got.State != want {
				t.Fatalf("hours %v overrides %v at %s: state %v, reference says %v", h, ovs, tm, got.State, want)
			}
			checkInvariants(t, w, h, cal, ovs, tm, got)
		}
	}
}

func checkInvariants(t *testing.T, w Week, h heydoctor.OpeningHours, cal *Calendar, ovs []heydoctor.Closure, tm time.Time, got Status) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("hours %v overrides %v at %s (%+v): "+format, append([]any{h, ovs, tm, got}, args...)...)
	}
	if !refKnown(h) && len(ovs) == 0 && got.State != Unknown {
		fail("unknown week is not unknown")
	}
	switch got.State {
	case Open:
		if !got.OpensAt.IsZero() {
			fail("open with OpensAt")
		}
		if got.ClosesAt.IsZero() {
			return // open through the horizon
		}
		if !got.ClosesAt.After(tm) || got.ClosesAt.Sub(tm) > (horizon+1)*24*time.Hour {
			fail("ClosesAt not after t within the horizon")
		}
		if s := w.At(got.ClosesAt.Add(-time.Second), cal, ovs); s.State != Open || !s.ClosesAt.Equal(got.ClosesAt) {
			fail("a second before ClosesAt: %+v", s)
		}
		if s := w.At(got.ClosesAt, cal, ovs); s.State == Open {
			fail("still open at ClosesAt")
		}
	case Closed:
		if !got.ClosesAt.IsZero() {
			fail("closed with ClosesAt")
		}
		if got.OpensAt.IsZero() {
			return
		}
		if !got.OpensAt.After(tm) || got.OpensAt.Sub(tm) > (horizon+1)*24*time.Hour {
			fail("OpensAt not after t within the horizon")
		}
		if s := w.At(got.OpensAt, cal, ovs); s.State != Open {
			fail("not open at OpensAt: %+v", s)
		}
		if s := w.At(got.OpensAt.Add(-time.Second), cal, ovs); s.State == Open {
			fail("already open a second before OpensAt")
		}
	default:
		if got != (Status{}) {
			fail("unknown with times")
		}
	}
}

func TestDayArithmetic(t *testing.T) {
	start := time.Date(1899, 12, 25, 0, 0, 0, 0, heydoctor.KST)
	for i := range 120000 { // into 2228, across every leap rule
		tm := start.AddDate(0, 0, i)
		d := heydoctor.DateOf(tm)
		day, ok := dayOf(d)
		if !ok {
			t.Fatalf("dayOf(%s) failed", d)
		}
		if got := dateOf(day); got != d {
			t.Fatalf("dateOf(dayOf(%s)) = %s", d, got)
		}
		if gotDay, sec := dayAndSecond(tm.Add(90 * time.Minute)); gotDay != day || sec != 5400 {
			t.Fatalf("dayAndSecond(%s) = %d, %d; want %d, 5400", tm, gotDay, sec, day)
		}
		if got, want := dayIndex(day), heydoctor.DayIndex(tm.Weekday()); got != want {
			t.Fatalf("dayIndex(%s) = %d, want %d", d, got, want)
		}
	}
	for _, bad := range []heydoctor.Date{"2026-02-29", "2026-00-10", "2026-1-01", "20260101", "2026-01-32", "", "abcd-ef-gh", "2026-04-31"} {
		if _, ok := dayOf(bad); ok {
			t.Errorf("dayOf(%q) accepted", bad)
		}
	}
}

func FuzzWeekAt(f *testing.F) {
	f.Add("0900-1800,0900-1800,0900-1800,0900-1800,0900-1800,,,", int64(1773014400), "2026-03-09", "")
	f.Add("1900-0130,,,,,,,1000-1400", int64(1777910400), "2026-05-05", "1300-1500")
	f.Add("0000-2400,0000-2400,0000-2400,0000-2400,0000-2400,0000-2400,0000-2400,0000-2400", int64(0), "", "")
	f.Add(",,,,,,,", int64(-62135596800), "2027-01-01", "0000-0000")
	f.Add("0900-2600,0830-0030,0900-0900,x-y,900-4800,2400-0100,,", int64(1798732800), "bad", "0900-")
	f.Fuzz(func(t *testing.T, week string, unix int64, ovDate, ovSpan string) {
		if len(week) > 400 || len(ovDate) > 40 || len(ovSpan) > 40 {
			return
		}
		var h heydoctor.OpeningHours
		for i, part := range strings.SplitN(week, ",", 8) {
			open, closing, _ := strings.Cut(part, "-")
			h.Day[i] = heydoctor.Span{Open: open, Close: closing}
		}
		// Keep to years time.Time and the calendar handle sensibly.
		unix = unix % (400 * 366 * 86400)
		tm := time.Unix(unix, 0)
		var ovs []heydoctor.Closure
		if ovDate != "" {
			open, closing, _ := strings.Cut(ovSpan, "-")
			ovs = []heydoctor.Closure{{Date: heydoctor.Date(ovDate), Hours: heydoctor.Span{Open: open, Close: closing}}}
		}
		cal := NewCalendar()
		w := Compile(h)
		got := w.At(tm, cal, ovs)
		if want := refState(h, cal, ovs, tm); got.State != want {
			t.Fatalf("state %v, reference says %v", got.State, want)
		}
		checkInvariants(t, w, h, cal, ovs, tm, got)
		_ = FormatSpan(h.Day[0])
	})
}
