package nearby

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"heydoctor"
	"heydoctor/internal/synth"
)

// result is a Hit reduced to what the tests compare.
type result struct {
	ID int64
	M  float64
}

func results(hits []Hit) []result {
	var out []result
	for _, h := range hits {
		out = append(out, result{h.ID, h.DistanceM})
	}
	return out
}

// cand is a brute-force candidate.
type bfCand struct {
	ref int32
	in  *Item
	a   float64
}

// candidates returns every item passing q's cheap filters within the radius, nearest first
// (ties by ID), scanning everything with the same haversine arithmetic as the index so that
// distances agree bit for bit.
func candidates(items []Item, q Query) []bfCand {
	if !(q.Lat >= -90 && q.Lat <= 90 && q.Lng >= -180 && q.Lng <= 180) {
		return nil
	}
	radius := q.RadiusM
	if !(radius > 0) {
		radius = DefaultRadiusM
	}
	radius = min(radius, MaxRadiusM)
	lat, lng := q.Lat*deg2rad, q.Lng*deg2rad
	cosq := math.Cos(lat)
	var cands []bfCand
	last := map[int64]int{}
	for k, in := range items {
		last[in.ID] = k
	}
	for k := range items {
		in := &items[k]
		if !usable(in) || (in.ID != 0 && last[in.ID] != k) || (q.EROnly && !in.ER) || (q.NoResidential && in.Residential) {
			continue
		}
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, in.Kind) {
			continue
		}
		if len(q.TypeCodes) > 0 && !slices.Contains(q.TypeCodes, in.TypeCode) {
			continue
		}
		if len(q.Departments) > 0 && !containsAny(in.Departments, q.Departments) {
			continue
		}
		plat := in.Lat * deg2rad
		a := hav(lat, cosq, lng, plat, math.Cos(plat), in.Lng*deg2rad)
		if a > sqHalfSin(radius/EarthRadiusM) {
			continue
		}
		cands = append(cands, bfCand{int32(k), in, a})
	}
	slices.SortFunc(cands, func(x, y bfCand) int {
		return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.in.ID, y.in.ID))
	})
	return cands
}

// bruteForce answers q as the specification says, by scanning every item.
func bruteForce(items []Item, q Query) []result {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	var out []result
	for _, x := range candidates(items, q) {
		if q.Match != nil && !q.Match(x.ref) {
			continue
		}
		out = append(out, result{x.in.ID, metres(x.a)})
		if len(out) == limit {
			break
		}
	}
	return out
}

// dataset returns 10,000 synthetic institutions, a few of which the index must skip. It is
// built once and shared: tests must not modify it.
func dataset(tb testing.TB) []Item {
	tb.Helper()
	return sharedDataset()
}

var sharedDataset = sync.OnceValue(func() []Item { return makeDataset(10_000, 1) })

func makeDataset(n int, seed int64) []Item {
	var items []Item
	for i, in := range synth.Generate(n, seed) {
		it := item(in)
		switch i % 97 {
		case 13:
			it.Residential = true
		case 47:
			it.Lat, it.Lng = 0, 0
		}
		items = append(items, it)
	}
	return items
}

func item(in *heydoctor.Institution) Item {
	return Item{ID: in.ID, Lat: in.Lat, Lng: in.Lng, Kind: in.Kind, TypeCode: in.TypeCode, Departments: in.Departments, ER: in.ER}
}

var queryDepts = [][]string{nil, {"D001"}, {"D002"}, {"D014", "D013"}, {"D026"}, {"D024"}, {"D099"}}

