package booking

import (
	"slices"
	"time"
	"unicode/utf8"

	"heydoctor"
	"heydoctor/internal/hours"
)

// Bounds on a schedule, so that a mistyped plan cannot make a day of 1-minute slots or a
// horizon of years that every availability query would have to walk.
const (
	minSlotMinutes   = 5
	maxSlotMinutes   = 240
	maxCapacity      = 50
	maxHorizonDays   = 180
	maxNoticeMinutes = 7 * 24 * 60
	maxBlocks        = 7 * 8
	maxNoteRunes     = 200
)

// ValidateSchedule checks a working plan and fills in the defaults for zero values. Blocks
// are HHMM within one day (0000 to 2400), start before end, and never overlap on a weekday,
// because an overlap would offer the same minute twice.
func ValidateSchedule(sc *heydoctor.Schedule) error {
	if sc.SlotMinutes == 0 {
		sc.SlotMinutes = heydoctor.DefaultSlotMinutes
	}
	if sc.Capacity == 0 {
		sc.Capacity = heydoctor.DefaultCapacity
	}
	if sc.HorizonDays == 0 {
		sc.HorizonDays = heydoctor.DefaultHorizonDays
	}
	if sc.MinNoticeMinutes == 0 {
		sc.MinNoticeMinutes = heydoctor.DefaultMinNoticeMinutes
	}
	switch {
	case sc.SlotMinutes < minSlotMinutes || sc.SlotMinutes > maxSlotMinutes:
		return heydoctor.FieldError("slot_minutes", "진료 간격은 %d분에서 %d분 사이로 정해 주세요", minSlotMinutes, maxSlotMinutes)
	case sc.Capacity < 1 || sc.Capacity > maxCapacity:
		return heydoctor.FieldError("capacity", "시간당 예약 인원은 1명에서 %d명 사이로 정해 주세요", maxCapacity)
	case sc.HorizonDays < 1 || sc.HorizonDays > maxHorizonDays:
		return heydoctor.FieldError("horizon_days", "예약 가능 기간은 1일에서 %d일 사이로 정해 주세요", maxHorizonDays)
	case sc.MinNoticeMinutes < 0 || sc.MinNoticeMinutes > maxNoticeMinutes:
		return heydoctor.FieldError("min_notice_minutes", "최소 예약 여유 시간은 0분에서 %d분 사이로 정해 주세요", maxNoticeMinutes)
	}
	blocks, err := normalizeBlocks(sc.Blocks)
	if err != nil {
		return err
	}
	sc.Blocks = blocks
	return nil
}

// ValidateException checks a leave day or an extra day. Blocks of an exception apply to its
// own date, so their weekday is set from the date.
func ValidateException(e *heydoctor.ScheduleException) error {
	if _, err := heydoctor.ParseDate(string(e.Date)); err != nil {
		return heydoctor.FieldError("date", "날짜 형식이 올바르지 않아요 (YYYY-MM-DD)")
	}
	if utf8.RuneCountInString(e.Note) > maxNoteRunes || !utf8.ValidString(e.Note) {
		return heydoctor.FieldError("note", "메모는 %d자까지 쓸 수 있어요", maxNoteRunes)
	}
	if e.Closed {
		e.Blocks = nil
		return nil
	}
	if len(e.Blocks) == 0 {
		return heydoctor.FieldError("blocks", "휴진이 아니라면 진료 시간을 하나 이상 넣어 주세요")
	}
	wd := e.Date.Weekday()
	for i := range e.Blocks {
		if len(e.Blocks) <= maxBlocks {
			e.Blocks[i].Weekday = wd
		}
	}
	blocks, err := normalizeBlocks(e.Blocks)
	if err != nil {
		return err
	}
	e.Blocks = blocks
	return nil
}

