// Package nearby answers "which institutions are nearest to this point" from memory, fast
// enough to run on every chat message and map drag without touching the database.
//
// The index is a uniform latitude/longitude grid stored in compressed-row form: all points
// sorted by cell, one offset per cell. A search expands ring by ring around the query cell
// and keeps going until the nearest point any unscanned ring could hold is farther than the
// radius or than everything already good enough, so the order is exact, not approximate.
// Distances are great-circle (haversine) on a sphere of EarthRadiusM; against the WGS84
// ellipsoid that is within about 0.5%, which is below what a patient can notice.
//
// The index knows nothing about opening hours or names: it holds only what it filters on
// (a few dozen bytes per place) and refers to the caller's records by their position in
// the slice it was built from. Callers pass Query.Match, evaluated lazily in distance
// order, for "open now" and other expensive checks.
package nearby

import (
	"math"
	"slices"
	"sync"
	"unsafe"

	"heydoctor"
)

// Search limits. Radii above MaxRadiusM are capped because nobody walks or drives 50 km for
// a clinic and a bigger radius would let one query scan the country.
const (
	DefaultRadiusM = 3_000
	MaxRadiusM     = 50_000
	DefaultLimit   = 20
	MaxLimit       = 100

	// EarthRadiusM is the mean Earth radius (IUGG) used for haversine distances.
	EarthRadiusM = 6_371_008.8
)

const (
	baseCellDeg = 0.01    // ≈ 1.1 km north-south: a dense Seoul cell holds a few dozen points
	maxCells    = 1 << 20 // caps grid memory (4 MiB of offsets) whatever the coordinates
	overflowBit = 63      // shared by codes that got no bit of their own; verified slowly
	deg2rad     = math.Pi / 180
	// boundSlackRad absorbs floating-point rounding in cell assignment (≈ 6 mm).
	boundSlackRad = 1e-9
)

// Kind bits; anything else (an invalid kind) shares kindOther and is verified slowly.
const (
	kindHospital uint8 = 1 << iota
	kindClinic
	kindPharmacy
	kindOther
)

// Query selects institutions around a point. Zero filter fields do not filter.
type Query struct {
	Lat, Lng    float64
	RadiusM     float64 // capped at MaxRadiusM; <= 0 or NaN means DefaultRadiusM
	Departments []string
	Kinds       []heydoctor.InstitutionKind
	TypeCodes   []string
	EROnly      bool
	// NoResidential leaves out items marked Residential (long-term and psychiatric care).
	NoResidential bool
	Limit         int // capped at MaxLimit; <= 0 means DefaultLimit
	// Match, if set, is called only on candidates that pass every other filter, nearest
	// first, and no more often than needed to fill Limit, with the candidate's Ref.
	Match func(ref int32) bool
}

// Item is what the index needs to know about one place. Ref is the item's position in
// the slice passed to New, which is how hits and Match name it.
type Item struct {
	ID          int64
	Lat, Lng    float64 // WGS84 degrees
	Kind        heydoctor.InstitutionKind
	TypeCode    string
	Departments []string
	ER          bool
	// Residential marks long-term and psychiatric care (요양병원, 정신병원), which a
	// patient looking for a clinic wants only when asked for or when nothing else is near.
	Residential bool
}

// Hit is one search result.
type Hit struct {
	Ref       int32
	ID        int64
	DistanceM float64
}

// point is the hot per-item data, kept apart from everything else so the scan reads
// one compact array in cell order.
type point struct {
	lat, lng float64 // radians
	cos      float64 // cos(lat), precomputed for haversine
	depts    uint64
	types    uint64
	id       int64
	ref      int32
	kind     uint8
	er       bool
	resi     bool
}

// Index is an immutable spatial index over items with coordinates. It is safe for
// concurrent use and keeps no reference to the items it was built from.
type Index struct {
	pts   []point
	byID  map[int64]int32 // ID → Ref
	slow  map[int32]*Item // items whose codes or kind share a bit with others, by Ref
	g     grid
	depts codeBits
	types codeBits
	pool  *sync.Pool // *scratch
}

type grid struct {
	lat0, lng0       float64 // south-west corner, degrees
	cellLat, cellLng float64 // degrees
	nLat, nLng       int
	start            []int32 // len nLat*nLng+1: points of cell c are pts[start[c]:start[c+1]]
}

// codeBits gives each distinct code a bit so that "any of these codes" is one AND.
type codeBits struct {
	bit map[string]uint8
}

func (c *codeBits) add(code string) {
	if _, ok := c.bit[code]; ok || len(c.bit) >= overflowBit {
		return
	}
	c.bit[code] = uint8(len(c.bit))
}

func (c *codeBits) mask(code string) uint64 {
	if b, ok := c.bit[code]; ok {
		return 1 << b
	}
	return 1 << overflowBit
}