func randomQuery(r *rand.Rand, items []Item) Query {
	base := items[r.IntN(len(items))]
	q := Query{
		Lat:           base.Lat + r.NormFloat64()*0.02,
		Lng:           base.Lng + r.NormFloat64()*0.02,
		RadiusM:       []float64{0, -1, 300, 1000, 3000, 10000, 30000, 80000}[r.IntN(8)],
		Limit:         []int{0, 1, 5, 20, 50, 150}[r.IntN(6)],
		Departments:   queryDepts[r.IntN(len(queryDepts))],
		EROnly:        r.IntN(20) == 0,
		NoResidential: r.IntN(3) == 0,
	}
	if base.Lat == 0 {
		q.Lat, q.Lng = 37.5, 127
	}
	switch r.IntN(5) {
	case 0:
		q.Kinds = []heydoctor.InstitutionKind{heydoctor.KindPharmacy}
	case 1:
		q.Kinds = []heydoctor.InstitutionKind{heydoctor.KindHospital, heydoctor.KindClinic}
	}
	if r.IntN(6) == 0 {
		q.TypeCodes = []string{"C", "A"}
	}
	if r.IntN(2) == 0 {
		mod := int64(2 + r.IntN(3))
		q.Match = func(ref int32) bool { return items[ref].ID%mod != 0 }
	}
	return q
}

func TestSearchMatchesBruteForce(t *testing.T) {
	items := dataset(t)
	ix := New(items)
	r := rand.New(rand.NewPCG(1, 2))
	nonEmpty := 0
	for i := range 250 {
		q := randomQuery(r, items)
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			want := bruteForce(items, q)
			got := results(ix.Search(q))
			if len(want) > 0 {
				nonEmpty++
			}
			if diff := gocmp.Diff(want, got, gocmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) <= 1e-6 })); diff != "" {
				t.Errorf("query %+v mismatch (-want +got):\n%s", q, diff)
			}
		})
	}
	if nonEmpty < 100 {
		t.Errorf("only %d of 250 random queries found anything; the test is too weak", nonEmpty)
	}
}

// at returns a clinic at a point.
func at(id int64, lat, lng float64, depts ...string) Item {
	return Item{ID: id, Kind: heydoctor.KindClinic, TypeCode: "C", Lat: lat, Lng: lng, Departments: depts}
}

// north and east return points d metres north or east of (lat, lng).
func north(lat, d float64) float64     { return lat + d/EarthRadiusM/deg2rad }
func east(lat, lng, d float64) float64 { return lng + d/(EarthRadiusM*math.Cos(lat*deg2rad))/deg2rad }

