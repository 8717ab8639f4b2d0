// Package directory answers "which places of this department are open near here?": it
// keeps a slim in-memory entry per operating institution (what a result list shows, the
// compiled weekly hours and the search filters; about 200 bytes each, so the whole
// country fits in a few tens of megabytes), follows the database's directory version
// (imports, staff edits, other replicas) and evaluates open/closed/unknown in Korean time
// with public holidays and per-day closures. Detail pages read the full record from the
// store.
//
// A staff edit of one institution moves the version by one and names the institution in
// the store's change log; Refresh then re-reads only that institution. Anything else (an
// import, a gap in the log) reloads everything.
package directory

import (
	"cmp"
	"context"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"heydoctor"
	"heydoctor/internal/hours"
	"heydoctor/internal/nearby"
)

// Store is what the directory reads.
type Store interface {
	// ScanDirectory calls fn for every operating institution with coordinates, with the
	// fields a result list needs. fn must copy what it keeps: the value is reused.
	ScanDirectory(ctx context.Context, fn func(*heydoctor.Institution) error) error
	DirectoryVersion(ctx context.Context) (int64, error)
	// DirectoryChanges lists the institutions changed by the versions after `after`, up to
	// current. complete is false when some of those versions changed more than one
	// institution (an import) or are no longer logged.
	DirectoryChanges(ctx context.Context, after int64) (current int64, ids []int64, complete bool, err error)
	FindInstitutionByID(ctx context.Context, id int64) (*heydoctor.Institution, error)
	ListHolidays(ctx context.Context) ([]heydoctor.PublicHoliday, error)
	ListClosures(ctx context.Context, institutionID int64, from heydoctor.Date) ([]heydoctor.Closure, error)
}

// entry is one searchable institution, slim (72 bytes and its text): its full record
// stays in the store. What many institutions share (종별, department lists, weekly
// hours) is stored once and pointed to.
type entry struct {
	id               int64
	lat, lng         float64
	text             string // name, address and phone, one allocation
	nameEnd, addrEnd uint16
	typ              *typeInfo
	depts            *string     // comma list of D-codes
	week             *hours.Week // nil: unknown hours
	spec             uint64      // bit i: Departments()[i] has a 전문의 (when specKnown)
	er               bool
	onboarded        bool
	demo             bool
	specKnown        bool // the source published specialist counts
}

// typeInfo is what an institution's 종별 says, shared by every institution of that 종별.
type typeInfo struct {
	kind        heydoctor.InstitutionKind
	code, name  string
	residential bool
}

// shared hands out one pointer per distinct value, so that 100,000 entries refer to a
// few hundred 종별, a few thousand department lists and weekly hours. Values are never
// modified once handed out; the tables only grow (by what imports bring), under the
// directory's load lock.
type shared struct {
	types map[typeInfo]*typeInfo
	depts map[string]*string
	weeks map[hours.Week]*hours.Week
}

func newShared() *shared {
	return &shared{types: map[typeInfo]*typeInfo{}, depts: map[string]*string{}, weeks: map[hours.Week]*hours.Week{}}
}

func (sh *shared) typ(t typeInfo) *typeInfo {
	if p, ok := sh.types[t]; ok {
		return p
	}
	p := &t
	sh.types[t] = p
	return p
}

func (sh *shared) deptList(d []string) *string {
	key := strings.Join(d, ",")
	if p, ok := sh.depts[key]; ok {
		return p
	}
	p := &key
	sh.depts[key] = p
	return p
}

func (sh *shared) week(w hours.Week) *hours.Week {
	if p, ok := sh.weeks[w]; ok {
		return p
	}
	p := &w
	sh.weeks[w] = p
	return p
}

func (e *entry) name() string    { return e.text[:e.nameEnd] }
func (e *entry) address() string { return e.text[e.nameEnd:e.addrEnd] }
func (e *entry) phone() string   { return e.text[e.addrEnd:] }

// newEntry keeps what a list shows from in. It reports false for institutions that
// cannot be searched (closed, suspended, without coordinates).
func (sh *shared) newEntry(in *heydoctor.Institution) (entry, bool) {
	if in.Status != "" && in.Status != heydoctor.StatusOperating {
		return entry{}, false
	}
	if !in.HasLocation() || !(in.Lat >= -90 && in.Lat <= 90 && in.Lng >= -180 && in.Lng <= 180) {
		return entry{}, false
	}
	name, addr, phone := clip(in.Name), clip(in.Address), clip(in.Phone)
	e := entry{
		id: in.ID, lat: in.Lat, lng: in.Lng,
		text:    name + addr + phone,
		nameEnd: uint16(len(name)), addrEnd: uint16(len(name) + len(addr)),
		typ: sh.typ(typeInfo{kind: in.Kind, code: in.TypeCode, name: in.TypeName,
			residential: in.Class.LongStay() || Residential(in.TypeName)}),
		depts:     sh.deptList(in.Departments),
		er:        in.ER,
		onboarded: in.Onboarded,
		demo:      in.Demo,
	}
	if in.Hours.Known() {
		e.week = sh.week(hours.Compile(in.Hours))
	}
	if in.Specialists != nil {
		e.specKnown = true
		for code, n := range in.Specialists {
			if i, ok := deptBit[code]; ok && n > 0 {
				e.spec |= 1 << i
			}
		}
	}
	return e, true
}

