package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"heydoctor"
	"heydoctor/internal/sqlstore"
	"heydoctor/internal/sqlstore/storetest"
)

// bookable creates an onboarded clinic with one room and returns their ids.
func bookable(t *testing.T, s *sqlstore.Store) (instID, doctorID int64) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.ApplyImport(ctx, heydoctor.ImportBatch{Scope: "test", Institutions: []heydoctor.Institution{institution("R1", "예약의원")}}); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListInstitutions(ctx, heydoctor.InstitutionFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("institutions: %v %v", list, err)
	}
	instID = list[0].ID
	if err := s.SetOnboarding(ctx, instID, true, true, heydoctor.BookingPolicy{RequireConfirmation: true, CancelWindowMinutes: 60}); err != nil {
		t.Fatal(err)
	}
	d := &heydoctor.Doctor{InstitutionID: instID, Department: "D001", Name: "내과 1진료실", IsRoom: true, Active: true, Demo: true}
	if err := s.CreateDoctor(ctx, d); err != nil {
		t.Fatal(err)
	}
	sc := &heydoctor.Schedule{DoctorID: d.ID, Blocks: []heydoctor.WorkBlock{{Weekday: time.Monday, Start: "0900", End: "1200"}},
		SlotMinutes: 15, Capacity: 1, HorizonDays: 30, MinNoticeMinutes: 30}
	if err := s.SetSchedule(ctx, sc); err != nil {
		t.Fatal(err)
	}
	return instID, d.ID
}

func TestReservationLifecycle(t *testing.T) {
	clock := storetest.NewClock(epoch)
	storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		instID, docID := bookable(t, s)
		start := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC) // Monday 09:00 KST
		newRes := func(key string) *heydoctor.Reservation {
			return &heydoctor.Reservation{InstitutionID: instID, DoctorID: docID, Start: start, End: start.Add(15 * time.Minute),
				Status: heydoctor.StatusRequested, Channel: heydoctor.ChannelWeb, IdempotencyKey: key}
		}
		p := &heydoctor.Patient{Name: "김하나", Phone: "01012345678"}
		r := newRes("key-1")
		created, err := s.CreateReservation(ctx, r, p, 1, nil, heydoctor.ReservationQuota{})
		if err != nil || !created || r.Code == "" {
			t.Fatalf("create: %v created=%v code=%q", err, created, r.Code)
		}
		// Retry with the same key: the same reservation.
		again := newRes("key-1")
		created, err = s.CreateReservation(ctx, again, &heydoctor.Patient{Name: "김하나", Phone: "01012345678"}, 1, nil, heydoctor.ReservationQuota{})
		if err != nil || created || again.Code != r.Code {
			t.Fatalf("idempotent retry: %v created=%v code=%q want %q", err, created, again.Code, r.Code)
		}
		// Another person, same slot: conflict, and no patient row left behind.
		other := newRes("key-2")
		if _, err := s.CreateReservation(ctx, other, &heydoctor.Patient{Name: "이둘", Phone: "01099998888"}, 1, nil, heydoctor.ReservationQuota{}); heydoctor.KindOf(err) != heydoctor.Conflict {
			t.Fatalf("double booking: err = %v, want conflict", err)
		}
		if list, _ := s.ListReservations(ctx, heydoctor.ReservationFilter{Phone: "01099998888"}); len(list) != 0 {
			t.Errorf("failed booking left reservations: %v", list)
		}
		// Confirm, then cancel: the seat frees and the other person can book.
		audit := &heydoctor.AuditEntry{InstitutionID: instID, StaffID: 7, Action: "confirm", Entity: "reservation"}
		got, err := s.UpdateReservation(ctx, r.ID, heydoctor.ReservationChange{Apply: func(r *heydoctor.Reservation) error {
			r.Status = heydoctor.StatusConfirmed
			return nil
		}, Audit: audit, Snapshot: func(r *heydoctor.Reservation) string { return string(r.Status) }})
		if err != nil || got.Status != heydoctor.StatusConfirmed || got.Sequence != 1 || got.Patient.Name != "김하나" {
			t.Fatalf("confirm: %+v %v", got, err)
		}
		entries, err := s.ListAudit(ctx, instID, 10)
		if err != nil || len(entries) != 1 || entries[0].Before != "requested" || entries[0].After != "confirmed" {
			t.Errorf("audit = %+v, %v", entries, err)
		}
		// Reschedule to a taken slot is refused atomically.
		second := newRes("key-3")
		second.Start, second.End = start.Add(15*time.Minute), start.Add(30*time.Minute)
		if _, err := s.CreateReservation(ctx, second, &heydoctor.Patient{Name: "박셋", Phone: "0311234567"}, 1, nil, heydoctor.ReservationQuota{}); err != nil {
			t.Fatal(err)
		}
		_, err = s.UpdateReservation(ctx, r.ID, heydoctor.ReservationChange{Apply: func(r *heydoctor.Reservation) error {
			r.Start, r.End = second.Start, second.End
			return nil
		}, Capacity: 1})
		if heydoctor.KindOf(err) != heydoctor.Conflict {
			t.Fatalf("reschedule onto a taken slot: %v", err)
		}
		if cur, _ := s.FindReservationByCode(ctx, r.Code); !cur.Start.Equal(start) || cur.Sequence != 1 {
			t.Errorf("failed reschedule changed the reservation: %+v", cur)
		}
		if _, err := s.UpdateReservation(ctx, r.ID, heydoctor.ReservationChange{Apply: func(r *heydoctor.Reservation) error {
			r.Status, r.Reason = heydoctor.StatusCancelled, "환자 요청"
			return nil
		}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateReservation(ctx, other, &heydoctor.Patient{Name: "이둘", Phone: "01099998888"}, 1, nil, heydoctor.ReservationQuota{}); err != nil {
			t.Fatalf("booking a freed slot: %v", err)
		}
		counts, err := s.BookedCounts(ctx, docID, start, start.Add(time.Hour))
		if err != nil || counts[start.Unix()] != 1 || counts[start.Add(15*time.Minute).Unix()] != 1 {
			t.Errorf("counts = %v, %v", counts, err)
		}
		day, err := s.ListReservations(ctx, heydoctor.ReservationFilter{InstitutionID: instID, From: start, To: start.Add(24 * time.Hour),
			Statuses: []heydoctor.ReservationStatus{heydoctor.StatusRequested, heydoctor.StatusConfirmed}})
		if err != nil || len(day) != 2 || day[0].Doctor == nil {
			t.Errorf("day list = %d, %v", len(day), err)
		}
	})
}

// TestReservationRace has 200 goroutines race for one slot: the database must let exactly one win.
func TestReservationRace(t *testing.T) {
	clock := storetest.NewClock(epoch)
	storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		instID, docID := bookable(t, s)
		start := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
		results := storetest.Race(200, func(i int) error {
			r := &heydoctor.Reservation{InstitutionID: instID, DoctorID: docID, Start: start, End: start.Add(15 * time.Minute),
				Status: heydoctor.StatusRequested, Channel: heydoctor.ChannelAPI, IdempotencyKey: fmt.Sprintf("race-%d", i)}
			_, err := s.CreateReservation(ctx, r, &heydoctor.Patient{Name: fmt.Sprintf("환자%d", i), Phone: fmt.Sprintf("010%08d", i)}, 1, nil, heydoctor.ReservationQuota{})
			return err
		}, heydoctor.Conflict)
		if results["ok"] != 1 || results["conflict"] != 199 {
			t.Errorf("race results = %v, want 1 ok and 199 conflicts", results)
		}
	})
}
