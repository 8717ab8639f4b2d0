package booking

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"heydoctor"
	"heydoctor/internal/hours"
	"heydoctor/internal/sqlstore"
	"heydoctor/internal/sqlstore/storetest"
)

// fixture is an onboarded clinic with one room on a Mon–Fri 09:00–12:00, 13:00–18:00
// plan of 15-minute slots, its admin and reception accounts, and a second onboarded
// clinic with its own admin for isolation checks.
type fixture struct {
	svc                     *Service
	store                   *sqlstore.Store
	clock                   *storetest.Clock
	instID, doctorID        int64
	admin, reception, other *heydoctor.Staff
	otherDoctorID           int64
}

func newFixture(t testing.TB, s *sqlstore.Store, clock *storetest.Clock, policy heydoctor.BookingPolicy) *fixture {
	t.Helper()
	ctx := context.Background()
	mk := func(hpid, name string) heydoctor.Institution {
		in := heydoctor.Institution{Kind: heydoctor.KindClinic, TypeCode: "C", TypeName: "의원", Name: name, Address: "경기도 시흥시 산기대학로 237",
			Phone: "031-000-0000", Lat: 37.34, Lng: 126.73, Departments: []string{"D001"}, HPID: hpid}
		in.Hours.Day[0] = heydoctor.Span{Open: "0900", Close: "1800"}
		return in
	}
	if _, err := s.ApplyImport(ctx, heydoctor.ImportBatch{Scope: "test", Institutions: []heydoctor.Institution{mk("B1", "하나내과의원"), mk("B2", "둘내과의원")}}); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListInstitutions(ctx, heydoctor.InstitutionFilter{})
	if err != nil || len(list) != 2 {
		t.Fatalf("institutions: %v %v", list, err)
	}
	f := &fixture{store: s, clock: clock, instID: list[0].ID}
	f.svc = NewService(s, hours.NewCalendar(), clock.Now, nil)
	for i, in := range list {
		if err := s.SetOnboarding(ctx, in.ID, true, true, policy); err != nil {
			t.Fatal(err)
		}
		admin := &heydoctor.Staff{InstitutionID: in.ID, Login: fmt.Sprintf("admin%d", i), PasswordHash: "x", Role: heydoctor.RoleAdmin}
		if err := s.CreateStaff(ctx, admin); err != nil {
			t.Fatal(err)
		}
		d := &heydoctor.Doctor{Name: "내과 1진료실", Department: "내과", IsRoom: true, Active: true}
		if err := f.svc.SaveDoctor(ctx, admin, d); err != nil {
			t.Fatal(err)
		}
		sc := &heydoctor.Schedule{DoctorID: d.ID, Blocks: weekdays("0900-1200", "1300-1800")}
		if err := f.svc.SaveSchedule(ctx, admin, sc); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			f.admin, f.doctorID = admin, d.ID
		} else {
			f.other, f.otherDoctorID = admin, d.ID
		}
	}
	f.reception = &heydoctor.Staff{InstitutionID: f.instID, Login: "desk", PasswordHash: "x", Role: heydoctor.RoleReception}
	if err := s.CreateStaff(ctx, f.reception); err != nil {
		t.Fatal(err)
	}
	return f
}

// withFixture runs fn on a fresh fixture on each test database, with the clock at epoch.
func withFixture(t *testing.T, policy heydoctor.BookingPolicy, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	clock := storetest.NewClock(epoch)
	storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
		clock.Set(epoch)
		fn(t, newFixture(t, s, clock, policy))
	})
}

func (f *fixture) book(t testing.TB, start time.Time, name, phone, key string) *heydoctor.Reservation {
	t.Helper()
	r, created, err := f.svc.Book(context.Background(), BookRequest{DoctorID: f.doctorID, Start: start, Name: name, Phone: phone, IdempotencyKey: key})
	if err != nil || !created {
		t.Fatalf("book %s: created=%v err=%v", start, created, err)
	}
	return r
}

func policyConfirm() heydoctor.BookingPolicy {
	return heydoctor.BookingPolicy{RequireConfirmation: true, CancelWindowMinutes: 60}
}