// normalizeBlocks checks blocks and returns them sorted by weekday and start, with times
// in four-digit form.
func normalizeBlocks(in []heydoctor.WorkBlock) ([]heydoctor.WorkBlock, error) {
	if len(in) > maxBlocks {
		return nil, heydoctor.FieldError("blocks", "진료 시간은 %d개까지 넣을 수 있어요", maxBlocks)
	}
	type span struct {
		wd         time.Weekday
		start, end int
	}
	spans := make([]span, 0, len(in))
	out := make([]heydoctor.WorkBlock, 0, len(in))
	for _, b := range in {
		if b.Weekday < time.Sunday || b.Weekday > time.Saturday {
			return nil, heydoctor.FieldError("blocks", "요일 값이 올바르지 않아요 (0=일요일 … 6=토요일)")
		}
		s, err := blockMinutes(b.Start)
		if err != nil {
			return nil, heydoctor.FieldError("blocks", "%s 시작 시각 %q이(가) 올바르지 않아요 (HHMM, 0000~2400)", weekdayName(b.Weekday), clip(b.Start))
		}
		e, err := blockMinutes(b.End)
		if err != nil {
			return nil, heydoctor.FieldError("blocks", "%s 종료 시각 %q이(가) 올바르지 않아요 (HHMM, 0000~2400)", weekdayName(b.Weekday), clip(b.End))
		}
		if s >= e {
			return nil, heydoctor.FieldError("blocks", "%s %s~%s: 시작 시각이 종료 시각보다 앞서야 해요", weekdayName(b.Weekday), hhmm(s), hhmm(e))
		}
		spans = append(spans, span{b.Weekday, s, e})
	}
	slices.SortFunc(spans, func(a, b span) int {
		if a.wd != b.wd {
			return int(a.wd) - int(b.wd)
		}
		return a.start - b.start
	})
	for i, sp := range spans {
		if i > 0 && spans[i-1].wd == sp.wd && spans[i-1].end > sp.start {
			p := spans[i-1]
			return nil, heydoctor.FieldError("blocks", "%s %s~%s와 %s~%s 진료 시간이 겹쳐요", weekdayName(sp.wd), hhmm(p.start), hhmm(p.end), hhmm(sp.start), hhmm(sp.end))
		}
		out = append(out, heydoctor.WorkBlock{Weekday: sp.wd, Start: hhmm(sp.start), End: hhmm(sp.end)})
	}
	return out, nil
}

// blockMinutes parses an HHMM within one day: schedules, unlike published hours, never
// run past midnight.
func blockMinutes(s string) (int, error) {
	m, err := hours.ParseHHMM(s)
	if err != nil {
		return 0, err
	}
	if m > 24*60 {
		return 0, heydoctor.Errorf(heydoctor.Invalid, "2400보다 늦은 시각")
	}
	return m, nil
}

func hhmm(m int) string {
	b := [4]byte{byte('0' + m/600), byte('0' + m/60%10), byte('0' + m%60/10), byte('0' + m%10)}
	return string(b[:])
}

func clip(s string) string {
	if len(s) > 16 {
		return s[:16] + "…"
	}
	return s
}

var weekdayNames = [7]string{"일요일", "월요일", "화요일", "수요일", "목요일", "금요일", "토요일"}

func weekdayName(w time.Weekday) string {
	if w < 0 || w > 6 {
		return "?"
	}
	return weekdayNames[w]
}

// window is one bookable period of a day in minutes after midnight KST.
type window struct{ start, end int }

// dayWindows returns the working periods of one day: an exception replaces the weekly
// plan, a public holiday closes the day unless the plan says otherwise, and an
// institution closure closes it or narrows it to the closure's hours.
func dayWindows(sc *heydoctor.Schedule, exc *heydoctor.ScheduleException, holiday bool, closure *heydoctor.Closure, d heydoctor.Date) []window {
	if closure != nil && closure.Hours.IsZero() {
		return nil
	}
	var blocks []heydoctor.WorkBlock
	switch {
	case exc != nil && exc.Closed:
		return nil
	case exc != nil:
		blocks = exc.Blocks
	case holiday && !sc.OpenOnHolidays:
		return nil
	default:
		wd := d.Weekday()
		for _, b := range sc.Blocks {
			if b.Weekday == wd {
				blocks = append(blocks, b)
			}
		}
	}
	lo, hi := 0, 24*60
	if closure != nil {
		o, err1 := blockMinutes(closure.Hours.Open)
		c, err2 := blockMinutes(closure.Hours.Close)
		if err1 != nil || err2 != nil || o >= c {
			return nil // unreadable special hours: do not offer what may be closed
		}
		lo, hi = o, c
	}
	var out []window
	for _, b := range blocks {
		s, err1 := blockMinutes(b.Start)
		e, err2 := blockMinutes(b.End)
		if err1 != nil || err2 != nil {
			continue
		}
		s, e = max(s, lo), min(e, hi)
		if s < e {
			out = append(out, window{s, e})
		}
	}
	slices.SortFunc(out, func(a, b window) int { return a.start - b.start })
	return out
}

