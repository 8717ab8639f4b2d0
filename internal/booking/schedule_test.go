package booking

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"heydoctor"
	"heydoctor/internal/hours"
)

// epoch is the tests' fixed clock: Wednesday 2026-11-25 10:00 KST.
var epoch = time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)

// at returns an instant given as "2006-01-02 15:04" in KST.
func at(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, heydoctor.KST)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// weekdays returns blocks for Monday to Friday with the given spans ("0900-1200").
func weekdays(spans ...string) []heydoctor.WorkBlock {
	var out []heydoctor.WorkBlock
	for wd := time.Monday; wd <= time.Friday; wd++ {
		for _, sp := range spans {
			out = append(out, heydoctor.WorkBlock{Weekday: wd, Start: sp[:4], End: sp[5:]})
		}
	}
	return out
}

// starts lists slot starts as "01-02 15:04" KST with their free capacity when not full capacity.
func starts(slots []heydoctor.Slot) []string {
	var out []string
	for _, s := range slots {
		v := s.Start.In(heydoctor.KST).Format("01-02 15:04")
		if s.Free != s.Capacity {
			v += " free " + string(rune('0'+s.Free))
		}
		out = append(out, v)
	}
	return out
}

func TestValidateSchedule(t *testing.T) {
	tests := []struct {
		name      string
		sc        heydoctor.Schedule
		wantField string
	}{
		{"defaults", heydoctor.Schedule{Blocks: weekdays("0900-1200", "1300-1800")}, ""},
		{"touching blocks", heydoctor.Schedule{Blocks: weekdays("0900-1200", "1200-1300")}, ""},
		{"overlap", heydoctor.Schedule{Blocks: weekdays("0900-1230", "1200-1800")}, "blocks"},
		{"start after end", heydoctor.Schedule{Blocks: weekdays("1800-0900")}, "blocks"},
		{"past midnight", heydoctor.Schedule{Blocks: weekdays("2200-2500")}, "blocks"},
		{"bad minute", heydoctor.Schedule{Blocks: weekdays("0960-1000")}, "blocks"},
		{"bad weekday", heydoctor.Schedule{Blocks: []heydoctor.WorkBlock{{Weekday: 9, Start: "0900", End: "1000"}}}, "blocks"},
		{"slot too short", heydoctor.Schedule{SlotMinutes: 3}, "slot_minutes"},
		{"slot too long", heydoctor.Schedule{SlotMinutes: 300}, "slot_minutes"},
		{"capacity", heydoctor.Schedule{Capacity: 51}, "capacity"},
		{"horizon", heydoctor.Schedule{HorizonDays: 181}, "horizon_days"},
		{"notice", heydoctor.Schedule{MinNoticeMinutes: -5}, "min_notice_minutes"},
		{"too many blocks", heydoctor.Schedule{Blocks: make([]heydoctor.WorkBlock, 100)}, "blocks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := tt.sc
			err := ValidateSchedule(&sc)
			if got := heydoctor.FieldOf(err); got != tt.wantField || (err != nil) != (tt.wantField != "") {
				t.Fatalf("ValidateSchedule error = %v, want field %q", err, tt.wantField)
			}
			if err != nil {
				if heydoctor.KindOf(err) != heydoctor.Invalid {
					t.Errorf("kind = %v, want invalid", heydoctor.KindOf(err))
				}
				return
			}
			if sc.SlotMinutes != 15 || sc.Capacity != 1 || sc.HorizonDays != 30 || sc.MinNoticeMinutes != 30 {
				t.Errorf("defaults not applied: %+v", sc)
			}
		})
	}
}

