// Package directory answers "which places of this department are open near here?": it
// keeps an in-memory nearby index of every institution with its compiled opening hours,
// reloads it when the database's directory version moves (imports, staff edits, other
// replicas), and evaluates open/closed/unknown in Korean time with public holidays and
// per-day closures.
package directory

import (
	"context"
	"log/slog"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unique"

	"heydoctor"
	"heydoctor/internal/hours"
	"heydoctor/internal/nearby"
)

// Store is what the directory reads.
type Store interface {
	AllInstitutions(ctx context.Context, fn func(*heydoctor.Institution) error) error
	DirectoryVersion(ctx context.Context) (int64, error)
	ListHolidays(ctx context.Context) ([]heydoctor.PublicHoliday, error)
	ListClosures(ctx context.Context, institutionID int64, from heydoctor.Date) ([]heydoctor.Closure, error)
}

// snapshot is one consistent view of the directory; readers never see a half-built one.
type snapshot struct {
	version  int64
	index    *nearby.Index
	weeks    map[int64]hours.Week
	closures map[int64][]heydoctor.Closure
	places   []place
	loadedAt time.Time
}

// Directory is safe for concurrent use.
type Directory struct {
	store  Store
	cal    *hours.Calendar
	log    *slog.Logger
	now    func() time.Time
	snap   atomic.Pointer[snapshot]
	loadMu sync.Mutex
}

// New makes a directory; call Refresh before serving.
func New(store Store, cal *hours.Calendar, log *slog.Logger, now func() time.Time) *Directory {
	d := &Directory{store: store, cal: cal, log: log, now: now}
	d.snap.Store(&snapshot{version: -1, index: nearby.New(nil), weeks: map[int64]hours.Week{}, closures: map[int64][]heydoctor.Closure{}})
	return d
}

// Calendar returns the holiday calendar in use.
func (d *Directory) Calendar() *hours.Calendar { return d.cal }

// Refresh reloads everything when the database's directory version differs from the
// loaded one. Several replicas sharing one MySQL each notice a change within one poll.
func (d *Directory) Refresh(ctx context.Context) error {
	d.loadMu.Lock()
	defer d.loadMu.Unlock()
	v, err := d.store.DirectoryVersion(ctx)
	if err != nil {
		return err
	}
	if cur := d.snap.Load(); cur.version == v {
		return nil
	}
	start := time.Now()
	var items []*heydoctor.Institution
	weeks := make(map[int64]hours.Week)
	err = d.store.AllInstitutions(ctx, func(in *heydoctor.Institution) error {
		intern(in)
		items = append(items, in)
		if in.Hours.Known() {
			weeks[in.ID] = hours.Compile(in.Hours)
		}
		return nil
	})
	if err != nil {
		return err
	}
	hs, err := d.store.ListHolidays(ctx)
	if err != nil {
		return err
	}
	if len(hs) > 0 {
		if err := d.cal.Add(hs...); err != nil {
			d.log.Warn("imported holidays not usable", "err", err)
		}
	}
	cl, err := d.store.ListClosures(ctx, 0, heydoctor.DateOf(d.now()).AddDays(-1))
	if err != nil {
		return err
	}
	closures := make(map[int64][]heydoctor.Closure)
	for _, c := range cl {
		closures[c.InstitutionID] = append(closures[c.InstitutionID], c)
	}
	s := &snapshot{version: v, index: nearby.New(items), weeks: weeks, closures: closures, places: buildPlaces(items), loadedAt: time.Now()}
	d.snap.Store(s)
	// A reload leaves the previous snapshot and the database pages as garbage: hand that
	// memory back now rather than carry twice the directory until the next GC cycle.
	debug.FreeOSMemory()
	d.log.Info("directory loaded", "institutions", s.index.Len(), "version", v, "took_ms", time.Since(start).Milliseconds())
	return nil
}

// intern shares the strings that repeat across 100,000 institutions (HHMM values,
// department codes, 종별 names), which roughly halves the directory's memory.
func intern(in *heydoctor.Institution) {
	in.TypeCode = unique.Make(in.TypeCode).Value()
	in.TypeName = unique.Make(in.TypeName).Value()
	in.Source = unique.Make(in.Source).Value()
	for i, d := range in.Departments {
		in.Departments[i] = unique.Make(d).Value()
	}
	for i, sp := range in.Hours.Day {
		in.Hours.Day[i] = heydoctor.Span{Open: unique.Make(sp.Open).Value(), Close: unique.Make(sp.Close).Value()}
	}
}

// Run refreshes every interval until ctx is done.
func (d *Directory) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := d.Refresh(ctx); err != nil && ctx.Err() == nil {
				d.log.Warn("directory refresh failed", "err", err)
			}
		}
	}
}

// Len is the number of searchable institutions.
func (d *Directory) Len() int { return d.snap.Load().index.Len() }

