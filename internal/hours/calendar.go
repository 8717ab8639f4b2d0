package hours

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"heydoctor"
)

// builtinHolidays is the list a fresh install starts with, so hours are right before
// the first KASI import. See the file's header for where each year comes from.
//
//go:embed holidays.tsv
var builtinHolidays string

// Bounds on what a Calendar accepts, so a hostile import cannot make it huge.
const (
	minHolidayYear = 1900
	maxHolidayYear = 2200
	maxHolidayName = 200 // bytes
	maxHolidays    = 20000
)

// Calendar is the set of Korean public holidays (KASI isHoliday=Y days). Sundays are
// not listed: weekly hours already cover them. Readers never block: every change
// builds a new snapshot that is swapped in atomically, so Week.At can read it from many
// goroutines while an import runs.
type Calendar struct {
	mu   sync.Mutex // serialises writers
	snap atomic.Pointer[holidaySet]
}

// holidaySet is an immutable snapshot: a bitset over day numbers for Week.At, names for
// display.
type holidaySet struct {
	base  int64 // day number of bit 0
	bits  []uint64
	names map[int64]string
}

func (h *holidaySet) has(day int64) bool {
	if h == nil {
		return false
	}
	i := day - h.base
	if i < 0 || i >= int64(len(h.bits))*64 {
		return false
	}
	return h.bits[i/64]&(1<<(uint(i)%64)) != 0
}

func newHolidaySet(names map[int64]string) *holidaySet {
	h := &holidaySet{names: names}
	if len(names) == 0 {
		return h
	}
	lo, hi := int64(1)<<62, -(int64(1) << 62)
	for d := range names {
		lo, hi = min(lo, d), max(hi, d)
	}
	h.base = lo
	h.bits = make([]uint64, (hi-lo)/64+1)
	for d := range names {
		i := d - lo
		h.bits[i/64] |= 1 << (uint(i) % 64)
	}
	return h
}

// NewCalendar returns a calendar holding the built-in holidays (2026 and 2027) plus
// extra. Invalid extra entries are skipped; use Add to learn why one is rejected.
func NewCalendar(extra ...heydoctor.PublicHoliday) *Calendar {
	names := make(map[int64]string)
	for _, line := range strings.Split(builtinHolidays, "\n") {
		if hd, ok, err := parseHolidayLine(line); err == nil && ok {
			d, _ := dayOf(hd.Date)
			names[d] = hd.Name
		}
	}
	for _, hd := range extra {
		if d, name, err := checkHoliday(hd); err == nil {
			names[d] = name
		}
	}
	c := &Calendar{}
	c.snap.Store(newHolidaySet(names))
	return c
}

// parseHolidayLine reads one "YYYY-MM-DD<TAB>name" line of holidays.tsv; ok is false
// for blank and comment lines.
func parseHolidayLine(line string) (hd heydoctor.PublicHoliday, ok bool, err error) {
	line = strings.TrimRight(line, "\r")
	if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
		return hd, false, nil
	}
	date, name, found := strings.Cut(line, "\t")
	if !found {
		return hd, false, fmt.Errorf("holiday line %q: want date<TAB>name", line)
	}
	hd = heydoctor.PublicHoliday{Date: heydoctor.Date(date), Name: name}
	if _, _, err := checkHoliday(hd); err != nil {
		return hd, false, fmt.Errorf("holiday line %q: %w", line, err)
	}
	return hd, true, nil
}