func TestSearchEdgeCases(t *testing.T) {
	const lat, lng = 37.5, 127.0
	var line []Item // one every 1 km due east, out to 60 km
	for k := range 61 {
		line = append(line, at(int64(k+1), lat, east(lat, lng, float64(k)*1000+100)))
	}
	var crowd []Item // 150 within 100 m
	for k := range 150 {
		crowd = append(crowd, at(int64(k+1), north(lat, float64(k%10)*10), east(lat, lng, float64(k/10)*5)))
	}
	// Points straddling the cell border at 37.51 and 127.01 (grid origin 37.5, 127.0).
	border := []Item{
		at(1, 37.5, 127.0), // grid origin
		at(2, 37.50999999, 127.005), at(3, 37.51000001, 127.005),
		at(4, 37.505, 127.0100001), at(5, 37.505, 127.0099999),
		at(6, 37.53, 127.03),
	}
	// Latitude scaling: 1 km north must tie 1 km east, not 1/cos(lat) km.
	scaling := []Item{
		at(1, north(lat, 1000), lng), at(2, lat, east(lat, lng, 1001)), at(3, lat, east(lat, lng, 999)),
	}
	tests := []struct {
		name  string
		items []Item
		q     Query
		want  []int64 // nil: compare with brute force only
		count int     // if > 0, the number of hits wanted
	}{
		{"empty index", nil, Query{Lat: lat, Lng: lng}, []int64{}, 0},
		{"NaN point", line, Query{Lat: math.NaN(), Lng: lng}, []int64{}, 0},
		{"latitude out of range", line, Query{Lat: 91, Lng: lng}, []int64{}, 0},
		{"default radius is 3 km", line, Query{Lat: lat, Lng: lng}, []int64{1, 2, 3}, 0},
		{"NaN radius is the default", line, Query{Lat: lat, Lng: lng, RadiusM: math.NaN()}, []int64{1, 2, 3}, 0},
		{"radius capped at 50 km", line, Query{Lat: lat, Lng: lng, RadiusM: 1e9, Limit: 100}, nil, 50},
		{"infinite radius capped", line, Query{Lat: lat, Lng: lng, RadiusM: math.Inf(1), Limit: 100}, nil, 50},
		{"default limit is 20", line, Query{Lat: lat, Lng: lng, RadiusM: MaxRadiusM}, nil, 20},
		{"limit capped at 100", crowd, Query{Lat: lat, Lng: lng, Limit: 1000}, nil, 100},
		{"query far outside the data", line, Query{Lat: 35.1, Lng: 129.0, RadiusM: MaxRadiusM}, []int64{}, 0},
		{"query just outside the data", line, Query{Lat: lat, Lng: east(lat, lng, -500), RadiusM: 1700}, []int64{1, 2}, 0},
		{"cell border south", border, Query{Lat: 37.5099, Lng: 127.005, RadiusM: 50, Limit: 2}, []int64{2, 3}, 0},
		{"cell border north", border, Query{Lat: 37.5101, Lng: 127.005, RadiusM: 50, Limit: 1}, []int64{3}, 0},
		{"cell border east", border, Query{Lat: 37.505, Lng: 127.01001, RadiusM: 50, Limit: 1}, []int64{4}, 0},
		{"cell border corner", border, Query{Lat: 37.51, Lng: 127.01, Limit: 10}, nil, 6},
		{"latitude scaling", scaling, Query{Lat: lat, Lng: lng}, []int64{3, 1, 2}, 0},
		{"unknown department", line, Query{Lat: lat, Lng: lng, Departments: []string{"D999"}}, []int64{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := New(tt.items).Search(tt.q)
			got := results(hits)
			if tt.want != nil {
				ids := []int64{}
				for _, h := range got {
					ids = append(ids, h.ID)
				}
				if diff := gocmp.Diff(tt.want, ids); diff != "" {
					t.Errorf("ids mismatch (-want +got):\n%s", diff)
				}
			}
			if tt.count > 0 && len(got) != tt.count {
				t.Errorf("got %d hits, want %d", len(got), tt.count)
			}
			if diff := gocmp.Diff(bruteForce(tt.items, tt.q), got, gocmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) <= 1e-6 })); diff != "" {
				t.Errorf("brute force mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("metres are metres", func(t *testing.T) {
		hits := New(line).Search(Query{Lat: lat, Lng: lng, Limit: 3})
		for k, h := range hits {
			if want := float64(k)*1000 + 100; math.Abs(h.DistanceM-want) > 0.01 {
				t.Errorf("hit %d at %.3f m, want %.0f m", k, h.DistanceM, want)
			}
		}
	})
	t.Run("nil index", func(t *testing.T) {
		var ix *Index
		if got := ix.Search(Query{Lat: lat, Lng: lng}); got != nil || ix.Len() != 0 {
			t.Errorf("nil index: Search = %v, Len = %d", got, ix.Len())
		}
		if _, ok := ix.Get(1); ok {
			t.Error("nil index: Get found something")
		}
	})
}