type cand struct {
	a   float64 // haversine term, monotonic in distance
	id  int64
	ref int32
}

type scratch struct {
	heap []cand
}

// usable reports whether an item has sane coordinates (0,0 means unknown).
func usable(it *Item) bool {
	if it.Lat == 0 && it.Lng == 0 {
		return false
	}
	return it.Lat >= -90 && it.Lat <= 90 && it.Lng >= -180 && it.Lng <= 180 // false for NaN
}

// New builds an index over items, skipping those without usable coordinates. When IDs
// repeat (and are non-zero), the last item wins.
func New(items []Item) *Index {
	last := make(map[int64]int32, len(items))
	for k := range items {
		if id := items[k].ID; id != 0 {
			last[id] = int32(k)
		}
	}
	keep := make([]int32, 0, len(items))
	for k := range items {
		it := &items[k]
		if !usable(it) || (it.ID != 0 && last[it.ID] != int32(k)) {
			continue
		}
		keep = append(keep, int32(k))
	}
	return build(items, keep)
}

func build(items []Item, keep []int32) *Index {
	ix := &Index{
		byID:  make(map[int64]int32, len(keep)),
		depts: codeBits{bit: make(map[string]uint8)},
		types: codeBits{bit: make(map[string]uint8)},
		pool:  &sync.Pool{New: func() any { return &scratch{heap: make([]cand, 0, 256)} }},
	}
	for _, d := range heydoctor.Departments() {
		ix.depts.add(d.Code)
	}
	for _, k := range keep {
		for _, d := range items[k].Departments {
			ix.depts.add(d)
		}
		ix.types.add(items[k].TypeCode)
	}
	ix.g = newGrid(items, keep)
	g := &ix.g

	// Counting sort by cell, stable so equal cells keep input order.
	cells := make([]int32, len(keep))
	counts := make([]int32, g.nLat*g.nLng+1)
	for n, k := range keep {
		c := g.cellOf(items[k].Lat, items[k].Lng)
		cells[n] = int32(c)
		counts[c+1]++
	}
	for c := 1; c < len(counts); c++ {
		counts[c] += counts[c-1]
	}
	g.start = slices.Clone(counts)
	ix.pts = make([]point, len(keep))
	for n, k := range keep {
		it := &items[k]
		c := cells[n]
		at := counts[c]
		counts[c]++
		lat := it.Lat * deg2rad
		p := point{lat: lat, lng: it.Lng * deg2rad, cos: math.Cos(lat), id: it.ID, ref: k, er: it.ER, resi: it.Residential,
			kind: kindBit(it.Kind), types: ix.types.mask(it.TypeCode)}
		for _, d := range it.Departments {
			p.depts |= ix.depts.mask(d)
		}
		if p.kind == kindOther || p.types&(1<<overflowBit) != 0 || p.depts&(1<<overflowBit) != 0 {
			if ix.slow == nil {
				ix.slow = make(map[int32]*Item)
			}
			cp := *it
			ix.slow[k] = &cp
		}
		ix.pts[at] = p
		if it.ID != 0 {
			ix.byID[it.ID] = k
		}
	}
	return ix
}

func kindBit(k heydoctor.InstitutionKind) uint8 {
	switch k {
	case heydoctor.KindHospital:
		return kindHospital
	case heydoctor.KindClinic:
		return kindClinic
	case heydoctor.KindPharmacy:
		return kindPharmacy
	}
	return kindOther
}

func newGrid(items []Item, keep []int32) grid {
	if len(keep) == 0 {
		return grid{cellLat: baseCellDeg, cellLng: baseCellDeg, start: []int32{0}}
	}
	minLat, maxLat, minLng, maxLng := 90.0, -90.0, 180.0, -180.0
	for _, k := range keep {
		in := &items[k]
		minLat, maxLat = min(minLat, in.Lat), max(maxLat, in.Lat)
		minLng, maxLng = min(minLng, in.Lng), max(maxLng, in.Lng)
	}
	// Roughly square cells in metres at the middle latitude, so rings grow evenly.
	c := math.Cos((minLat + maxLat) / 2 * deg2rad)
	g := grid{lat0: minLat, lng0: minLng, cellLat: baseCellDeg, cellLng: baseCellDeg / max(c, 0.1)}
	for {
		g.nLat = int((maxLat-minLat)/g.cellLat) + 1
		g.nLng = int((maxLng-minLng)/g.cellLng) + 1
		if g.nLat*g.nLng <= maxCells {
			return g
		}
		g.cellLat *= 2
		g.cellLng *= 2
	}
}

