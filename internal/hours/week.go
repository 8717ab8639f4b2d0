package hours

import (
	"strings"
	"time"

	"heydoctor"
)

// State is whether a place is open at an instant. The zero value is Unknown, so a
// Status that was never filled in never shows a place as open by accident.
type State uint8

// States.
const (
	Unknown State = iota // no usable hours: show "정보 없음", never "closed"
	Open
	Closed
)

func (s State) String() string {
	switch s {
	case Open:
		return "open"
	case Closed:
		return "closed"
	default:
		return "unknown"
	}
}

// Status is the answer for one instant. ClosesAt is set when Open: the real instant the
// place closes, merging spans that touch (a place open 24 hours every day has a zero
// ClosesAt, meaning no closing within the next 8 days). OpensAt is set when Closed and
// the place opens again within the next 8 days; it is zero when that is not known.
// Both are in heydoctor.KST.
type Status struct {
	State    State
	ClosesAt time.Time
	OpensAt  time.Time
}

type spanKind uint8

const (
	spanClosed  spanKind = iota // nothing published for the day: closed when the week is known
	spanUnknown                 // published but unusable: half-filled, unparseable, open == close
	spanOpen
)

// span is a compiled day: minutes after that day's midnight. close may exceed 1440 for
// hours that run past midnight; close-open is at most 1440.
type span struct {
	open, close int16
	kind        spanKind
}

// Week is the compiled form of heydoctor.OpeningHours: a small value without pointers,
// so an index can store one per institution and evaluate it without allocating. The
// zero Week is unknown at every instant.
//
// Compile reads each day's Span as follows:
//   - open = ParseHHMM(Open), close = ParseHHMM(Close); open must be before 2400.
//   - close ≥ 2400 means the next day at close−2400; close < open wraps to the next day
//     (1900→0100 is 19:00 to 01:00); "0000"→"2400" is 24 hours.
//   - Blank (empty or spaces-only) Open and Close mean no hours for the day.
//   - A Span marked Unknown is an unknown day whatever its times.
//   - close == open (including "0000"→"0000"), one side missing or unparseable, or a
//     span longer than 24 hours makes that day unknown.
//   - A week with no published day at all (blank days count as unpublished) is unknown
//     at every instant, never closed.
//   - In a week with some days published, a day without hours is closed: NMC publishes
//     only the days a place opens.
//   - On a public holiday the holiday span (index 7) replaces the weekday's; without one
//     the place is closed that day (NMC's 공휴일 휴진 reading, as doctor24 and most apps
//     do), because showing weekday hours on 설날 would send patients to shut doors.
//   - Hours that run past midnight belong to the day they started on: at Tuesday 00:30 a
//     Monday 1900→0130 span (or Monday's holiday span) is still open, whatever Tuesday is.
//   - A lunch break (OpeningHours.Lunch) lying inside its day's span closes the place
//     for its duration on that day; one that does not fit is ignored. A staff override
//     of the day replaces the lunch break too.
type Week struct {
	day   [8]span
	lunch [8]span
	known bool
}

// Compile turns published hours into a Week. It never fails: unusable days become
// unknown days, as described on Week.
func Compile(h heydoctor.OpeningHours) Week {
	var w Week
	for i, s := range h.Day {
		w.day[i] = compileSpan(s)
		if w.day[i].kind != spanClosed {
			w.known = true
		}
		if l := compileSpan(h.Lunch[i]); l.kind == spanOpen && w.day[i].kind == spanOpen &&
			w.day[i].open < l.open && l.close < w.day[i].close {
			w.lunch[i] = l
		}
	}
	return w
}

func compileSpan(s heydoctor.Span) span {
	if s.Unknown {
		return span{kind: spanUnknown}
	}
	if strings.TrimSpace(s.Open) == "" && strings.TrimSpace(s.Close) == "" {
		return span{kind: spanClosed}
	}
	open, p1 := parseHHMM(s.Open)
	closing, p2 := parseHHMM(s.Close)
	if p1 != hhmmOK || p2 != hhmmOK || open >= 1440 || closing == open {
		return span{kind: spanUnknown}
	}
	if closing < open {
		closing += 1440
	}
	if closing-open > 1440 {
		return span{kind: spanUnknown}
	}
	return span{open: int16(open), close: int16(closing), kind: spanOpen}
}

// Known reports whether any day has published hours; an unknown week is never open.
func (w Week) Known() bool { return w.known }

// evaluator resolves the effective span of a day: override, then holiday, then weekday.
type evaluator struct {
	w   *Week
	hs  *holidaySet
	ovs []heydoctor.Closure
	// ovDays caches the parsed dates of the first len(ovDays) overrides (a day no instant has when the date is invalid),
	// so each day lookup does not parse every date again.
	ovDays  [8]int64
	nParsed int
}