func wantKind(t testing.TB, what string, err error, kind heydoctor.ErrorKind, field string) {
	t.Helper()
	if heydoctor.KindOf(err) != kind || heydoctor.FieldOf(err) != field {
		t.Errorf("%s: err = %v (kind %v, field %q), want kind %v field %q", what, err, heydoctor.KindOf(err), heydoctor.FieldOf(err), kind, field)
	}
	if err != nil && heydoctor.MessageOf(err) == "" {
		t.Errorf("%s: empty message", what)
	}
}

func TestLifecycle(t *testing.T) {
	withFixture(t, policyConfirm(), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		var transitions []string
		f.svc.OnTransition = func(st string) { transitions = append(transitions, st) }
		start := at(t, "2026-11-30 09:00")

		r := f.book(t, start, "김하나", "010-1234-5678", "key-1")
		if r.Status != heydoctor.StatusRequested || r.Code == "" || r.Sequence != 0 {
			t.Fatalf("booked = %+v", r)
		}
		// A retry with the same key and phone returns the same reservation.
		again, created, err := f.svc.Book(ctx, BookRequest{DoctorID: f.doctorID, Start: start, Name: "김하나", Phone: "+82 10 1234 5678", IdempotencyKey: "key-1"})
		if err != nil || created || again.Code != r.Code {
			t.Fatalf("retry: created=%v code=%q err=%v, want %q", created, again.Code, err, r.Code)
		}
		// Lookup needs the right phone; a wrong one looks exactly like an unknown code.
		if got, err := f.svc.Lookup(ctx, Client{}, r.Code, "01012345678"); err != nil || got.ID != r.ID || got.Institution == nil {
			t.Fatalf("lookup: %+v %v", got, err)
		}
		_, errWrong := f.svc.Lookup(ctx, Client{}, r.Code, "010-9999-9999")
		_, errUnknown := f.svc.Lookup(ctx, Client{}, "ZZZZ2222", "010-9999-9999")
		wantKind(t, "wrong phone", errWrong, heydoctor.NotFound, "code")
		if heydoctor.MessageOf(errWrong) != heydoctor.MessageOf(errUnknown) {
			t.Errorf("wrong phone and unknown code differ: %q vs %q", heydoctor.MessageOf(errWrong), heydoctor.MessageOf(errUnknown))
		}

		// Attended before confirmation, then confirm, then attended too early.
		_, err = f.svc.Transition(ctx, f.reception, r.ID, ActionAttended, "")
		wantKind(t, "attended from requested", err, heydoctor.Conflict, "action")
		got, err := f.svc.Transition(ctx, f.reception, r.ID, ActionConfirm, "")
		if err != nil || got.Status != heydoctor.StatusConfirmed || got.Sequence != 1 {
			t.Fatalf("confirm: %+v %v", got, err)
		}
		_, err = f.svc.Transition(ctx, f.reception, r.ID, ActionAttended, "")
		wantKind(t, "attended days early", err, heydoctor.Conflict, "action")
		f.clock.Set(start.Add(-10 * time.Minute))
		got, err = f.svc.Transition(ctx, f.reception, r.ID, ActionAttended, "")
		if err != nil || got.Status != heydoctor.StatusAttended || got.Sequence != 2 {
			t.Fatalf("attended: %+v %v", got, err)
		}
		_, err = f.svc.Transition(ctx, f.reception, r.ID, ActionCancel, "늦게 취소")
		wantKind(t, "cancel after attended", err, heydoctor.Conflict, "action")

		// Audit: every staff change with before and after.
		entries, err := f.store.ListAudit(ctx, f.instID, 10)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			if e.Entity == "reservation" {
				actions = append(actions, fmt.Sprintf("%s %s→%s by %d", e.Action, status(t, e.Before), status(t, e.After), e.StaffID))
			}
		}
		want := []string{
			fmt.Sprintf("reservation.attended confirmed→attended by %d", f.reception.ID),
			fmt.Sprintf("reservation.confirm requested→confirmed by %d", f.reception.ID),
		}
		if diff := cmp.Diff(want, actions); diff != "" {
			t.Errorf("audit mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"requested", "confirmed", "attended"}, transitions); diff != "" {
			t.Errorf("transitions mismatch (-want +got):\n%s", diff)
		}
	})
}

func status(t testing.TB, snap string) string {
	t.Helper()
	var v struct{ Status string }
	if err := json.Unmarshal([]byte(snap), &v); err != nil {
		t.Fatalf("snapshot %q: %v", snap, err)
	}
	return v.Status
}