// cellOf returns the cell of a point inside the grid's bounding box.
func (g *grid) cellOf(lat, lng float64) int {
	i := min(max(int((lat-g.lat0)/g.cellLat), 0), g.nLat-1)
	j := min(max(int((lng-g.lng0)/g.cellLng), 0), g.nLng-1)
	return i*g.nLng + j
}

// Len returns the number of indexed institutions.
func (ix *Index) Len() int {
	if ix == nil {
		return 0
	}
	return len(ix.pts)
}

// Get returns the Ref of the indexed item with this ID; unlocated ones are not indexed.
func (ix *Index) Get(id int64) (int32, bool) {
	if ix == nil || id == 0 {
		return 0, false
	}
	k, ok := ix.byID[id]
	return k, ok
}

// Stats describes the index for logs and metrics.
type Stats struct {
	Institutions  int
	Cells         int
	NonEmptyCells int
	MaxPerCell    int
	CellLatDeg    float64
	CellLngDeg    float64
	// Bytes estimates the index's memory.
	Bytes int64
}

// Stats returns the index's size and shape.
func (ix *Index) Stats() Stats {
	if ix == nil {
		return Stats{}
	}
	s := Stats{Institutions: len(ix.pts), Cells: ix.g.nLat * ix.g.nLng, CellLatDeg: ix.g.cellLat, CellLngDeg: ix.g.cellLng}
	for c := 0; c+1 < len(ix.g.start); c++ {
		if n := int(ix.g.start[c+1] - ix.g.start[c]); n > 0 {
			s.NonEmptyCells++
			s.MaxPerCell = max(s.MaxPerCell, n)
		}
	}
	s.Bytes = int64(len(ix.pts))*int64(unsafe.Sizeof(point{})) + int64(len(ix.g.start))*4 +
		int64(len(ix.byID))*16 // map entries, roughly
	return s
}

// filter is a Query compiled to masks.
type filter struct {
	depts, types uint64
	kinds        uint8
	er, noResi   bool
	slowDepts    []string // query codes that share the overflow bit
	slowTypes    []string
	slowKinds    []heydoctor.InstitutionKind
}

// compile turns q's filters into masks.
func (ix *Index) compile(q *Query) (f filter) {
	f.er, f.noResi = q.EROnly, q.NoResidential
	for _, d := range q.Departments {
		m := ix.depts.mask(d)
		f.depts |= m
		if m == 1<<overflowBit {
			f.slowDepts = append(f.slowDepts, d)
		}
	}
	for _, t := range q.TypeCodes {
		m := ix.types.mask(t)
		f.types |= m
		if m == 1<<overflowBit {
			f.slowTypes = append(f.slowTypes, t)
		}
	}
	for _, k := range q.Kinds {
		b := kindBit(k)
		f.kinds |= b
		if b == kindOther {
			f.slowKinds = append(f.slowKinds, k)
		}
	}
	return f
}

// pass applies the cheap filters to point p.
func (ix *Index) pass(f *filter, p *point) bool {
	if (f.er && !p.er) || (f.noResi && p.resi) {
		return false
	}
	if f.kinds != 0 {
		m := p.kind & f.kinds
		if m == 0 || (m == kindOther && !slices.Contains(f.slowKinds, ix.slow[p.ref].Kind)) {
			return false
		}
	}
	if f.depts != 0 {
		m := p.depts & f.depts
		if m == 0 || (m == 1<<overflowBit && !containsAny(ix.slow[p.ref].Departments, f.slowDepts)) {
			return false
		}
	}
	if f.types != 0 {
		m := p.types & f.types
		if m == 0 || (m == 1<<overflowBit && !slices.Contains(f.slowTypes, ix.slow[p.ref].TypeCode)) {
			return false
		}
	}
	return true
}

