package nearby

import (
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"heydoctor"
)

// benchData is 100,000 synthetic institutions (the national scale) with a precomputed
// "open now" flag standing in for internal/hours.
type benchData struct {
	items  []Item
	open   []bool // by Ref
	ix     *Index
	points [][2]float64
}

var sharedBench = sync.OnceValue(func() *benchData {
	d := &benchData{items: makeDataset(100_000, 2)}
	r := rand.New(rand.NewPCG(3, 4))
	d.open = make([]bool, len(d.items)+1)
	for i := range d.open {
		d.open[i] = r.IntN(100) < 60
	}
	d.ix = New(d.items)
	// Query where people are: near random institutions, a few hundred metres off.
	for range 4096 {
		in := d.items[r.IntN(len(d.items))]
		if in.Lat == 0 {
			continue
		}
		d.points = append(d.points, [2]float64{in.Lat + r.NormFloat64()*0.003, in.Lng + r.NormFloat64()*0.003})
	}
	return d
})

func benchQueries() []struct {
	name string
	q    func(d *benchData) Query
} {
	return []struct {
		name string
		q    func(d *benchData) Query
	}{
		{"dept=D001+open", func(d *benchData) Query {
			return Query{Departments: []string{"D001"}, Match: func(ref int32) bool { return d.open[ref] }}
		}},
		{"dept=D014+open", func(d *benchData) Query { // 비뇨의학과: rare, so rings grow
			return Query{Departments: []string{"D014"}, RadiusM: 10_000, Match: func(ref int32) bool { return d.open[ref] }}
		}},
		{"pharmacy+open", func(d *benchData) Query {
			return Query{Kinds: []heydoctor.InstitutionKind{heydoctor.KindPharmacy}, Match: func(ref int32) bool { return d.open[ref] }}
		}},
		{"any", func(*benchData) Query { return Query{} }},
	}
}

// BenchmarkSearchNearest20 reports per-query p50 and p99 latencies over 100k institutions.
func BenchmarkSearchNearest20(b *testing.B) {
	d := sharedBench()
	for _, bq := range benchQueries() {
		b.Run(bq.name, func(b *testing.B) {
			q := bq.q(d)
			q.Limit = 20
			durs := make([]time.Duration, 0, 1<<16)
			hits := 0
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				p := d.points[i%len(d.points)]
				i++
				q.Lat, q.Lng = p[0], p[1]
				start := time.Now()
				hits += len(d.ix.Search(q))
				if len(durs) < cap(durs) {
					durs = append(durs, time.Since(start))
				}
			}
			slices.Sort(durs)
			b.ReportMetric(float64(durs[len(durs)/2].Nanoseconds()), "p50-ns")
			b.ReportMetric(float64(durs[len(durs)*99/100].Nanoseconds()), "p99-ns")
			b.ReportMetric(float64(hits)/float64(i), "hits/op")
		})
	}
}

// BenchmarkBruteForce is the same first query answered by scanning everything, for the ratio.
func BenchmarkBruteForce(b *testing.B) {
	d := sharedBench()
	q := benchQueries()[0].q(d)
	q.Limit = 20
	i := 0
	for b.Loop() {
		p := d.points[i%len(d.points)]
		i++
		q.Lat, q.Lng = p[0], p[1]
		bruteForce(d.items, q)
	}
}

func BenchmarkBuild(b *testing.B) {
	d := sharedBench()
	b.ReportAllocs()
	for b.Loop() {
		New(d.items)
	}
}