// deptBit numbers the canonical departments (fewer than 64) for specialist bit sets.
var deptBit = func() map[string]uint {
	m := map[string]uint{}
	for i, d := range heydoctor.Departments() {
		if i < 64 {
			m[d.Code] = uint(i)
		}
	}
	return m
}()

// noSpecialistM is how much farther a place counts in a department search when its
// published specialist counts show no 전문의 of that department (a clinic listing 내과
// among many 진료과목): still listed, after the specialists a few hundred metres on.
const noSpecialistM = 700

// clip bounds a display string so that its offsets fit in 16 bits.
func clip(s string) string {
	const limit = 1 << 13
	if len(s) <= limit {
		return s
	}
	return strings.ToValidUTF8(s[:limit], "")
}

// Residential reports whether a 종별 name is long-term or psychiatric inpatient care
// (요양병원, 정신병원), which a search lists only when asked for by type or when nothing
// else is near.
func Residential(typeName string) bool {
	return strings.Contains(typeName, "요양병원") || strings.Contains(typeName, "정신병원")
}

func (e *entry) item() nearby.Item {
	it := nearby.Item{ID: e.id, Lat: e.lat, Lng: e.lng, Kind: e.typ.kind, TypeCode: e.typ.code, ER: e.er, Residential: e.typ.residential}
	if *e.depts != "" {
		it.Departments = strings.Split(*e.depts, ",")
	}
	return it
}

// institution materialises the slim entry; fields a list does not show are left empty.
func (e *entry) institution() *heydoctor.Institution {
	in := &heydoctor.Institution{ID: e.id, Kind: e.typ.kind, TypeCode: e.typ.code, TypeName: e.typ.name,
		Name: e.name(), Address: e.address(), Phone: e.phone(), Lat: e.lat, Lng: e.lng,
		ER: e.er, Onboarded: e.onboarded, Demo: e.demo, Status: heydoctor.StatusOperating}
	if *e.depts != "" {
		in.Departments = strings.Split(*e.depts, ",")
	}
	return in
}

// base is the part of a snapshot rebuilt only by a full load or a compaction.
type base struct {
	entries []entry // by nearby Ref
	index   *nearby.Index
	places  []place
}

// snapshot is one consistent view of the directory; readers never see a half-built one.
type snapshot struct {
	version  int64
	base     *base
	over     map[int32]*entry // entries changed since the base was built, by Ref
	closures map[int64][]heydoctor.Closure
}

func (s *snapshot) entry(ref int32) *entry {
	if e, ok := s.over[ref]; ok {
		return e
	}
	return &s.base.entries[ref]
}

func (s *snapshot) byID(id int64) (*entry, bool) {
	ref, ok := s.base.index.Get(id)
	if !ok {
		return nil, false
	}
	return s.entry(ref), true
}

// maxOverlay is how many changed entries a snapshot carries before they are folded into
// a new base (an in-memory rebuild of tens of milliseconds, no database read).
const maxOverlay = 512

// Directory is safe for concurrent use.
type Directory struct {
	store  Store
	cal    *hours.Calendar
	log    *slog.Logger
	now    func() time.Time
	snap   atomic.Pointer[snapshot]
	loadMu sync.Mutex
	shared *shared // guarded by loadMu
}

// New makes a directory; call Refresh before serving.
func New(store Store, cal *hours.Calendar, log *slog.Logger, now func() time.Time) *Directory {
	d := &Directory{store: store, cal: cal, log: log, now: now, shared: newShared()}
	d.snap.Store(&snapshot{version: -1, base: &base{index: nearby.New(nil)}, closures: map[int64][]heydoctor.Closure{}})
	return d
}

// Calendar returns the holiday calendar in use.
func (d *Directory) Calendar() *hours.Calendar { return d.cal }

// Refresh brings the directory to the database's directory version: the changed
// institutions only when the change log covers every version since the loaded one,
// everything otherwise. Several replicas sharing one MySQL each notice a change within
// one poll.
func (d *Directory) Refresh(ctx context.Context) error {
	d.loadMu.Lock()
	defer d.loadMu.Unlock()
	cur := d.snap.Load()
	if cur.version >= 0 {
		v, ids, complete, err := d.store.DirectoryChanges(ctx, cur.version)
		if err != nil {
			return err
		}
		if v == cur.version {
			return nil
		}
		if complete && v > cur.version {
			return d.update(ctx, cur, v, ids)
		}
	}
	return d.load(ctx)
}