func TestCancelAndReject(t *testing.T) {
	withFixture(t, policyConfirm(), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		start := at(t, "2026-11-30 10:00")
		r := f.book(t, start, "김하나", "01012345678", "")

		// Outside the window (less than 60 minutes before): refused with the deadline, nothing changes.
		f.clock.Set(start.Add(-30 * time.Minute))
		_, err := f.svc.CancelByPatient(ctx, Client{}, r.Code, "010-1234-5678", "")
		wantKind(t, "cancel outside window", err, heydoctor.Forbidden, "")
		if msg := heydoctor.MessageOf(err); !containsAll(msg, "11월 30일", "09:00") {
			t.Errorf("message %q does not name the deadline", msg)
		}
		cur, _ := f.store.FindReservationByID(ctx, r.ID)
		if cur.Status != heydoctor.StatusRequested || cur.Sequence != 0 {
			t.Errorf("refused cancel changed the reservation: %+v", cur)
		}
		// Inside the window: cancelled, and the slot is free again.
		f.clock.Set(epoch)
		got, err := f.svc.CancelByPatient(ctx, Client{}, r.Code, "010-1234-5678", "일정이 생겼어요")
		if err != nil || got.Status != heydoctor.StatusCancelled || got.Reason != "일정이 생겼어요" {
			t.Fatalf("cancel: %+v %v", got, err)
		}
		_, err = f.svc.CancelByPatient(ctx, Client{}, r.Code, "010-1234-5678", "")
		wantKind(t, "cancel twice", err, heydoctor.Conflict, "")
		f.book(t, start, "이둘", "01022223333", "")

		// Staff: cancel and reject need a reason.
		r2 := f.book(t, start.Add(15*time.Minute), "박셋", "0311234567", "")
		_, err = f.svc.Transition(ctx, f.reception, r2.ID, ActionReject, "  ")
		wantKind(t, "reject without reason", err, heydoctor.Invalid, "reason")
		_, err = f.svc.Transition(ctx, f.reception, r2.ID, ActionCancel, "")
		wantKind(t, "cancel without reason", err, heydoctor.Invalid, "reason")
		_, err = f.svc.Transition(ctx, f.reception, r2.ID, ActionNoShow, "")
		wantKind(t, "no-show of a requested", err, heydoctor.Conflict, "action")
		got, err = f.svc.Transition(ctx, f.reception, r2.ID, ActionReject, "해당 시간 진료 불가")
		if err != nil || got.Status != heydoctor.StatusRejected {
			t.Fatalf("reject: %+v %v", got, err)
		}
		_, err = f.svc.Transition(ctx, f.reception, r2.ID, "explode", "")
		wantKind(t, "unknown action", err, heydoctor.Invalid, "action")

		// No-show only after the start.
		r3 := f.book(t, start.Add(30*time.Minute), "최넷", "01044445555", "")
		if _, err := f.svc.Transition(ctx, f.admin, r3.ID, ActionConfirm, ""); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Transition(ctx, f.admin, r3.ID, ActionNoShow, "")
		wantKind(t, "no-show before start", err, heydoctor.Conflict, "action")
		f.clock.Set(start.Add(time.Hour))
		if got, err := f.svc.Transition(ctx, f.admin, r3.ID, ActionNoShow, ""); err != nil || got.Status != heydoctor.StatusNoShow {
			t.Fatalf("no-show: %+v %v", got, err)
		}
	})
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

