package sqlstore_test

import (
	"archive/zip"
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"heydoctor"
	"heydoctor/internal/hours"
	"heydoctor/internal/publicdata"
	"heydoctor/internal/sqlstore"
	"heydoctor/internal/sqlstore/storetest"
)

// TestImportRealRelease imports a whole HIRA release (HEYDOCTOR_HIRA_ZIP) into SQLite and,
// with HEYDOCTOR_TEST_MYSQL_DSN, MySQL, then checks "open at" for a sample of its
// institutions against a reading of the 세부정보 table that shares no code with the
// importer: a weekday morning and night, a Saturday, a Sunday and a public holiday.
func TestImportRealRelease(t *testing.T) {
	path := os.Getenv("HEYDOCTOR_HIRA_ZIP")
	if path == "" {
		t.Skip("set HEYDOCTOR_HIRA_ZIP to a HIRA bulk release")
	}
	rel, err := publicdata.OpenRelease(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw := readDetailTable(t, path)
	clock := storetest.NewClock(epoch)
	storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		var batches []heydoctor.ImportBatch
		for _, m := range rel.Members {
			batches = append(batches, heydoctor.ImportBatch{Format: m.Format, Scope: m.Scope, FullRefresh: m.FullRefresh,
				Institutions: append([]heydoctor.Institution(nil), m.Institutions...), Read: m.Read})
		}
		start := time.Now()
		if _, err := s.ApplyImports(ctx, batches...); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: applied in %v", s.Dialect(), time.Since(start).Round(time.Millisecond))
		byYKIHO := make(map[string]*heydoctor.Institution)
		if err := s.AllInstitutions(ctx, func(in *heydoctor.Institution) error {
			byYKIHO[in.YKIHO] = in
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		cal := hours.NewCalendar(heydoctor.PublicHoliday{Date: "2026-12-25", Name: "기독탄신일"})
		instants := []struct {
			name string
			at   time.Time
			day  int // Monday 0 … Sunday 6, 7 holiday
		}{
			{"weekday morning", kst(2026, 11, 25, 10, 0), 2},
			{"weekday night", kst(2026, 11, 25, 23, 30), 2},
			{"weekday lunch", kst(2026, 11, 25, 13, 15), 2},
			{"Saturday", kst(2026, 11, 28, 10, 0), 5},
			{"Sunday", kst(2026, 11, 29, 11, 0), 6},
			{"holiday", kst(2026, 12, 25, 11, 0), 7},
		}
		checked, mismatches := 0, 0
		for i, row := range raw {
			if i%40 != 0 {
				continue
			}
			in := byYKIHO[row["암호화요양기호"]]
			if in == nil {
				t.Errorf("%s is not in the directory", row["요양기관명"])
				continue
			}
			week := hours.Compile(in.Hours)
			for _, x := range instants {
				want, sure := expectedState(row, x.day, x.at)
				got := week.At(x.at, cal, nil).State
				checked++
				if sure && got != want || !sure && got == hours.Open && want != hours.Open {
					mismatches++
					if mismatches <= 20 {
						t.Errorf("%s %s: %v, the table says %v (sure %v); hours %+v", row["요양기관명"], x.name, got, want, sure, in.Hours.Day)
					}
				}
			}
		}
		t.Logf("%s: %d checks, %d mismatches", s.Dialect(), checked, mismatches)
	})
}

func kst(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, heydoctor.KST)
}

// readDetailTable reads member 4 of a release as rows keyed by column name.
func readDetailTable(tb testing.TB, path string) []map[string]string {
	tb.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "4.") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		defer rc.Close()
		wb, err := excelize.OpenReader(rc)
		if err != nil {
			tb.Fatal(err)
		}
		defer wb.Close()
		rows, err := wb.GetRows(wb.GetSheetList()[0], excelize.Options{RawCellValue: true})
		if err != nil {
			tb.Fatal(err)
		}
		var out []map[string]string
		for _, r := range rows[1:] {
			m := make(map[string]string)
			for i, c := range rows[0] {
				if i < len(r) {
					m[c] = strings.TrimSpace(r[i])
				}
			}
			out = append(out, m)
		}
		return out
	}
	tb.Fatal("no member 4")
	return nil
}