// planStarts calls fn with every slot start of the plan on day d, in order, until fn
// returns false.
func planStarts(sc *heydoctor.Schedule, ws []window, d heydoctor.Date, fn func(start, end time.Time) bool) {
	step := sc.SlotMinutes
	if step < minSlotMinutes {
		step = heydoctor.DefaultSlotMinutes
	}
	midnight := d.Time()
	if midnight.IsZero() {
		return
	}
	for _, w := range ws {
		for m := w.start; m+step <= w.end; m += step {
			start := midnight.Add(time.Duration(m) * time.Minute)
			if !fn(start, start.Add(time.Duration(step)*time.Minute)) {
				return
			}
		}
	}
}

// Slots lists a doctor's free slots between two days (inclusive, KST). It is pure so that
// it can be tested without a database: booked counts active reservations per slot start
// (Unix seconds), closures are the institution's. Past slots, slots within the minimum
// notice, slots beyond the booking horizon and full slots are left out.
func Slots(sc *heydoctor.Schedule, exceptions []heydoctor.ScheduleException, cal *hours.Calendar, closures []heydoctor.Closure,
	booked map[int64]int, from, to heydoctor.Date, now time.Time) []heydoctor.Slot {
	f, t := from.Time(), to.Time()
	if f.IsZero() || t.IsZero() || t.Before(f) {
		return nil
	}
	capacity := max(sc.Capacity, 1)
	earliest := now.Add(time.Duration(max(sc.MinNoticeMinutes, 0)) * time.Minute)
	latest := horizonEnd(sc, now)
	exc := make(map[heydoctor.Date]*heydoctor.ScheduleException, len(exceptions))
	for i := range exceptions {
		exc[exceptions[i].Date] = &exceptions[i]
	}
	cls := make(map[heydoctor.Date]*heydoctor.Closure, len(closures))
	for i := range closures {
		cls[closures[i].Date] = &closures[i]
	}
	var out []heydoctor.Slot
	for d := from; d <= to && !d.Time().After(latest); d = d.AddDays(1) {
		_, holiday := cal.IsHoliday(d)
		ws := dayWindows(sc, exc[d], holiday, cls[d], d)
		planStarts(sc, ws, d, func(start, end time.Time) bool {
			if start.Before(earliest) {
				return true
			}
			if start.After(latest) {
				return false
			}
			free := capacity - booked[start.Unix()]
			if free > 0 {
				out = append(out, heydoctor.Slot{DoctorID: sc.DoctorID, Start: start, End: end, Free: free, Capacity: capacity})
			}
			return true
		})
	}
	return out
}

// horizonEnd is the latest bookable start: HorizonDays from now.
func horizonEnd(sc *heydoctor.Schedule, now time.Time) time.Time {
	days := sc.HorizonDays
	if days <= 0 {
		days = heydoctor.DefaultHorizonDays
	}
	return now.Add(time.Duration(days) * 24 * time.Hour)
}

// planSlotAt returns the end of the plan's slot that starts exactly at start, ignoring
// the clock and bookings; ok is false when start is not a slot start of the plan.
func planSlotAt(sc *heydoctor.Schedule, exceptions []heydoctor.ScheduleException, cal *hours.Calendar, closures []heydoctor.Closure, start time.Time) (end time.Time, ok bool) {
	d := heydoctor.DateOf(start)
	var exc *heydoctor.ScheduleException
	for i := range exceptions {
		if exceptions[i].Date == d {
			exc = &exceptions[i]
		}
	}
	var cl *heydoctor.Closure
	for i := range closures {
		if closures[i].Date == d {
			cl = &closures[i]
		}
	}
	_, holiday := cal.IsHoliday(d)
	planStarts(sc, dayWindows(sc, exc, holiday, cl, d), d, func(s, e time.Time) bool {
		if s.Equal(start) {
			end, ok = e, true
			return false
		}
		return !s.After(start)
	})
	return end, ok
}
