package hours

import (
	"encoding/xml"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"heydoctor"
)

// kasiHolidays reads a KASI getRestDeInfo XML response from testdata and returns its
// isHoliday=Y items.
func kasiHolidays(tb testing.TB, name string) []heydoctor.PublicHoliday {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	var resp struct {
		Items []struct {
			DateName  string `xml:"dateName"`
			IsHoliday string `xml:"isHoliday"`
			Locdate   string `xml:"locdate"`
		} `xml:"body>items>item"`
	}
	if err := xml.Unmarshal(b, &resp); err != nil {
		tb.Fatal(err)
	}
	var out []heydoctor.PublicHoliday
	for _, it := range resp.Items {
		if it.IsHoliday != "Y" {
			continue
		}
		d := it.Locdate
		out = append(out, heydoctor.PublicHoliday{Date: heydoctor.Date(d[:4] + "-" + d[4:6] + "-" + d[6:]), Name: it.DateName})
	}
	return out
}

func TestBuiltin2026MatchesKASI(t *testing.T) {
	want := kasiHolidays(t, "mermaid__holiday_2026.xml")
	if len(want) != 22 {
		t.Fatalf("testdata has %d holidays, want 22", len(want))
	}
	got := NewCalendar().List(2026)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("built-in 2026 mismatch (-want +got):\n%s", diff)
	}
}

func TestBuiltinFileParses(t *testing.T) {
	n := 0
	for i, line := range strings.Split(builtinHolidays, "\n") {
		_, ok, err := parseHolidayLine(line)
		if err != nil {
			t.Errorf("holidays.tsv line %d: %v", i+1, err)
		}
		if ok {
			n++
		}
	}
	if got := len(NewCalendar().List(2026)) + len(NewCalendar().List(2027)); got != n {
		t.Errorf("calendar holds %d holidays, file lists %d (duplicates?)", got, n)
	}
}

// TestBuiltin2027 checks the hand-made 2027 list against the rules it was made from.
func TestBuiltin2027(t *testing.T) {
	cal := NewCalendar()
	got := cal.List(2027)
	if len(got) != 23 {
		t.Errorf("2027 has %d holidays, want 23", len(got))
	}
	fixed := map[heydoctor.Date]string{
		"2027-01-01": "1월1일", "2027-03-01": "삼일절", "2027-05-05": "어린이날", "2027-06-06": "현충일",
		"2027-08-15": "광복절", "2027-10-03": "개천절", "2027-10-09": "한글날", "2027-12-25": "기독탄신일",
	}
	for d, want := range fixed {
		if name, ok := cal.IsHoliday(d); !ok || name != want {
			t.Errorf("IsHoliday(%s) = %q, %v; want %q", d, name, ok, want)
		}
	}
	for _, h := range got {
		if !strings.HasPrefix(h.Name, "대체공휴일(") {
			continue
		}
		wd := h.Date.Weekday()
		if wd == time.Saturday || wd == time.Sunday {
			t.Errorf("substitute %s %s falls on %s", h.Date, h.Name, wd)
		}
		// The day before a substitute is a holiday or a weekend.
		prev := h.Date.AddDays(-1)
		if _, ok := cal.IsHoliday(prev); !ok && prev.Weekday() != time.Sunday && prev.Weekday() != time.Saturday {
			t.Errorf("substitute %s does not follow a holiday or weekend", h.Date)
		}
	}
}