func TestReschedule(t *testing.T) {
	withFixture(t, policyConfirm(), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		a := at(t, "2026-11-30 09:00")
		r := f.book(t, a, "김하나", "01012345678", "")
		if _, err := f.svc.Transition(ctx, f.admin, r.ID, ActionConfirm, ""); err != nil {
			t.Fatal(err)
		}
		taken := f.book(t, a.Add(15*time.Minute), "이둘", "01022223333", "")

		// Onto a taken slot: Conflict with alternatives, nothing changed.
		_, err := f.svc.RescheduleByPatient(ctx, Client{}, r.Code, "01012345678", taken.Start)
		var ce *ConflictError
		if !errors.As(err, &ce) || heydoctor.KindOf(err) != heydoctor.Conflict || len(ce.Alternatives) != maxAlternatives {
			t.Fatalf("reschedule onto taken: %v", err)
		}
		cur, _ := f.store.FindReservationByID(ctx, r.ID)
		if !cur.Start.Equal(a) || cur.Sequence != 1 || cur.Status != heydoctor.StatusConfirmed {
			t.Errorf("failed reschedule changed the reservation: %+v", cur)
		}
		// Onto a slot outside the plan, and onto lunch.
		_, err = f.svc.RescheduleByPatient(ctx, Client{}, r.Code, "01012345678", at(t, "2026-11-30 12:15"))
		wantKind(t, "reschedule onto lunch", err, heydoctor.Invalid, "start")

		// A free slot: moved, back to requested under a confirmation policy, old slot freed.
		b := at(t, "2026-11-30 11:00")
		got, err := f.svc.RescheduleByPatient(ctx, Client{}, r.Code, "01012345678", b)
		if err != nil || !got.Start.Equal(b) || got.Status != heydoctor.StatusRequested || got.Sequence != 2 {
			t.Fatalf("reschedule: %+v %v", got, err)
		}
		slots, err := f.svc.DoctorSlots(ctx, f.doctorID, "2026-11-30", "2026-11-30")
		if err != nil {
			t.Fatal(err)
		}
		free := map[string]bool{}
		for _, sl := range slots {
			free[sl.Start.In(heydoctor.KST).Format("15:04")] = true
		}
		if !free["09:00"] || free["09:15"] || free["11:00"] {
			t.Errorf("free after reschedule: 09:00 %v (want true), 09:15 %v, 11:00 %v (want false)", free["09:00"], free["09:15"], free["11:00"])
		}
		// Staff reschedule, inside the minimum notice.
		f.clock.Set(at(t, "2026-11-30 10:50"))
		got, err = f.svc.RescheduleByStaff(ctx, f.reception, r.ID, at(t, "2026-11-30 11:00").Add(15*time.Minute))
		if err != nil || got.Status != heydoctor.StatusRequested || got.Sequence != 3 {
			t.Fatalf("staff reschedule: %+v %v", got, err)
		}
		entries, _ := f.store.ListAudit(ctx, f.instID, 1)
		if len(entries) != 1 || entries[0].Action != "reservation.reschedule" || entries[0].Before == entries[0].After {
			t.Errorf("audit of staff reschedule: %+v", entries)
		}
	})
}

func TestBookRejectsBadInput(t *testing.T) {
	withFixture(t, heydoctor.BookingPolicy{}, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		ok := BookRequest{DoctorID: f.doctorID, Start: at(t, "2026-11-30 09:00"), Name: "김하나", Phone: "01012345678"}
		tests := []struct {
			name  string
			mod   func(r *BookRequest)
			kind  heydoctor.ErrorKind
			field string
		}{
			{"past", func(r *BookRequest) { r.Start = at(t, "2026-11-24 09:00") }, heydoctor.Invalid, "start"},
			{"within notice", func(r *BookRequest) { r.Start = at(t, "2026-11-25 10:15") }, heydoctor.Invalid, "start"},
			{"beyond horizon", func(r *BookRequest) { r.Start = at(t, "2027-01-04 09:00") }, heydoctor.Invalid, "start"},
			{"misaligned", func(r *BookRequest) { r.Start = at(t, "2026-11-30 09:10") }, heydoctor.Invalid, "start"},
			{"lunch", func(r *BookRequest) { r.Start = at(t, "2026-11-30 12:00") }, heydoctor.Invalid, "start"},
			{"sunday", func(r *BookRequest) { r.Start = at(t, "2026-11-29 09:00") }, heydoctor.Invalid, "start"},
			{"holiday", func(r *BookRequest) { r.Start = at(t, "2026-12-25 09:00") }, heydoctor.Invalid, "start"},
			{"no start", func(r *BookRequest) { r.Start = time.Time{} }, heydoctor.Invalid, "start"},
			{"bad phone", func(r *BookRequest) { r.Phone = "010-12" }, heydoctor.Invalid, "phone"},
			{"no name", func(r *BookRequest) { r.Name = " " }, heydoctor.Invalid, "name"},
			{"digits name", func(r *BookRequest) { r.Name = "01012345678" }, heydoctor.Invalid, "name"},
			{"long note", func(r *BookRequest) { r.Note = string(make([]rune, 501)) }, heydoctor.Invalid, "note"},
			{"long key", func(r *BookRequest) { r.IdempotencyKey = string(make([]byte, 129)) }, heydoctor.Invalid, "idempotency_key"},
			{"bad channel", func(r *BookRequest) { r.Channel = "fax" }, heydoctor.Invalid, "channel"},
			{"unknown doctor", func(r *BookRequest) { r.DoctorID = 99999 }, heydoctor.NotFound, "doctor_id"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				req := ok
				tt.mod(&req)
				_, _, err := f.svc.Book(ctx, req)
				wantKind(t, tt.name, err, tt.kind, tt.field)
			})
		}
		list, err := f.store.ListReservations(ctx, heydoctor.ReservationFilter{InstitutionID: f.instID})
		if err != nil || len(list) != 0 {
			t.Errorf("refused bookings left %d reservations (%v)", len(list), err)
		}
		// Instant confirmation policy.
		r, _, err := f.svc.Book(ctx, ok)
		if err != nil || r.Status != heydoctor.StatusConfirmed {
			t.Errorf("instant policy: %+v %v", r, err)
		}
		// Ranges.
		_, err = f.svc.DoctorSlots(ctx, f.doctorID, "2026-11-30", "2027-01-05")
		wantKind(t, "range too long", err, heydoctor.Invalid, "to")
		_, err = f.svc.DoctorSlots(ctx, f.doctorID, "2026-11-30", "2026-11-29")
		wantKind(t, "range inverted", err, heydoctor.Invalid, "to")
		_, err = f.svc.DoctorSlots(ctx, f.doctorID, "30/11/2026", "2026-11-29")
		wantKind(t, "bad from", err, heydoctor.Invalid, "from")
	})
}