// load reads the whole directory.
func (d *Directory) load(ctx context.Context) error {
	v, err := d.store.DirectoryVersion(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	var entries []entry
	sh := newShared() // a full load starts the shared tables afresh, dropping what is gone
	err = d.store.ScanDirectory(ctx, func(in *heydoctor.Institution) error {
		if e, ok := sh.newEntry(in); ok {
			entries = append(entries, e)
		}
		return nil
	})
	if err != nil {
		return err
	}
	entries = slices.Clip(slices.Clone(entries)) // exactly as long as needed
	d.shared = sh
	hs, err := d.store.ListHolidays(ctx)
	if err != nil {
		return err
	}
	if len(hs) > 0 {
		if err := d.cal.Add(hs...); err != nil {
			d.log.Warn("imported holidays not usable", "err", err)
		}
	}
	cl, err := d.store.ListClosures(ctx, 0, d.closuresFrom())
	if err != nil {
		return err
	}
	closures := make(map[int64][]heydoctor.Closure)
	for _, c := range cl {
		closures[c.InstitutionID] = append(closures[c.InstitutionID], c)
	}
	s := &snapshot{version: v, base: newBase(entries), closures: closures}
	d.snap.Store(s)
	// A reload leaves the previous snapshot and the database pages as garbage: hand that
	// memory back now rather than carry twice the directory until the next GC cycle.
	debug.FreeOSMemory()
	d.log.Info("directory loaded", "institutions", s.base.index.Len(), "version", v, "took_ms", time.Since(start).Milliseconds())
	return nil
}

func (d *Directory) closuresFrom() heydoctor.Date { return heydoctor.DateOf(d.now()).AddDays(-1) }

func newBase(entries []entry) *base {
	items := make([]nearby.Item, len(entries))
	for k := range entries {
		items[k] = entries[k].item()
	}
	return &base{entries: entries, index: nearby.New(items), places: buildPlaces(entries)}
}

// update re-reads the institutions in ids and publishes a snapshot at version v.
func (d *Directory) update(ctx context.Context, cur *snapshot, v int64, ids []int64) error {
	start := time.Now()
	next := &snapshot{version: v, base: cur.base, over: make(map[int32]*entry, len(cur.over)+len(ids)), closures: make(map[int64][]heydoctor.Closure, len(cur.closures))}
	for ref, e := range cur.over {
		next.over[ref] = e
	}
	for id, c := range cur.closures {
		next.closures[id] = c
	}
	rebuild := false
	var added []entry
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		in, err := d.store.FindInstitutionByID(ctx, id)
		if heydoctor.KindOf(err) == heydoctor.NotFound {
			in = &heydoctor.Institution{ID: id, Status: heydoctor.StatusClosed}
		} else if err != nil {
			return err
		}
		cl, err := d.store.ListClosures(ctx, id, d.closuresFrom())
		if err != nil {
			return err
		}
		if len(cl) > 0 {
			next.closures[id] = cl
		} else {
			delete(next.closures, id)
		}
		e, ok := d.shared.newEntry(in)
		ref, had := cur.base.index.Get(id)
		switch {
		case !had && !ok:
		case !had:
			added = append(added, e)
			rebuild = true
		case !ok:
			next.over[ref] = nil // removed at the next rebuild, below
			rebuild = true
		default:
			old := cur.entry(ref)
			next.over[ref] = &e
			if !sameSearch(old, &e) {
				rebuild = true
			}
		}
	}
	if rebuild || len(next.over) > maxOverlay {
		entries := make([]entry, 0, len(cur.base.entries)+len(added))
		for ref := range cur.base.entries {
			e, changed := next.over[int32(ref)]
			switch {
			case !changed:
				entries = append(entries, cur.base.entries[ref])
			case e != nil:
				entries = append(entries, *e)
			}
		}
		next.base, next.over = newBase(append(entries, added...)), nil
	}
	d.snap.Store(next)
	d.log.Info("directory updated", "institutions", len(seen), "version", v, "rebuilt", next.over == nil, "took_ms", time.Since(start).Milliseconds())
	return nil
}

