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

// BenchmarkQueueOps runs 50 concurrent clients against one clinic's queue on SQLite and
// reports the 50th and 99th percentile of single operations (b.N is the number of
// operations). The clinic moves to a new day every 300 check-ins, so the queue stays the
// size of a busy day.
//
//   - desk-mix: 45 patients each check in and then keep looking at their ticket (a
//     status page polling) until it is done, then check in again as the next patient,
//     while 5 reception desks call the next patient, mark them arrived and done: a
//     busy day, compressed.
//   - visits: every client repeats a whole visit: check in, five looks, then calls,
//     arrived and done; half the operations are writes, the single writer's worst case.
func BenchmarkQueueOps(b *testing.B) {
	for _, mix := range []string{"desk-mix", "visits"} {
		b.Run(mix, func(b *testing.B) { benchQueue(b, mix) })
	}
}

func benchQueue(b *testing.B, mix string) {
	const clients, desks = 50, 5
	var day atomic.Int64
	now := func() time.Time { return epoch.Add(time.Duration(day.Load()) * 24 * time.Hour) }
	f := newFixtureAt(b, storetest.NewClock(epoch), now)
	f.settings(b, func(qs *heydoctor.QueueSettings) { qs.AlwaysOpen = true })
	ctx := context.Background()
	var ops, checkIns atomic.Int64
	var failed atomic.Int64
	var mu sync.Mutex
	byOp := map[string][]time.Duration{}
	var all []time.Duration
	b.ResetTimer()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := map[string][]time.Duration{}
			// timed runs one operation; false when the benchmark has done b.N.
			timed := func(op string, fn func() error) bool {
				if ops.Add(1) > int64(b.N) {
					return false
				}
				t0 := time.Now()
				err := fn()
				local[op] = append(local[op], time.Since(t0))
				if err != nil && heydoctor.KindOf(err) != heydoctor.Conflict {
					failed.Add(1)
					b.Logf("%s: %v", op, err)
				}
				return true
			}
			checkIn := func() (*View, bool) {
				var v *View
				i := checkIns.Add(1)
				if i%300 == 0 {
					day.Add(1)
				}
				ok := timed("check-in", func() (err error) {
					v, err = f.svc.CheckIn(ctx, CheckInRequest{InstitutionID: f.instID, Name: "벤치환자", Phone: fmt.Sprintf("010%08d", i)})
					return err
				})
				return v, ok
			}
			// look polls the ticket n times, or until it is no longer active when n is 0.
			look := func(v *View, n int) bool {
				for i := 0; n == 0 || i < n; i++ {
					active := true
					if !timed("status", func() error {
						got, err := f.svc.Status(ctx, v.Ticket.Code, v.Ticket.Phone)
						active = err == nil && got.Ticket.Status.Active()
						return err
					}) {
						return false
					}
					if !active {
						return true
					}
				}
				return true
			}
			serve := func() bool {
				var called *heydoctor.Ticket
				if !timed("call", func() (err error) { called, err = f.svc.CallNext(ctx, f.desk); return err }) {
					return false
				}
				if called == nil {
					time.Sleep(time.Millisecond) // nobody waiting
					return true
				}
				return timed("arrived", func() error { _, err := f.svc.Act(ctx, f.desk, called.ID, ActionArrived, ""); return err }) &&
					timed("done", func() error { _, err := f.svc.Act(ctx, f.desk, called.ID, ActionDone, ""); return err })
			}
			for {
				var ok bool
				switch {
				case mix == "desk-mix" && c < desks:
					ok = serve()
				case mix == "desk-mix":
					var v *View
					if v, ok = checkIn(); ok && v != nil {
						ok = look(v, 0)
					}
				default:
					var v *View
					if v, ok = checkIn(); ok && v != nil {
						ok = look(v, 5) && serve()
					}
				}
				if !ok {
					break
				}
			}
			mu.Lock()
			for op, l := range local {
				byOp[op] = append(byOp[op], l...)
				all = append(all, l...)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d operations failed", n)
	}
	pct := func(l []time.Duration, p int) time.Duration { return l[min(len(l)-1, len(l)*p/100)] }
	slices.Sort(all)
	if len(all) > 0 {
		b.ReportMetric(float64(pct(all, 50).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(pct(all, 99).Microseconds())/1000, "p99-ms")
	}
	for _, op := range []string{"check-in", "status", "call", "arrived", "done"} {
		if l := byOp[op]; len(l) > 0 {
			slices.Sort(l)
			b.Logf("%-8s n=%-6d p50=%-10v p99=%v", op, len(l), pct(l, 50).Round(10*time.Microsecond), pct(l, 99).Round(10*time.Microsecond))
		}
	}
}