func TestConflictAlternativesAndCapacity(t *testing.T) {
	withFixture(t, policyConfirm(), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		start := at(t, "2026-11-30 11:30")
		f.book(t, start, "김하나", "01012345678", "")
		_, _, err := f.svc.Book(ctx, BookRequest{DoctorID: f.doctorID, Start: start, Name: "이둘", Phone: "01022223333"})
		var ce *ConflictError
		if !errors.As(err, &ce) || heydoctor.FieldOf(err) != "start" {
			t.Fatalf("second booking: %v", err)
		}
		var got []string
		for _, sl := range ce.Alternatives {
			got = append(got, sl.Start.In(heydoctor.KST).Format("01-02 15:04"))
		}
		want := []string{"11-30 11:45", "11-30 13:00", "11-30 13:15", "11-30 13:30", "11-30 13:45"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("alternatives mismatch (-want +got):\n%s", diff)
		}

		// Capacity 2: two patients, then full.
		sc := &heydoctor.Schedule{DoctorID: f.doctorID, Blocks: weekdays("0900-1200"), Capacity: 2}
		if err := f.svc.SaveSchedule(ctx, f.admin, sc); err != nil {
			t.Fatal(err)
		}
		c2 := at(t, "2026-12-01 09:00")
		f.book(t, c2, "가", "01000000001", "")
		slots, _ := f.svc.DoctorSlots(ctx, f.doctorID, "2026-12-01", "2026-12-01")
		if len(slots) == 0 || !slots[0].Start.Equal(c2) || slots[0].Free != 1 || slots[0].Capacity != 2 {
			t.Errorf("after one of two: %+v", slots[:1])
		}
		f.book(t, c2, "나", "01000000002", "")
		_, _, err = f.svc.Book(ctx, BookRequest{DoctorID: f.doctorID, Start: c2, Name: "다", Phone: "01000000003"})
		wantKind(t, "third of two", err, heydoctor.Conflict, "start")

		// Staff cannot be bypassed: reception may not change schedules.
		err = f.svc.SaveSchedule(ctx, f.reception, sc)
		wantKind(t, "reception saves schedule", err, heydoctor.Forbidden, "")
		err = f.svc.UpdateHours(ctx, f.reception, heydoctor.OpeningHours{})
		wantKind(t, "reception updates hours", err, heydoctor.Forbidden, "")
		err = f.svc.SaveDoctor(ctx, f.reception, &heydoctor.Doctor{Name: "x", Department: "D001"})
		wantKind(t, "reception saves doctor", err, heydoctor.Forbidden, "")
		bad := &heydoctor.Schedule{DoctorID: f.doctorID, Blocks: weekdays("0900-1200", "1100-1300")}
		err = f.svc.SaveSchedule(ctx, f.admin, bad)
		wantKind(t, "overlapping schedule", err, heydoctor.Invalid, "blocks")
	})
}

