package hours

import (
	"testing"

	"heydoctor"
)

func BenchmarkWeekAt(b *testing.B) {
	h := hoursOf(b, "0900-1800", "0900-1800", "0900-1800", "0900-1800", "0900-1800", "0900-1300")
	cases := []struct {
		name string
		h    heydoctor.OpeningHours
		at   string
		ovs  []heydoctor.Closure
	}{
		{"open", h, "2026-03-09 10:00", nil},
		{"closed-night", h, "2026-03-09 22:00", nil},
		{"closed-weekend", h, "2026-03-14 20:00", nil},
		{"holiday", h, "2026-05-05 10:00", nil},
		{"past-midnight", hoursOf(b, every("1900-0130")...), "2026-03-10 00:30", nil},
		{"24h-every-day", hoursOf(b, append(every("0000-2400"), "0000-2400")...), "2026-03-10 12:00", nil},
		{"unknown", heydoctor.OpeningHours{}, "2026-03-10 12:00", nil},
		{"override", h, "2026-03-09 10:00", []heydoctor.Closure{{Date: "2026-03-10"}, {Date: "2026-03-09", Hours: heydoctor.Span{Open: "1300", Close: "1500"}}}},
	}
	cal := NewCalendar()
	for _, c := range cases {
		w := Compile(c.h)
		tm := at(b, c.at)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var s Status
			for b.Loop() {
				s = w.At(tm, cal, c.ovs)
			}
			_ = s
		})
	}
}

func BenchmarkCompile(b *testing.B) {
	h := hoursOf(b, "0900-1800", "0900-1800", "0900-1800", "0900-1800", "0900-1800", "0900-1300", "", "1000-1400")
	b.ReportAllocs()
	for b.Loop() {
		_ = Compile(h)
	}
}

func BenchmarkIsHoliday(b *testing.B) {
	cal := NewCalendar()
	b.ReportAllocs()
	for b.Loop() {
		_, _ = cal.IsHoliday("2026-09-25")
	}
}