func TestFilters(t *testing.T) {
	const lat, lng = 35.15, 129.05
	mk := func(id int64, kind heydoctor.InstitutionKind, typ string, er bool, depts ...string) Item {
		in := at(id, north(lat, float64(id)*10), lng, depts...)
		in.Kind, in.TypeCode, in.ER = kind, typ, er
		return in
	}
	items := []Item{
		mk(1, heydoctor.KindClinic, "C", false, "D001", "D022"),
		mk(2, heydoctor.KindPharmacy, "H", false),
		mk(3, heydoctor.KindHospital, "A", true, "D001", "D024"),
		mk(4, heydoctor.KindHospital, "B", false, "D008"),
		mk(5, "vet", "X9", false, "X100"),
		mk(6, heydoctor.KindClinic, "C", false, "D002"),
	}
	// More distinct codes than bits, so some share the overflow bit.
	for k := range 70 {
		items = append(items, mk(int64(100+k), heydoctor.KindClinic, fmt.Sprintf("T%02d", k), false, fmt.Sprintf("Z%03d", k)))
	}
	tests := []struct {
		name string
		q    Query
		want []int64
	}{
		{"department any of", Query{Departments: []string{"D022", "D008"}}, []int64{1, 4}},
		{"kind", Query{Kinds: []heydoctor.InstitutionKind{heydoctor.KindHospital}}, []int64{3, 4}},
		{"unknown kind", Query{Kinds: []heydoctor.InstitutionKind{"vet"}}, []int64{5}},
		{"type code", Query{TypeCodes: []string{"H", "B"}}, []int64{2, 4}},
		{"er only", Query{EROnly: true}, []int64{3}},
		{"all filters", Query{Departments: []string{"D001"}, Kinds: []heydoctor.InstitutionKind{heydoctor.KindHospital}, TypeCodes: []string{"A"}, EROnly: true}, []int64{3}},
		{"filters exclude each other", Query{Departments: []string{"D001"}, Kinds: []heydoctor.InstitutionKind{heydoctor.KindPharmacy}}, []int64{}},
		{"overflow department", Query{Departments: []string{"Z069"}}, []int64{169}},
		{"overflow type code", Query{TypeCodes: []string{"T68"}}, []int64{168}},
		{"overflow misses", Query{Departments: []string{"Z999"}, TypeCodes: []string{"T99"}}, []int64{}},
	}
	ix := New(items)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Lat, tt.q.Lng, tt.q.Limit = lat, lng, 100
			got := []int64{}
			for _, h := range ix.Search(tt.q) {
				got = append(got, h.ID)
			}
			if diff := gocmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if diff := gocmp.Diff(bruteForce(items, tt.q), results(ix.Search(tt.q))); diff != "" {
				t.Errorf("brute force mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMatchStopsEarly(t *testing.T) {
	items := dataset(t)
	ix := New(items)
	tests := []struct {
		name  string
		limit int
		keep  func(*Item) bool
	}{
		{"all pass", 5, func(*Item) bool { return true }},
		{"every other passes", 10, func(in *Item) bool { return in.ID%2 == 0 }},
		{"none pass", 20, func(*Item) bool { return false }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls []int64
			q := Query{Lat: 37.4979, Lng: 127.04, Limit: tt.limit, RadiusM: 2000,
				Match: func(ref int32) bool { calls = append(calls, items[ref].ID); return tt.keep(&items[ref]) }}
			hits := ix.Search(q)
			// Match must see the nearest candidates in order and stop at the last hit needed.
			var want []int64
			passed := 0
			for _, c := range candidates(items, q) {
				if passed == tt.limit {
					break
				}
				want = append(want, c.in.ID)
				if tt.keep(c.in) {
					passed++
				}
			}
			if len(want) < tt.limit {
				t.Fatalf("only %d candidates; the test needs more", len(want))
			}
			if diff := gocmp.Diff(want, calls); diff != "" {
				t.Errorf("Match calls mismatch (-want +got):\n%s", diff)
			}
			if len(hits) != passed {
				t.Errorf("got %d hits, want %d", len(hits), passed)
			}
		})
	}
}

func TestGetLenResidential(t *testing.T) {
	a := at(1, 37.5, 127.0, "D001")
	b := at(2, 37.6, 127.1, "D002")
	care := at(3, 37.5001, 127.0, "D001")
	care.Residential = true
	nowhere := at(4, 0, 0)
	moved := at(1, 35.1, 129.0, "D001") // a later record of 1 wins
	items := []Item{a, b, care, nowhere, moved}
	ix := New(items)
	if got := ix.Len(); got != 3 {
		t.Errorf("Len = %d, want 3", got)
	}
	for _, tt := range []struct {
		id   int64
		want int32
		ok   bool
	}{{1, 4, true}, {2, 1, true}, {3, 2, true}, {4, 0, false}, {0, 0, false}, {99, 0, false}} {
		got, ok := ix.Get(tt.id)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Get(%d) = %d, %v; want %d, %v", tt.id, got, ok, tt.want, tt.ok)
		}
	}
	hits := ix.Search(Query{Lat: 37.5, Lng: 127.0, Departments: []string{"D001"}})
	if len(hits) != 1 || hits[0].ID != 3 || hits[0].Ref != 2 {
		t.Errorf("search near the old place = %+v, want only the residential one (1 moved)", hits)
	}
	if hits := ix.Search(Query{Lat: 37.5, Lng: 127.0, Departments: []string{"D001"}, NoResidential: true}); len(hits) != 0 {
		t.Errorf("NoResidential kept %+v", hits)
	}
}