func TestExceptionsClosuresAndInstitutionSlots(t *testing.T) {
	withFixture(t, policyConfirm(), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		// Leave on Monday, extra Saturday morning, institution closed on Tuesday.
		if err := f.svc.SetException(ctx, f.admin, &heydoctor.ScheduleException{DoctorID: f.doctorID, Date: "2026-11-30", Closed: true, Note: "학회"}); err != nil {
			t.Fatal(err)
		}
		extra := &heydoctor.ScheduleException{DoctorID: f.doctorID, Date: "2026-11-28", Blocks: []heydoctor.WorkBlock{{Start: "0900", End: "0930"}}}
		if err := f.svc.SetException(ctx, f.admin, extra); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetClosure(ctx, f.admin, heydoctor.Closure{Date: "2026-12-01", Note: "내부 공사"}); err != nil {
			t.Fatal(err)
		}
		res, err := f.svc.InstitutionSlots(ctx, f.instID, "내과", "2026-11-28", "2026-12-02")
		if err != nil || len(res) != 1 {
			t.Fatalf("institution slots: %v %v", res, err)
		}
		days := map[string]int{}
		for _, sl := range res[0].Slots {
			days[sl.Start.In(heydoctor.KST).Format("01-02")]++
		}
		if diff := cmp.Diff(map[string]int{"11-28": 2, "12-02": 32}, days); diff != "" {
			t.Errorf("slots per day mismatch (-want +got):\n%s", diff)
		}
		if res, err := f.svc.InstitutionSlots(ctx, f.instID, "소아청소년과", "2026-11-28", "2026-12-02"); err != nil || len(res) != 0 {
			t.Errorf("other department: %v %v", res, err)
		}
		_, err = f.svc.InstitutionSlots(ctx, f.instID, "없는과", "2026-11-28", "2026-12-02")
		wantKind(t, "unknown department", err, heydoctor.Invalid, "department")
		// The extra Saturday slot is bookable; the leave day is not.
		f.book(t, at(t, "2026-11-28 09:00"), "김하나", "01012345678", "")
		_, _, err = f.svc.Book(ctx, BookRequest{DoctorID: f.doctorID, Start: at(t, "2026-11-30 09:00"), Name: "김하나", Phone: "01012345678"})
		wantKind(t, "book on leave day", err, heydoctor.Invalid, "start")
		if err := f.svc.DeleteException(ctx, f.admin, f.doctorID, "2026-11-30"); err != nil {
			t.Fatal(err)
		}
		f.book(t, at(t, "2026-11-30 09:00"), "김하나", "01012345678", "")
		if err := f.svc.DeleteClosure(ctx, f.admin, "2026-12-01"); err != nil {
			t.Fatal(err)
		}
		err = f.svc.SetException(ctx, f.admin, &heydoctor.ScheduleException{DoctorID: f.doctorID, Date: "2026-11-31", Closed: true})
		wantKind(t, "bad exception date", err, heydoctor.Invalid, "date")
		entries, _ := f.store.ListAudit(ctx, f.instID, 100)
		n := 0
		for _, e := range entries {
			if e.StaffID == f.admin.ID && (strings.HasPrefix(e.Action, "exception.") || strings.HasPrefix(e.Action, "closure.")) {
				n++
			}
		}
		if n != 5 {
			t.Errorf("exception and closure audit entries = %d, want 5", n)
		}
	})
}

