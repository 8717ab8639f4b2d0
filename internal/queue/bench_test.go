package queue

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"heydoctor"
	"heydoctor/internal/sqlstore/storetest"
)

// BenchmarkQueueOps runs 50 clients against one clinic's queue on SQLite. Each client
// repeats a visit: check in, look at the ticket five times (a status page polling), then
// reception calls the next patient, marks them arrived and done. The clinic moves to a
// new day every 300 check-ins, so the queue stays the size of a busy day. It reports the
// 50th and 99th percentile of single operations.
func BenchmarkQueueOps(b *testing.B) {
	const clients = 50
	var day atomic.Int64
	now := func() time.Time { return epoch.Add(time.Duration(day.Load()) * 24 * time.Hour) }
	f := newFixtureAt(b, &storetest.Clock{T: epoch}, now)
	f.hours.closes = time.Time{}
	f.settings(b, func(qs *heydoctor.QueueSettings) { qs.AlwaysOpen = true })
	ctx := context.Background()
	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	byOp := map[string][]time.Duration{}
	var failed atomic.Int64
	timed := func(local *[]time.Duration, op string, fn func() error) {
		t0 := time.Now()
		err := fn()
		d := time.Since(t0)
		*local = append(*local, d)
		mu.Lock()
		byOp[op] = append(byOp[op], d)
		mu.Unlock()
		if err != nil && heydoctor.KindOf(err) != heydoctor.Conflict {
			failed.Add(1)
		}
	}
	b.ResetTimer()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					break
				}
				if i%300 == 0 {
					day.Add(1)
				}
				var v *View
				timed(&local, "check-in", func() (err error) {
					v, err = f.svc.CheckIn(ctx, CheckInRequest{InstitutionID: f.instID, Name: "벤치환자", Phone: fmt.Sprintf("010%08d", i)})
					return err
				})
				if v == nil {
					continue
				}
				for range 5 {
					timed(&local, "status", func() error { _, err := f.svc.Status(ctx, v.Ticket.Code, v.Ticket.Phone); return err })
				}
				var called *heydoctor.Ticket
				timed(&local, "call", func() (err error) { called, err = f.svc.CallNext(ctx, f.desk); return err })
				if called == nil {
					continue
				}
				timed(&local, "arrived", func() error { _, err := f.svc.Act(ctx, f.desk, called.ID, ActionArrived, ""); return err })
				timed(&local, "done", func() error { _, err := f.svc.Act(ctx, f.desk, called.ID, ActionDone, ""); return err })
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d operations failed", n)
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(len(lat))/float64(b.N), "ops/visit")
	}
	for op, l := range byOp {
		slices.Sort(l)
		b.Logf("%-8s n=%d p50=%v p99=%v max=%v", op, len(l), l[len(l)/2], l[len(l)*99/100], l[len(l)-1])
	}
}