func TestSlots(t *testing.T) {
	cal := hours.NewCalendar() // has 2026-12-25 (Friday)
	plan := func(mod func(*heydoctor.Schedule)) *heydoctor.Schedule {
		sc := &heydoctor.Schedule{DoctorID: 1, Blocks: weekdays("0900-1030", "1300-1400"), SlotMinutes: 30, Capacity: 1,
			HorizonDays: 30, MinNoticeMinutes: 30}
		if mod != nil {
			mod(sc)
		}
		return sc
	}
	tests := []struct {
		name       string
		sc         *heydoctor.Schedule
		exceptions []heydoctor.ScheduleException
		closures   []heydoctor.Closure
		booked     map[int64]int
		from, to   heydoctor.Date
		now        time.Time
		want       []string
	}{
		{name: "lunch break", sc: plan(nil), from: "2026-11-30", to: "2026-11-30", now: epoch,
			want: []string{"11-30 09:00", "11-30 09:30", "11-30 10:00", "11-30 13:00", "11-30 13:30"}},
		{name: "weekend closed", sc: plan(nil), from: "2026-11-28", to: "2026-11-29", now: epoch},
		{name: "past and notice today", sc: plan(nil), from: "2026-11-25", to: "2026-11-25", now: at(t, "2026-11-25 09:31"),
			want: []string{"11-25 13:00", "11-25 13:30"}},
		{name: "no notice", sc: plan(func(sc *heydoctor.Schedule) { sc.MinNoticeMinutes = 0 }), from: "2026-11-25", to: "2026-11-25",
			now: at(t, "2026-11-25 09:30"), want: []string{"11-25 09:30", "11-25 10:00", "11-25 13:00", "11-25 13:30"}},
		{name: "horizon", sc: plan(func(sc *heydoctor.Schedule) { sc.HorizonDays = 5 }), from: "2026-11-30", to: "2026-12-04",
			now: at(t, "2026-11-25 10:00"), want: []string{"11-30 09:00", "11-30 09:30", "11-30 10:00"}},
		{name: "holiday closed", sc: plan(nil), from: "2026-12-25", to: "2026-12-25", now: epoch},
		{name: "holiday open", sc: plan(func(sc *heydoctor.Schedule) { sc.OpenOnHolidays = true }), from: "2026-12-25", to: "2026-12-25",
			now: at(t, "2026-12-01 10:00"), want: []string{"12-25 09:00", "12-25 09:30", "12-25 10:00", "12-25 13:00", "12-25 13:30"}},
		{name: "leave day", sc: plan(nil), exceptions: []heydoctor.ScheduleException{{Date: "2026-11-30", Closed: true}},
			from: "2026-11-30", to: "2026-11-30", now: epoch},
		{name: "extra saturday", sc: plan(nil),
			exceptions: []heydoctor.ScheduleException{{Date: "2026-11-28", Blocks: []heydoctor.WorkBlock{{Weekday: time.Saturday, Start: "1000", End: "1100"}}}},
			from:       "2026-11-28", to: "2026-11-28", now: epoch, want: []string{"11-28 10:00", "11-28 10:30"}},
		{name: "institution closed", sc: plan(nil), closures: []heydoctor.Closure{{Date: "2026-11-30"}},
			from: "2026-11-30", to: "2026-12-01", now: epoch,
			want: []string{"12-01 09:00", "12-01 09:30", "12-01 10:00", "12-01 13:00", "12-01 13:30"}},
		{name: "institution short day", sc: plan(nil), closures: []heydoctor.Closure{{Date: "2026-11-30", Hours: heydoctor.Span{Open: "0930", Close: "1300"}}},
			from: "2026-11-30", to: "2026-11-30", now: epoch, want: []string{"11-30 09:30", "11-30 10:00"}},
		{name: "full slot left out", sc: plan(nil), booked: map[int64]int{at(t, "2026-11-30 09:30").Unix(): 1},
			from: "2026-11-30", to: "2026-11-30", now: epoch,
			want: []string{"11-30 09:00", "11-30 10:00", "11-30 13:00", "11-30 13:30"}},
		{name: "capacity two", sc: plan(func(sc *heydoctor.Schedule) { sc.Capacity = 2 }),
			booked: map[int64]int{at(t, "2026-11-30 09:30").Unix(): 1, at(t, "2026-11-30 10:00").Unix(): 2},
			from:   "2026-11-30", to: "2026-11-30", now: epoch,
			want: []string{"11-30 09:00", "11-30 09:30 free 1", "11-30 13:00", "11-30 13:30"}},
		{name: "slot not fitting the block end", sc: plan(func(sc *heydoctor.Schedule) { sc.SlotMinutes = 40 }),
			from: "2026-11-30", to: "2026-11-30", now: epoch, want: []string{"11-30 09:00", "11-30 09:40", "11-30 13:00"}},
		{name: "inverted range", sc: plan(nil), from: "2026-12-01", to: "2026-11-30", now: epoch},
		{name: "bad date", sc: plan(nil), from: "2026-13-01", to: "2026-11-30", now: epoch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := starts(Slots(tt.sc, tt.exceptions, cal, tt.closures, tt.booked, tt.from, tt.to, tt.now))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Slots mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanSlotAt(t *testing.T) {
	sc := &heydoctor.Schedule{Blocks: weekdays("0900-1200", "1300-1800"), SlotMinutes: 15}
	cal := hours.NewCalendar()
	tests := []struct {
		name  string
		start string
		want  bool
	}{
		{"first", "2026-11-30 09:00", true},
		{"aligned", "2026-11-30 11:45", true},
		{"block end", "2026-11-30 12:00", false},
		{"misaligned", "2026-11-30 09:10", false},
		{"after lunch", "2026-11-30 13:00", true},
		{"sunday", "2026-11-29 09:00", false},
		{"holiday", "2026-12-25 09:00", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := at(t, tt.start)
			end, ok := planSlotAt(sc, nil, cal, nil, start)
			if ok != tt.want {
				t.Fatalf("planSlotAt(%s) ok = %v, want %v", tt.start, ok, tt.want)
			}
			if ok && !end.Equal(start.Add(15*time.Minute)) {
				t.Errorf("end = %v, want start + 15m", end)
			}
		})
	}
}

// FuzzValidateSchedule feeds arbitrary block times: no panic, and an accepted plan has
// sorted, non-overlapping, four-digit blocks.
func FuzzValidateSchedule(f *testing.F) {
	f.Add("0900", "1200", "1300", "1800", 15)
	f.Add("900", "1200", "1100", "1800", 0)
	f.Add("", "x", "2400", "4800", -1)
	f.Fuzz(func(t *testing.T, s1, e1, s2, e2 string, slot int) {
		sc := &heydoctor.Schedule{SlotMinutes: slot, Blocks: []heydoctor.WorkBlock{{Weekday: time.Monday, Start: s1, End: e1}, {Weekday: time.Monday, Start: s2, End: e2}}}
		if err := ValidateSchedule(sc); err != nil {
			if heydoctor.KindOf(err) != heydoctor.Invalid || heydoctor.FieldOf(err) == "" {
				t.Fatalf("error without kind or field: %v", err)
			}
			return
		}
		for i, b := range sc.Blocks {
			if len(b.Start) != 4 || len(b.End) != 4 || b.Start >= b.End {
				t.Fatalf("block %d = %+v", i, b)
			}
			if i > 0 && sc.Blocks[i-1].End > b.Start {
				t.Fatalf("overlap accepted: %+v", sc.Blocks)
			}
		}
		_ = Slots(sc, nil, nil, nil, nil, "2026-11-30", "2026-11-30", epoch)
	})
}