// sameSearch reports whether two entries index and name the same way, so that a changed
// entry can replace the old one without rebuilding the index and the place list.
func sameSearch(a, b *entry) bool {
	return a.lat == b.lat && a.lng == b.lng && a.typ == b.typ && a.depts == b.depts && a.er == b.er &&
		a.name() == b.name() && a.address() == b.address()
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
func (d *Directory) Len() int { return d.snap.Load().base.index.Len() }

// Status returns an institution's open status at t. Institutions not in the directory
// (closed, without coordinates) are evaluated from their own hours.
func (d *Directory) Status(in *heydoctor.Institution, t time.Time) hours.Status {
	s := d.snap.Load()
	if e, ok := s.byID(in.ID); ok && e != nil {
		return s.status(e, t, d.cal)
	}
	if !in.Hours.Known() {
		return hours.Status{}
	}
	return hours.Compile(in.Hours).At(t, d.cal, s.closures[in.ID])
}

func (s *snapshot) status(e *entry, t time.Time, cal *hours.Calendar) hours.Status {
	cl := s.closures[e.id]
	if e.week == nil {
		if len(cl) == 0 {
			return hours.Status{} // unknown: never shown as open
		}
		return hours.Week{}.At(t, cal, cl)
	}
	return e.week.At(t, cal, cl)
}

// Query is a nearby search with an optional open-at instant.
type Query struct {
	nearby.Query
	// OpenAt, when set, keeps only places open at that instant (unknown hours are left out).
	OpenAt time.Time
	// At is the instant for the reported status; now when zero.
	At time.Time
}

// Result is one place found, with its status at the query instant. Institution holds
// what a list shows (no hours, notes or source ids: read the store for those).
type Result struct {
	Institution *heydoctor.Institution
	DistanceM   float64
	Status      hours.Status
}

// Search returns places nearest first. Long-term and psychiatric care (see Residential)
// is left out unless the query names type codes or nothing else matches. An ER search
// without kinds looks at hospitals only: a clinic's "응급실 운영" flag is not an
// emergency room for a patient with chest pain.
func (d *Directory) Search(q Query) []Result {
	s := d.snap.Load()
	at := q.At
	if at.IsZero() {
		at = d.now()
	}
	if q.EROnly && len(q.Kinds) == 0 {
		q.Kinds = []heydoctor.InstitutionKind{heydoctor.KindHospital}
	}
	if !q.OpenAt.IsZero() {
		at = q.OpenAt
		openAt, prev := q.OpenAt, q.Match
		q.Query.Match = func(ref int32) bool {
			if prev != nil && !prev(ref) {
				return false
			}
			return s.status(s.entry(ref), openAt, d.cal).State == hours.Open
		}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = nearby.DefaultLimit
	}
	limit = min(limit, nearby.MaxLimit)
	var want uint64
	for _, code := range q.Departments {
		if i, ok := deptBit[code]; ok {
			want |= 1 << i
		}
	}
	if want != 0 {
		q.Limit = min(limit*3, nearby.MaxLimit) // room to move specialists up
	}
	var hits []nearby.Hit
	if len(q.TypeCodes) == 0 && !q.NoResidential {
		first := q.Query
		first.NoResidential = true
		hits = s.base.index.Search(first)
	}
	if len(hits) == 0 {
		hits = s.base.index.Search(q.Query)
	}
	if want != 0 {
		rank := func(h nearby.Hit) float64 {
			if e := s.entry(h.Ref); e.specKnown && e.spec&want == 0 {
				return h.DistanceM + noSpecialistM
			}
			return h.DistanceM
		}
		slices.SortStableFunc(hits, func(a, b nearby.Hit) int { return cmp.Compare(rank(a), rank(b)) })
		hits = hits[:min(len(hits), limit)]
	}
	out := make([]Result, 0, len(hits))
	for _, h := range hits {
		e := s.entry(h.Ref)
		out = append(out, Result{Institution: e.institution(), DistanceM: h.DistanceM, Status: s.status(e, at, d.cal)})
	}
	return out
}

// Get returns a searchable institution by id from memory, as Search lists it.
func (d *Directory) Get(id int64) (*heydoctor.Institution, bool) {
	e, ok := d.snap.Load().byID(id)
	if !ok || e == nil {
		return nil, false
	}
	return e.institution(), true
}

// Closures returns an institution's upcoming closures.
func (d *Directory) Closures(id int64) []heydoctor.Closure { return d.snap.Load().closures[id] }

// Version is the directory version loaded.
func (d *Directory) Version() int64 { return d.snap.Load().version }

// ERRadiiM are the radii an emergency-room search widens through, so that "근처 응급실"
// always ends with the nearest ones there are, up to nearby.MaxRadiusM.
var ERRadiiM = []float64{5_000, 10_000, 20_000, 30_000, nearby.MaxRadiusM}

// Widen runs q at each radius in turn and returns the first non-empty answer and the
// radius that gave it (the last radius when nothing was found).
func (d *Directory) Widen(q Query, radiiM ...float64) ([]Result, float64) {
	var r float64
	for _, r = range radiiM {
		q.RadiusM = r
		if res := d.Search(q); len(res) > 0 {
			return res, r
		}
	}
	return nil, r
}