func checkHoliday(hd heydoctor.PublicHoliday) (int64, string, error) {
	d, ok := dayOf(hd.Date)
	if !ok {
		return 0, "", heydoctor.FieldError("date", "공휴일 날짜 %q가 올바르지 않아요 (YYYY-MM-DD)", truncate(string(hd.Date), 20))
	}
	if y, _, _ := civilFromDays(d); y < minHolidayYear || y > maxHolidayYear {
		return 0, "", heydoctor.FieldError("date", "공휴일 날짜 %s는 %d년부터 %d년까지만 받을 수 있어요", hd.Date, minHolidayYear, maxHolidayYear)
	}
	name := strings.TrimSpace(hd.Name)
	switch {
	case len(name) > maxHolidayName:
		return 0, "", heydoctor.FieldError("name", "%s 공휴일 이름이 너무 길어요", hd.Date)
	case !utf8.ValidString(name):
		return 0, "", heydoctor.FieldError("name", "%s 공휴일 이름의 글자가 깨져 있어요", hd.Date)
	case name == "":
		name = "공휴일"
	}
	return d, name, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Add adds or renames holidays: a manual override table (임시공휴일) or a KASI month.
// Entries for a date already present replace it. Nothing is added when any entry is
// invalid.
func (c *Calendar) Add(hs ...heydoctor.PublicHoliday) error {
	return c.update(nil, hs)
}

// Replace makes the holidays from..to (inclusive) exactly hs. Use it for an
// authoritative KASI import of a year or month, so built-in guesses it does not confirm
// (a 2027 substitute day, say) are dropped instead of lingering.
func (c *Calendar) Replace(from, to heydoctor.Date, hs []heydoctor.PublicHoliday) error {
	lo, ok1 := dayOf(from)
	hi, ok2 := dayOf(to)
	switch {
	case !ok1:
		return heydoctor.FieldError("from", "날짜 %q가 올바르지 않아요 (YYYY-MM-DD)", truncate(string(from), 20))
	case !ok2:
		return heydoctor.FieldError("to", "날짜 %q가 올바르지 않아요 (YYYY-MM-DD)", truncate(string(to), 20))
	case hi < lo:
		return heydoctor.FieldError("to", "끝 날짜 %s가 시작 날짜 %s보다 빨라요", to, from)
	}
	return c.update(&[2]int64{lo, hi}, hs)
}

func (c *Calendar) update(clear *[2]int64, hs []heydoctor.PublicHoliday) error {
	if len(hs) > maxHolidays {
		return heydoctor.FieldError("holidays", "공휴일은 한 번에 %d개까지만 넣을 수 있어요", maxHolidays)
	}
	type entry struct {
		day  int64
		name string
	}
	add := make([]entry, 0, len(hs))
	for i, hd := range hs {
		d, name, err := checkHoliday(hd)
		if err != nil {
			return fmt.Errorf("holiday %d: %w", i, err)
		}
		if clear != nil && (d < clear[0] || d > clear[1]) {
			return heydoctor.FieldError("date", "공휴일 %s가 바꾸려는 기간 밖에 있어요", hd.Date)
		}
		add = append(add, entry{d, name})
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.load()
	names := make(map[int64]string, len(old.names)+len(add))
	for d, n := range old.names {
		if clear == nil || d < clear[0] || d > clear[1] {
			names[d] = n
		}
	}
	for _, e := range add {
		names[e.day] = e.name
	}
	if len(names) > maxHolidays {
		return heydoctor.FieldError("holidays", "공휴일이 %d개를 넘을 수 없어요", maxHolidays)
	}
	c.snap.Store(newHolidaySet(names))
	return nil
}

// load returns the current snapshot; a zero Calendar is empty and usable.
func (c *Calendar) load() *holidaySet {
	if h := c.snap.Load(); h != nil {
		return h
	}
	return &holidaySet{}
}

// IsHoliday reports whether d is a public holiday and its name.
func (c *Calendar) IsHoliday(d heydoctor.Date) (name string, ok bool) {
	day, valid := dayOf(d)
	if c == nil || !valid {
		return "", false
	}
	h := c.load()
	if !h.has(day) {
		return "", false
	}
	return h.names[day], true
}

// Years returns the years that have at least one holiday, ascending, so an operator can
// see when the calendar needs the next KASI import.
func (c *Calendar) Years() []int {
	if c == nil {
		return nil
	}
	var ys []int
	for d := range c.load().names {
		y, _, _ := civilFromDays(d)
		if !slices.Contains(ys, int(y)) {
			ys = append(ys, int(y))
		}
	}
	slices.Sort(ys)
	return ys
}

// List returns the holidays of year in date order, for display and checks.
func (c *Calendar) List(year int) []heydoctor.PublicHoliday {
	if c == nil {
		return nil
	}
	var out []heydoctor.PublicHoliday
	for d, n := range c.load().names {
		if y, _, _ := civilFromDays(d); int(y) == year {
			out = append(out, heydoctor.PublicHoliday{Date: dateOf(d), Name: n})
		}
	}
	slices.SortFunc(out, func(a, b heydoctor.PublicHoliday) int { return strings.Compare(string(a.Date), string(b.Date)) })
	return out
}