func TestCalendarAddReplace(t *testing.T) {
	cal := NewCalendar(heydoctor.PublicHoliday{Date: "2026-04-01", Name: "임시공휴일"}, heydoctor.PublicHoliday{Date: "bad"})
	if name, ok := cal.IsHoliday("2026-04-01"); !ok || name != "임시공휴일" {
		t.Errorf("extra holiday: got %q, %v", name, ok)
	}
	if err := cal.Add(heydoctor.PublicHoliday{Date: "2028-01-01", Name: " 1월1일 "}, heydoctor.PublicHoliday{Date: "2028-01-02"}); err != nil {
		t.Fatal(err)
	}
	if name, _ := cal.IsHoliday("2028-01-01"); name != "1월1일" {
		t.Errorf("Add trims names: got %q", name)
	}
	if name, _ := cal.IsHoliday("2028-01-02"); name != "공휴일" {
		t.Errorf("Add names nameless days: got %q", name)
	}
	if diff := cmp.Diff([]int{2026, 2027, 2028}, cal.Years()); diff != "" {
		t.Errorf("Years mismatch (-want +got):\n%s", diff)
	}
	// A KASI import for July 2027 that lacks the guessed substitute day drops it.
	if err := cal.Replace("2027-07-01", "2027-07-31", []heydoctor.PublicHoliday{{Date: "2027-07-17", Name: "제헌절"}}); err != nil {
		t.Fatal(err)
	}
	if _, ok := cal.IsHoliday("2027-07-19"); ok {
		t.Error("Replace kept 2027-07-19")
	}
	if _, ok := cal.IsHoliday("2027-08-16"); !ok {
		t.Error("Replace dropped a day outside its period")
	}

	errs := []struct {
		name  string
		fn    func() error
		field string
	}{
		{"bad date", func() error { return cal.Add(heydoctor.PublicHoliday{Date: "2026-13-01"}) }, "date"},
		{"far year", func() error { return cal.Add(heydoctor.PublicHoliday{Date: "9999-01-01"}) }, "date"},
		{"long name", func() error {
			return cal.Add(heydoctor.PublicHoliday{Date: "2026-01-02", Name: strings.Repeat("가", 100)})
		}, "name"},
		{"broken utf-8", func() error { return cal.Add(heydoctor.PublicHoliday{Date: "2026-01-02", Name: "\xff"}) }, "name"},
		{"replace outside period", func() error {
			return cal.Replace("2027-01-01", "2027-01-31", []heydoctor.PublicHoliday{{Date: "2027-02-07"}})
		}, "date"},
		{"replace backwards", func() error { return cal.Replace("2027-02-01", "2027-01-01", nil) }, "to"},
		{"replace bad from", func() error { return cal.Replace("x", "2027-01-01", nil) }, "from"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.fn()
			if err == nil {
				t.Fatal("want an error")
			}
			if got := heydoctor.FieldOf(err); got != tt.field {
				t.Errorf("error field = %q, want %q (%v)", got, tt.field, err)
			}
		})
	}
	if _, ok := cal.IsHoliday("2026-01-02"); ok {
		t.Error("a failed Add changed the calendar")
	}
}

func TestZeroAndNilCalendar(t *testing.T) {
	var zero Calendar
	if _, ok := zero.IsHoliday("2026-01-01"); ok {
		t.Error("zero Calendar has holidays")
	}
	if err := zero.Add(heydoctor.PublicHoliday{Date: "2026-01-01", Name: "1월1일"}); err != nil {
		t.Fatal(err)
	}
	if _, ok := zero.IsHoliday("2026-01-01"); !ok {
		t.Error("zero Calendar did not keep Add")
	}
	var nilCal *Calendar
	if _, ok := nilCal.IsHoliday("2026-01-01"); ok || nilCal.Years() != nil || nilCal.List(2026) != nil {
		t.Error("nil Calendar is not empty")
	}
}

// TestCalendarConcurrent is for -race: readers evaluate hours while an import runs.
func TestCalendarConcurrent(t *testing.T) {
	cal := NewCalendar()
	w := Compile(hoursOf(t, every("0900-1800")...))
	tm := at(t, "2027-07-19 10:00")
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 2000 {
				if s := w.At(tm, cal, nil); s.State == Unknown {
					t.Error("unknown state")
					return
				}
				cal.IsHoliday("2027-07-19")
			}
		}()
	}
	for i := range 200 {
		hs := []heydoctor.PublicHoliday{{Date: "2027-07-17", Name: "제헌절"}}
		if i%2 == 0 {
			hs = append(hs, heydoctor.PublicHoliday{Date: "2027-07-19", Name: "대체공휴일(제헌절)"})
		}
		if err := cal.Replace("2027-07-01", "2027-07-31", hs); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
}
