package chat

import (
	"testing"

	"heydoctor"
)

func TestParseClock(t *testing.T) {
	tests := map[string]int{
		"15:00": 900, "15시": 900, "오후 3시": 900, "오후3시": 900, "3시": 900, "3시 반": 930, "오후 3시 30분": 930,
		"저녁 7시": 1140, "오전 9시": 540, "9시": 540, "9시 10분": 550, "1530": 930, "0900": 540, "오전 12시": 0,
		"정오": 720, "12시": 720, "11시쯤요": 660, "오후 12시 30분": 750, "10:05": 605,
	}
	for in, want := range tests {
		if got, ok := parseClock(in); !ok || got != want {
			t.Errorf("parseClock(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "아무 때나", "25시", "15:7", "9시 70분", "123", "99999", "시", "오후", "3시 반반"} {
		if got, ok := parseClock(in); ok {
			t.Errorf("parseClock(%q) = %d, want no time", in, got)
		}
	}
}

func TestParseDay(t *testing.T) {
	today := heydoctor.Date("2026-11-25") // a Wednesday
	tests := map[string]heydoctor.Date{
		"오늘": "2026-11-25", "내일": "2026-11-26", "모레": "2026-11-27", "내일모레요": "2026-11-27",
		"26일": "2026-11-26", "3일": "2026-12-03", "12월 3일": "2026-12-03", "12/3": "2026-12-03", "1월 5일": "2027-01-05",
		"목요일": "2026-11-26", "수요일": "2026-11-25", "월요일": "2026-11-30", "다음주 화요일": "2026-12-01", "금": "2026-11-27",
	}
	for in, want := range tests {
		if got, ok := parseDay(in, today); !ok || got != want {
			t.Errorf("parseDay(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "언제든", "2월 30일", "13월 1일", "32일", "12/", "월요일에 아파요", "0일"} {
		if got, ok := parseDay(in, today); ok {
			t.Errorf("parseDay(%q) = %q, want no day", in, got)
		}
	}
}

func FuzzParseWhen(f *testing.F) {
	for _, s := range []string{"오후 3시", "12월 3일", "다음주 화요일", "1530", "3시 반", "12/31", "99:99", "오전12시"} {
		f.Add(s)
	}
	today := heydoctor.Date("2026-11-25")
	f.Fuzz(func(t *testing.T, s string) {
		if m, ok := parseClock(s); ok && (m < 0 || m >= 24*60) {
			t.Fatalf("parseClock(%q) = %d, outside a day", s, m)
		}
		if d, ok := parseDay(s, today); ok {
			if _, err := heydoctor.ParseDate(string(d)); err != nil || d < today {
				t.Fatalf("parseDay(%q) = %q: not a date from today on", s, d)
			}
		}
	})
}