// Status returns an institution's open status at t.
func (d *Directory) Status(in *heydoctor.Institution, t time.Time) hours.Status {
	s := d.snap.Load()
	return s.status(in.ID, t, d.cal)
}

func (s *snapshot) status(id int64, t time.Time, cal *hours.Calendar) hours.Status {
	w, ok := s.weeks[id]
	if !ok {
		return hours.Status{} // unknown: never shown as open
	}
	return w.At(t, cal, s.closures[id])
}

// Query is a nearby search with an optional open-at instant.
type Query struct {
	nearby.Query
	// OpenAt, when set, keeps only places open at that instant (unknown hours are left out).
	OpenAt time.Time
	// At is the instant for the reported status; now when zero.
	At time.Time
}

// Result is one place found, with its status at the query instant.
type Result struct {
	Institution *heydoctor.Institution
	DistanceM   float64
	Status      hours.Status
}

// Search returns places nearest first.
func (d *Directory) Search(q Query) []Result {
	s := d.snap.Load()
	at := q.At
	if at.IsZero() {
		at = d.now()
	}
	if !q.OpenAt.IsZero() {
		at = q.OpenAt
		openAt, prev := q.OpenAt, q.Match
		q.Query.Match = func(in *heydoctor.Institution) bool {
			if prev != nil && !prev(in) {
				return false
			}
			return s.status(in.ID, openAt, d.cal).State == hours.Open
		}
	}
	hits := s.index.Search(q.Query)
	out := make([]Result, len(hits))
	for i, h := range hits {
		out[i] = Result{Institution: h.Institution, DistanceM: h.DistanceM, Status: s.status(h.Institution.ID, at, d.cal)}
	}
	return out
}

// Get returns a searchable institution by id from memory.
func (d *Directory) Get(id int64) (*heydoctor.Institution, bool) { return d.snap.Load().index.Get(id) }

// Closures returns an institution's upcoming closures.
func (d *Directory) Closures(id int64) []heydoctor.Closure { return d.snap.Load().closures[id] }

// Place is a named point people can pick instead of sharing their location.
type Place struct {
	Name  string  `json:"name"`
	Kind  string  `json:"kind"` // area (시/구/동), institution
	Lat   float64 `json:"lat"`
	Lng   float64 `json:"lng"`
	Count int     `json:"count,omitempty"` // institutions in an area
}

type place struct {
	Place
	key string
}

// buildPlaces derives areas (the 시/군/구 and 동/읍/면 of addresses, each at the centre of
// its institutions) and institution names from the data itself.
func buildPlaces(items []*heydoctor.Institution) []place {
	type acc struct {
		lat, lng float64
		n        int
	}
	areas := map[string]*acc{}
	var out []place
	for _, in := range items {
		if !in.HasLocation() || in.Status == heydoctor.StatusClosed {
			continue
		}
		out = append(out, place{Place: Place{Name: in.Name, Kind: "institution", Lat: in.Lat, Lng: in.Lng}, key: fold(in.Name)})
		for _, a := range areaNames(in.Address) {
			x := areas[a]
			if x == nil {
				x = &acc{}
				areas[a] = x
			}
			x.lat += in.Lat
			x.lng += in.Lng
			x.n++
		}
	}
	for name, x := range areas {
		out = append(out, place{Place: Place{Name: name, Kind: "area", Lat: x.lat / float64(x.n), Lng: x.lng / float64(x.n), Count: x.n}, key: fold(name)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind == "area"
		}
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// areaNames returns "시흥시", "시흥시 정왕동"-style names from an address such as
// "경기도 시흥시 정왕동 123" or "서울특별시 강남구 남부순환로 2649, 베드로병원 (도곡동)".
func areaNames(addr string) []string {
	f := strings.Fields(strings.NewReplacer("(", " ", ")", " ", ",", " ").Replace(addr))
	var city string
	var names []string
	for i, w := range f {
		if i == 0 {
			continue // 시도
		}
		switch {
		case city == "" && (strings.HasSuffix(w, "시") || strings.HasSuffix(w, "군") || strings.HasSuffix(w, "구")):
			city = w
			names = append(names, w)
		case city != "" && len([]rune(w)) >= 2 && (strings.HasSuffix(w, "동") || strings.HasSuffix(w, "읍") || strings.HasSuffix(w, "면") || strings.HasSuffix(w, "구")) && !strings.ContainsAny(w, "0123456789-"):
			names = append(names, city+" "+w)
		}
	}
	return names
}

func fold(s string) string { return strings.ToLower(strings.ReplaceAll(s, " ", "")) }

// Places finds up to limit places whose name contains q (spaces ignored), areas first.
func (d *Directory) Places(q string, limit int) []Place {
	k := fold(q)
	if k == "" {
		return nil
	}
	var out []Place
	for _, p := range d.snap.Load().places {
		if strings.Contains(p.key, k) {
			out = append(out, p.Place)
			if len(out) == limit {
				break
			}
		}
	}
	return out
}
