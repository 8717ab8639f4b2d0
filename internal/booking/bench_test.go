package booking

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"heydoctor"
	"heydoctor/internal/hours"
	"heydoctor/internal/sqlstore"
	"heydoctor/internal/sqlstore/storetest"
)

// allDay is a plan of 5-minute slots around the clock, every day, holidays included, so
// a benchmark has plenty of distinct slots: 288 a day for 180 days per doctor.
func allDay(doctorID int64) *heydoctor.Schedule {
	var blocks []heydoctor.WorkBlock
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		blocks = append(blocks, heydoctor.WorkBlock{Weekday: wd, Start: "0000", End: "2400"})
	}
	return &heydoctor.Schedule{DoctorID: doctorID, Blocks: blocks, SlotMinutes: 5, Capacity: 1, HorizonDays: 180, MinNoticeMinutes: 0, OpenOnHolidays: true}
}

// BenchmarkBookDistinctSlots books distinct slots from parallel goroutines through
// Service.Book and reports bookings per second.
func BenchmarkBookDistinctSlots(b *testing.B) {
	for _, db := range []struct {
		name string
		open func(tb testing.TB, now func() time.Time) *sqlstore.Store
	}{{"sqlite", storetest.SQLite}, {"mysql", storetest.MySQL}} {
		b.Run(db.name, func(b *testing.B) {
			clock := storetest.NewClock(epoch)
			s := db.open(b, clock.Now)
			f := newFixture(b, s, clock, policyConfirm())
			ctx := context.Background()
			const perDoctor = 288 * 170
			doctors := []int64{f.doctorID}
			for need := b.N/perDoctor + 1; len(doctors) < need; {
				d := &heydoctor.Doctor{Name: fmt.Sprintf("진료실 %d", len(doctors)+1), Department: "D001", Active: true, IsRoom: true}
				if err := f.svc.SaveDoctor(ctx, f.admin, d); err != nil {
					b.Fatal(err)
				}
				doctors = append(doctors, d.ID)
			}
			for _, id := range doctors {
				if err := s.SetSchedule(ctx, allDay(id)); err != nil {
					b.Fatal(err)
				}
			}
			first := epoch.Truncate(5 * time.Minute).Add(5 * time.Minute)
			var next, failed atomic.Int64
			b.ResetTimer()
			began := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := next.Add(1) - 1
					_, _, err := f.svc.Book(ctx, BookRequest{DoctorID: doctors[i/perDoctor], Start: first.Add(time.Duration(i%perDoctor) * 5 * time.Minute),
						Name: "벤치환자", Phone: fmt.Sprintf("010%08d", i)})
					if err != nil {
						failed.Add(1)
					}
				}
			})
			elapsed := time.Since(began)
			b.StopTimer()
			if n := failed.Load(); n > 0 {
				b.Fatalf("%d of %d bookings failed", n, b.N)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "bookings/s")
		})
	}
}

// BenchmarkSlots30Days measures the pure slot generation for a month of a 15-minute plan
// with a third of the slots booked.
func BenchmarkSlots30Days(b *testing.B) {
	sc := &heydoctor.Schedule{DoctorID: 1, Blocks: weekdays("0900-1200", "1300-1800"), SlotMinutes: 15, Capacity: 1, HorizonDays: 60, MinNoticeMinutes: 30}
	cal := hours.NewCalendar()
	booked := map[int64]int{}
	for _, sl := range Slots(sc, nil, cal, nil, nil, "2026-11-25", "2026-12-24", epoch) {
		if sl.Start.Minute()%45 == 0 {
			booked[sl.Start.Unix()] = 1
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(Slots(sc, nil, cal, nil, booked, "2026-11-25", "2026-12-24", epoch)) == 0 {
			b.Fatal("no slots")
		}
	}
}

// BenchmarkDoctorSlots30Days measures the whole availability query on SQLite: schedule,
// exceptions, closures and booked counts from the database, then the slots.
func BenchmarkDoctorSlots30Days(b *testing.B) {
	clock := storetest.NewClock(epoch)
	s := storetest.SQLite(b, clock.Now)
	f := newFixture(b, s, clock, policyConfirm())
	for i := range 60 {
		start := at(b, "2026-11-30 09:00").Add(time.Duration(i) * 24 * time.Hour / 2)
		if _, err := f.svc.DoctorSlots(context.Background(), f.doctorID, heydoctor.DateOf(start), heydoctor.DateOf(start)); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.svc.DoctorSlots(ctx, f.doctorID, "2026-11-25", "2026-12-24"); err != nil {
			b.Fatal(err)
		}
	}
}