func containsAny(have, want []string) bool {
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

// hav is the haversine term a = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2); the distance is
// 2R·asin(√a). Comparing a instead of metres saves an asin and a sqrt per candidate.
func hav(lat1, cos1, lng1, lat2, cos2, lng2 float64) float64 {
	s := math.Sin((lat2 - lat1) / 2)
	t := math.Sin((lng2 - lng1) / 2)
	return s*s + cos1*cos2*t*t
}

func metres(a float64) float64 {
	return 2 * EarthRadiusM * math.Asin(math.Sqrt(min(max(a, 0), 1)))
}

func sqHalfSin(x float64) float64 {
	s := math.Sin(min(max(x, 0), math.Pi) / 2)
	return s * s
}

// Search returns the institutions matching q, nearest first (ties by ID), at most q.Limit.
// An invalid point returns nothing.
func (ix *Index) Search(q Query) []Hit {
	if ix == nil || len(ix.pts) == 0 || !(q.Lat >= -90 && q.Lat <= 90 && q.Lng >= -180 && q.Lng <= 180) {
		return nil
	}
	radius := q.RadiusM
	if !(radius > 0) {
		radius = DefaultRadiusM
	}
	radius = min(radius, MaxRadiusM)
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	f := ix.compile(&q)

	g := &ix.g
	lat, lng := q.Lat*deg2rad, q.Lng*deg2rad
	cosq := math.Cos(lat)
	radRad := radius / EarthRadiusM
	radiusA := sqHalfSin(radRad)
	// Any point within the radius has |φ| ≤ |φq| + r/R, so its cos φ is at least this.
	lngFactor := cosq * math.Cos(min(math.Abs(lat)+radRad, math.Pi/2))
	ci := int(math.Floor((q.Lat - g.lat0) / g.cellLat))
	cj := int(math.Floor((q.Lng - g.lng0) / g.cellLng))

	s := ix.pool.Get().(*scratch)
	h := s.heap[:0]
	var hits []Hit

	scan := func(from, to int32) {
		for k := from; k < to; k++ {
			p := &ix.pts[k]
			if !ix.pass(&f, p) {
				continue
			}
			a := hav(lat, cosq, lng, p.lat, p.cos, p.lng)
			if a > radiusA {
				continue
			}
			h = heapPush(h, cand{a: a, id: p.id, ref: p.ref})
		}
	}
	scanRow := func(i, j1, j2 int) {
		if i < 0 || i >= g.nLat {
			return
		}
		j1, j2 = max(j1, 0), min(j2, g.nLng-1)
		if j1 > j2 {
			return
		}
		scan(g.start[i*g.nLng+j1], g.start[i*g.nLng+j2+1])
	}
	scanCol := func(j, i1, i2 int) {
		if j < 0 || j >= g.nLng {
			return
		}
		for i := max(i1, 0); i <= min(i2, g.nLat-1); i++ {
			c := i*g.nLng + j
			scan(g.start[c], g.start[c+1])
		}
	}
	// emit pops candidates nearer than bound, nearest first, through Match.
	emit := func(bound float64) bool {
		for len(h) > 0 && h[0].a < bound {
			var c cand
			h, c = heapPop(h)
			if q.Match != nil && !q.Match(c.ref) {
				continue
			}
			if hits == nil {
				hits = make([]Hit, 0, limit)
			}
			hits = append(hits, Hit{Ref: c.ref, ID: c.id, DistanceM: metres(c.a)})
			if len(hits) == limit {
				return true
			}
		}
		return false
	}

	scanRow(ci, cj, cj)
	for k := 0; ; k++ {
		// Everything within Chebyshev distance k of the query cell has been scanned.
		covered := ci-k <= 0 && ci+k >= g.nLat-1 && cj-k <= 0 && cj+k >= g.nLng-1
		bound := math.Inf(1)
		if !covered {
			dLat := min(q.Lat-(g.lat0+float64(ci-k)*g.cellLat), g.lat0+float64(ci+k+1)*g.cellLat-q.Lat)
			dLng := min(q.Lng-(g.lng0+float64(cj-k)*g.cellLng), g.lng0+float64(cj+k+1)*g.cellLng-q.Lng)
			bound = min(sqHalfSin(dLat*deg2rad-boundSlackRad), lngFactor*sqHalfSin(dLng*deg2rad-boundSlackRad))
		}
		if bound > radiusA {
			bound = math.Inf(1) // nothing unscanned is within the radius: drain
		}
		if emit(bound) || math.IsInf(bound, 1) {
			break
		}
		r := k + 1
		scanRow(ci+r, cj-r, cj+r)
		scanRow(ci-r, cj-r, cj+r)
		scanCol(cj-r, ci-r+1, ci+r-1)
		scanCol(cj+r, ci-r+1, ci+r-1)
	}

	if cap(h) <= 1<<16 { // don't let one huge query pin memory in the pool
		s.heap = h[:0]
		ix.pool.Put(s)
	}
	return hits
}

func candLess(x, y cand) bool { return x.a < y.a || (x.a == y.a && x.id < y.id) }

func heapPush(h []cand, c cand) []cand {
	h = append(h, c)
	i := len(h) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !candLess(h[i], h[parent]) {
			break
		}
		h[i], h[parent] = h[parent], h[i]
		i = parent
	}
	return h
}

func heapPop(h []cand) ([]cand, cand) {
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && candLess(h[r], h[l]) {
			m = r
		}
		if !candLess(h[m], h[i]) {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	return h, top
}

// DistanceM is the haversine distance in metres between two WGS84 points, the same
// measure Search reports.
func DistanceM(lat1, lng1, lat2, lng2 float64) float64 {
	const rad = math.Pi / 180
	p1, p2 := lat1*rad, lat2*rad
	return metres(hav(p1, math.Cos(p1), lng1*rad, p2, math.Cos(p2), lng2*rad))
}