func TestStaffIsolation(t *testing.T) {
	withFixture(t, policyConfirm(), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		r := f.book(t, at(t, "2026-11-30 09:00"), "김하나", "01012345678", "")
		for _, a := range []Action{ActionConfirm, ActionReject, ActionAttended, ActionNoShow, ActionCancel} {
			_, err := f.svc.Transition(ctx, f.other, r.ID, a, "사유")
			wantKind(t, "other institution "+string(a), err, heydoctor.NotFound, "reservation_id")
		}
		_, err := f.svc.RescheduleByStaff(ctx, f.other, r.ID, at(t, "2026-11-30 10:00"))
		wantKind(t, "other institution reschedule", err, heydoctor.NotFound, "reservation_id")
		list, err := f.svc.DayList(ctx, f.other, "2026-11-30", nil)
		if err != nil || len(list) != 0 {
			t.Errorf("other institution day list: %d %v", len(list), err)
		}
		err = f.svc.SaveSchedule(ctx, f.other, &heydoctor.Schedule{DoctorID: f.doctorID})
		wantKind(t, "other schedule", err, heydoctor.NotFound, "doctor_id")
		err = f.svc.SetException(ctx, f.other, &heydoctor.ScheduleException{DoctorID: f.doctorID, Date: "2026-11-30", Closed: true})
		wantKind(t, "other exception", err, heydoctor.NotFound, "doctor_id")
		err = f.svc.SaveDoctor(ctx, f.other, &heydoctor.Doctor{ID: f.doctorID, Name: "탈취", Department: "D001", Active: true})
		wantKind(t, "other doctor", err, heydoctor.NotFound, "doctor_id")
		err = f.svc.DeleteException(ctx, f.other, f.doctorID, "2026-11-30")
		wantKind(t, "other delete exception", err, heydoctor.NotFound, "doctor_id")
		_, err = f.svc.Transition(ctx, &heydoctor.Staff{ID: f.admin.ID, InstitutionID: f.instID, Role: heydoctor.RoleAdmin, Disabled: true}, r.ID, ActionConfirm, "")
		wantKind(t, "disabled account", err, heydoctor.Unauthorized, "")
		// Own staff sees it.
		list, err = f.svc.DayList(ctx, f.reception, "2026-11-30", []heydoctor.ReservationStatus{heydoctor.StatusRequested})
		if err != nil || len(list) != 1 || list[0].ID != r.ID {
			t.Errorf("own day list: %v %v", list, err)
		}
		cur, _ := f.store.FindReservationByID(ctx, r.ID)
		if cur.Status != heydoctor.StatusRequested || cur.Sequence != 0 {
			t.Errorf("isolation breach changed the reservation: %+v", cur)
		}
		// A same idempotency key from another phone is another booking, not a leak.
		a := f.book(t, at(t, "2026-11-30 10:00"), "이둘", "01022223333", "shared")
		b := f.book(t, at(t, "2026-11-30 10:15"), "박셋", "01033334444", "shared")
		if a.Code == b.Code {
			t.Error("the same idempotency key returned another patient's reservation")
		}
	})
}

func TestListForKakao(t *testing.T) {
	withFixture(t, policyConfirm(), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		r, _, err := f.svc.Book(ctx, BookRequest{DoctorID: f.doctorID, Start: at(t, "2026-11-30 09:00"), Name: "김하나", Phone: "01012345678",
			KakaoKey: "kakao-user-1", Channel: heydoctor.ChannelKakao})
		if err != nil {
			t.Fatal(err)
		}
		f.book(t, at(t, "2026-11-30 09:15"), "이둘", "01022223333", "")
		list, err := f.svc.ListForKakao(ctx, "kakao-user-1")
		if err != nil || len(list) != 1 || list[0].Code != r.Code {
			t.Errorf("kakao list: %v %v", list, err)
		}
		_, err = f.svc.ListForKakao(ctx, "")
		wantKind(t, "empty kakao key", err, heydoctor.Invalid, "kakao_key")
	})
}

// TestBookRace has 200 goroutines book the same slot through the service: exactly one wins.
func TestBookRace(t *testing.T) {
	withFixture(t, policyConfirm(), func(t *testing.T, f *fixture) {
		start := at(t, "2026-11-30 14:00")
		results := storetest.Race(200, func(i int) error {
			_, _, err := f.svc.Book(context.Background(), BookRequest{DoctorID: f.doctorID, Start: start, Name: fmt.Sprintf("환자%d", i),
				Phone: fmt.Sprintf("010%08d", i), IdempotencyKey: fmt.Sprintf("race-%d", i)})
			return err
		}, heydoctor.Conflict)
		if diff := cmp.Diff(map[string]int{"ok": 1, "conflict": 199}, results); diff != "" {
			t.Errorf("race mismatch (-want +got):\n%s", diff)
		}
	})
}