var dayNames = []string{"월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일"}

// minutes reads a published time such as 900 or 1830; ok is false for anything that is
// not three or four digits.
func minutes(s string) (int, bool) {
	if len(s) < 3 || len(s) > 4 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n%100 >= 60 {
		return 0, false
	}
	return n/100*60 + n%100, true
}

// expectedState says what the table publishes for instant at on day: sure is false
// when the table leaves it to reading a free-text note, and then only "not open" is
// asserted (nothing when the note names a time).
// fromNote reads a 휴진안내 note: closed when it plainly says so, otherwise never open,
// except that a note with a time in it is left unchecked (Open is returned with sure
// false, which asserts nothing).
func fromNote(note string, closed func(string) bool) (hours.State, bool) {
	switch {
	case closed(note):
		return hours.Closed, true
	case strings.ContainsAny(note, "0123456789"):
		return hours.Open, false
	}
	return hours.Unknown, false
}

func expectedState(row map[string]string, day int, at time.Time) (hours.State, bool) {
	published, valid := false, true
	spans := make([][2]int, 7)
	has, half := make([]bool, 7), make([]bool, 7)
	for d, name := range dayNames {
		o, c := row["진료시작시간_"+name], row["진료종료시간_"+name]
		if o == "" && c == "" {
			continue
		}
		published = true
		om, ok1 := minutes(o)
		cm, ok2 := minutes(c)
		if !ok1 && o != "" || !ok2 && c != "" {
			valid = false // the importer rejects the row
			continue
		}
		if o == "" || c == "" {
			half[d] = true
			continue
		}
		if cm == om {
			half[d] = true // open == close says nothing
			continue
		}
		if cm < om {
			cm += 24 * 60
		}
		spans[d], has[d] = [2]int{om, cm}, true
	}
	if !published || !valid {
		return hours.Unknown, true
	}
	m := at.Hour()*60 + at.Minute()
	prev := (day + 6) % 7
	if day == 7 {
		prev = (int(at.Weekday()) + 5) % 7
	}
	if has[prev] && m+24*60 < spans[prev][1] {
		return hours.Open, true
	}
	closedNote := func(s string) bool {
		switch strings.ReplaceAll(s, " ", "") {
		case "", "휴진", "전부휴진", "휴무", "종일휴진":
			return true
		}
		return false
	}
	switch {
	case day < 7 && half[day]:
		return hours.Unknown, true
	case day == 7:
		return fromNote(row["휴진안내_공휴일"], closedNote)
	case !has[day] && day == 6:
		return fromNote(row["휴진안내_일요일"], closedNote)
	case !has[day]:
		return hours.Closed, true
	}
	if spans[day][0] <= m && m < spans[day][1] {
		if day < 5 && row["점심시간_평일"] != "" {
			// Only the plain 24-hour spellings are read here; the rest is left unchecked.
			g := plainLunch.FindStringSubmatch(row["점심시간_평일"])
			if g == nil {
				return hours.Open, false
			}
			num := func(s string) int { n, _ := strconv.Atoi(s); return n }
			lo, lc := num(g[1])*60+num(g[2]), num(g[3])*60+num(g[4])
			if num(g[1]) < 10 || lc <= lo || lc-lo > 180 || lo <= spans[day][0] || lc >= spans[day][1] {
				return hours.Open, false
			}
			if lo <= m && m < lc {
				return hours.Closed, true
			}
		}
		return hours.Open, true
	}
	return hours.Closed, true
}

var plainLunch = regexp.MustCompile(`^(\d{2})[:시](\d{2})분?\s*[~-]\s*(\d{2})[:시](\d{2})분?$`)