func TestStats(t *testing.T) {
	ix := New(dataset(t))
	s := ix.Stats()
	if s.Institutions != ix.Len() || s.NonEmptyCells == 0 || s.NonEmptyCells > s.Cells || s.MaxPerCell == 0 || s.Bytes <= 0 {
		t.Errorf("implausible stats %+v", s)
	}
	if (*Index)(nil).Stats() != (Stats{}) {
		t.Error("nil index has stats")
	}
}

func TestGridDegenerateData(t *testing.T) {
	// Points spanning the world must not blow up the grid; results stay exact.
	items := []Item{
		at(1, 37.5, 127.0), at(2, -89.9, -179.9), at(3, 89.9, 179.9), at(4, 37.5001, 127.0),
		at(5, math.NaN(), 127), at(6, 37.5, math.Inf(1)),
	}
	ix := New(items)
	if s := ix.Stats(); s.Cells > maxCells {
		t.Errorf("%d cells, cap %d", s.Cells, maxCells)
	}
	if ix.Len() != 4 {
		t.Errorf("Len = %d, want 4 (NaN and Inf skipped)", ix.Len())
	}
	q := Query{Lat: 37.5, Lng: 127.0, RadiusM: MaxRadiusM}
	if diff := gocmp.Diff(bruteForce(items, q), results(ix.Search(q))); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestConcurrentSearch(t *testing.T) {
	items := dataset(t)
	ix := New(items)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 9))
			for range 50 {
				q := randomQuery(r, items)
				if diff := gocmp.Diff(bruteForce(items, q), results(ix.Search(q)), gocmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) <= 1e-6 })); diff != "" {
					t.Errorf("mismatch (-want +got):\n%s", diff)
					return
				}
			}
		})
	}
	wg.Wait()
}

// FuzzSearch feeds hostile points, radii, limits and filters: no panic, and the same answer
// as the brute-force scan.
func FuzzSearch(f *testing.F) {
	f.Add(37.4979, 127.0276, 3000.0, 20, uint8(1), uint8(0), false)
	f.Add(35.1796, 129.0756, 0.0, 0, uint8(0), uint8(1), true)
	f.Add(33.0, 124.0, 1e300, 1<<40, uint8(3), uint8(2), false)
	f.Add(-91.0, 500.0, -5.0, -1, uint8(255), uint8(255), true)
	f.Add(37.51, 127.01, 0.001, 1, uint8(2), uint8(3), false)
	items := dataset(f)[:3000]
	ix := New(items)
	f.Fuzz(func(t *testing.T, lat, lng, radius float64, limit int, dept, kind uint8, er bool) {
		q := Query{Lat: lat, Lng: lng, RadiusM: radius, Limit: limit, EROnly: er,
			Departments: queryDepts[int(dept)%len(queryDepts)]}
		switch kind % 4 {
		case 1:
			q.Kinds = []heydoctor.InstitutionKind{heydoctor.KindPharmacy}
		case 2:
			q.Kinds = []heydoctor.InstitutionKind{"", "bogus"}
		case 3:
			q.Match = func(ref int32) bool { return items[ref].ID%3 == 0 }
		}
		got := results(ix.Search(q))
		if diff := gocmp.Diff(bruteForce(items, q), got, gocmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) <= 1e-6 })); diff != "" {
			t.Errorf("query %+v mismatch (-want +got):\n%s", q, diff)
		}
	})
}