func (e *evaluator) parseOverrides() {
	e.nParsed = min(len(e.ovs), len(e.ovDays))
	for i := range e.nParsed {
		if d, ok := dayOf(e.ovs[i].Date); ok {
			e.ovDays[i] = d
		} else {
			e.ovDays[i] = -1 << 62
		}
	}
}

// override returns the first staff override for day, if any.
func (e *evaluator) override(day int64) (*heydoctor.Closure, bool) {
	for i := range e.ovs {
		var d int64
		ok := true
		if i < e.nParsed {
			d = e.ovDays[i]
		} else {
			d, ok = dayOf(e.ovs[i].Date)
		}
		if ok && d == day {
			return &e.ovs[i], true
		}
	}
	return nil, false
}

func (e *evaluator) span(day int64) span {
	if ov, ok := e.override(day); ok {
		return compileSpan(ov.Hours) // zero Hours compile to closed
	}
	if !e.w.known {
		return span{kind: spanUnknown}
	}
	if e.hs.has(day) {
		return e.w.day[heydoctor.Holiday]
	}
	return e.w.day[dayIndex(day)]
}

// horizon is how many days ahead At looks for the next opening or closing.
const horizon = 8

// At returns the state at t, computed in Korean time whatever t's zone. cal may be nil
// (no holidays). overrides are per-day closures for this institution: the first one
// for a date wins; a zero Hours closes the whole day, other Hours replace that day's
// span (past-midnight rules apply). Overrides are staff-entered and so apply even to an
// unknown week. Dates that do not parse are ignored. With no overrides At does not
// allocate.
//
// A place is Unknown at t when the day's effective span is unknown; a previous day that
// is unknown is not assumed to spill past midnight.
func (w Week) At(t time.Time, cal *Calendar, overrides []heydoctor.Closure) Status {
	if !w.known && len(overrides) == 0 {
		return Status{}
	}
	e := evaluator{w: &w, ovs: overrides}
	e.parseOverrides()
	if cal != nil {
		e.hs = cal.snap.Load()
	}
	day, sec := dayAndSecond(t)
	st := e.at(day, sec)
	// Today's lunch break: closed during it, and an opening that reaches it closes at
	// its start. Only today's span carries a lunch break, so ClosesAt stays consistent.
	if l := e.lunch(day); l.kind == spanOpen {
		lo, lc := day*secondsPerDay+int64(l.open)*60, day*secondsPerDay+int64(l.close)*60
		now := day*secondsPerDay + sec
		switch {
		case st.State == Open && lo <= now && now < lc:
			return Status{State: Closed, OpensAt: instant(0, lc)}
		case st.State == Open && now < lo && (st.ClosesAt.IsZero() || st.ClosesAt.After(instant(0, lo))):
			return Status{State: Open, ClosesAt: instant(0, lo)}
		}
	}
	return st
}

// lunch returns the lunch break of a day: none when a staff override replaces the day.
func (e *evaluator) lunch(day int64) span {
	if !e.w.known {
		return span{}
	}
	if _, ok := e.override(day); ok {
		return span{}
	}
	if e.hs.has(day) {
		return e.w.lunch[heydoctor.Holiday]
	}
	return e.w.lunch[dayIndex(day)]
}

func (e *evaluator) at(day, sec int64) Status {
	now := day*secondsPerDay + sec

	yesterday, today := e.span(day-1), e.span(day)
	// end is the absolute closing second while open. Absolute seconds are negative before
	// 1970, so "open" is its own flag rather than a sentinel value of end.
	var end int64
	open := false
	if yesterday.kind == spanOpen {
		if c := (day-1)*secondsPerDay + int64(yesterday.close)*60; now < c {
			end, open = c, true
		}
	}
	if today.kind == spanOpen {
		o, c := day*secondsPerDay+int64(today.open)*60, day*secondsPerDay+int64(today.close)*60
		if o <= now && now < c && (!open || c > end) {
			end, open = c, true
		}
	}
	if open {
		for k := day; k <= day+horizon; k++ {
			if k*secondsPerDay > end {
				return Status{State: Open, ClosesAt: instant(0, end)}
			}
			s := today
			if k != day {
				s = e.span(k)
			}
			switch s.kind {
			case spanUnknown:
				return Status{State: Open, ClosesAt: instant(0, end)}
			case spanOpen:
				o, c := k*secondsPerDay+int64(s.open)*60, k*secondsPerDay+int64(s.close)*60
				if o <= end && c > end {
					end = c
				}
			}
		}
		return Status{State: Open}
	}

	if today.kind == spanUnknown {
		return Status{}
	}
	if today.kind == spanOpen && sec < int64(today.open)*60 {
		return Status{State: Closed, OpensAt: instant(day, int64(today.open)*60)}
	}
	for k := day + 1; k <= day+horizon; k++ {
		s := e.span(k)
		switch s.kind {
		case spanUnknown:
			return Status{State: Closed}
		case spanOpen:
			return Status{State: Closed, OpensAt: instant(k, int64(s.open)*60)}
		}
	}
	return Status{State: Closed}
}
