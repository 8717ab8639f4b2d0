package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"heydoctor"
	"heydoctor/internal/sqlstore"
	"heydoctor/internal/sqlstore/storetest"
)

func TestConversations(t *testing.T) {
	clock := storetest.NewClock(epoch)
	storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if _, err := s.GetConversation(ctx, heydoctor.ChannelKakao, "u1"); heydoctor.KindOf(err) != heydoctor.NotFound {
			t.Fatalf("missing conversation: %v", err)
		}
		c := &heydoctor.Conversation{Channel: heydoctor.ChannelKakao, UserKey: "u1", State: []byte(`{"step":"a"}`), ExpiresAt: clock.Now().Add(30 * time.Minute)}
		if err := s.PutConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
		c.State = []byte(`{"step":"b"}`)
		if err := s.PutConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetConversation(ctx, heydoctor.ChannelKakao, "u1")
		if err != nil || string(got.State) != `{"step":"b"}` {
			t.Fatalf("conversation = %+v, %v", got, err)
		}
		if _, err := s.GetConversation(ctx, heydoctor.ChannelWeb, "u1"); heydoctor.KindOf(err) != heydoctor.NotFound {
			t.Errorf("channels are not separate: %v", err)
		}
		clock.Add(31 * time.Minute)
		if _, err := s.GetConversation(ctx, heydoctor.ChannelKakao, "u1"); heydoctor.KindOf(err) != heydoctor.NotFound {
			t.Errorf("expired conversation still returned: %v", err)
		}
		if n, err := s.DeleteExpiredConversations(ctx); err != nil || n != 1 {
			t.Errorf("DeleteExpired = %d, %v", n, err)
		}
		clock.Set(epoch)
	})
}

func TestStaffAndSessions(t *testing.T) {
	clock := storetest.NewClock(epoch)
	storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		instID, _ := bookable(t, s)
		st := &heydoctor.Staff{InstitutionID: instID, Login: "desk", PasswordHash: "h", Role: heydoctor.RoleReception}
		if err := s.CreateStaff(ctx, st); err != nil {
			t.Fatal(err)
		}
		dup := &heydoctor.Staff{InstitutionID: instID, Login: "desk", PasswordHash: "h", Role: heydoctor.RoleAdmin}
		if err := s.CreateStaff(ctx, dup); heydoctor.FieldOf(err) != "login" {
			t.Errorf("duplicate login: %v", err)
		}
		if got, err := s.FindStaffByLogin(ctx, "desk"); err != nil || got.ID != st.ID || got.Role != heydoctor.RoleReception {
			t.Errorf("find staff = %+v, %v", got, err)
		}
		if list, err := s.ListStaff(ctx, instID); err != nil || len(list) != 1 {
			t.Errorf("list staff = %v, %v", list, err)
		}
		se := &heydoctor.Session{TokenHash: "abc", StaffID: st.ID, CSRF: "csrf", CreatedAt: clock.Now(), ExpiresAt: clock.Now().Add(time.Hour)}
		if err := s.CreateSession(ctx, se); err != nil {
			t.Fatal(err)
		}
		if got, who, err := s.FindSession(ctx, "abc"); err != nil || got.CSRF != "csrf" || who.Login != "desk" {
			t.Errorf("find session = %+v %+v %v", got, who, err)
		}
		clock.Add(2 * time.Hour)
		if _, _, err := s.FindSession(ctx, "abc"); heydoctor.KindOf(err) != heydoctor.Unauthorized {
			t.Errorf("expired session: %v", err)
		}
		clock.Set(epoch)
		if err := s.DeleteSession(ctx, "abc"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.FindSession(ctx, "abc"); heydoctor.KindOf(err) != heydoctor.Unauthorized {
			t.Errorf("deleted session: %v", err)
		}
		if err := s.AddAudit(ctx, &heydoctor.AuditEntry{InstitutionID: instID, StaffID: st.ID, Action: "hours", Entity: "institution", EntityID: instID, Before: "{}", After: "{}"}); err != nil {
			t.Fatal(err)
		}
		if list, err := s.ListAudit(ctx, instID, 10); err != nil || len(list) != 1 {
			t.Errorf("audit = %v, %v", list, err)
		}
	})
}

func TestDoctorsSchedulesClosures(t *testing.T) {
	clock := storetest.NewClock(epoch)
	storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		instID, docID := bookable(t, s)
		d, err := s.FindDoctorByID(ctx, docID)
		if err != nil || d.Name != "내과 1진료실" || !d.IsRoom || !d.Demo {
			t.Fatalf("doctor = %+v, %v", d, err)
		}
		d.Name, d.Active = "내과 2진료실", false
		if err := s.UpdateDoctor(ctx, d); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.ListDoctors(ctx, instID); len(list) != 1 || list[0].Name != "내과 2진료실" || list[0].Active {
			t.Errorf("after update: %+v", list[0])
		}
		d.InstitutionID = instID + 100
		if err := s.UpdateDoctor(ctx, d); heydoctor.KindOf(err) != heydoctor.NotFound {
			t.Errorf("update through another institution: %v", err)
		}
		sc, err := s.FindSchedule(ctx, docID)
		if err != nil || len(sc.Blocks) != 1 || sc.SlotMinutes != 15 {
			t.Fatalf("schedule = %+v, %v", sc, err)
		}
		e := &heydoctor.ScheduleException{DoctorID: docID, Date: "2026-12-01", Closed: true, Note: "휴가"}
		if err := s.SetException(ctx, e); err != nil {
			t.Fatal(err)
		}
		if list, err := s.ListExceptions(ctx, docID, "2026-11-30", "2026-12-31"); err != nil || len(list) != 1 || !list[0].Closed {
			t.Errorf("exceptions = %+v, %v", list, err)
		}
		if err := s.DeleteException(ctx, docID, "2026-12-01"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteException(ctx, docID, "2026-12-01"); heydoctor.KindOf(err) != heydoctor.NotFound {
			t.Errorf("second delete: %v", err)
		}
		v0, _ := s.DirectoryVersion(ctx)
		if err := s.SetClosure(ctx, heydoctor.Closure{InstitutionID: instID, Date: "2026-12-24", Note: "휴진"}); err != nil {
			t.Fatal(err)
		}
		if list, err := s.ListClosures(ctx, instID, "2026-12-01"); err != nil || len(list) != 1 {
			t.Errorf("closures = %v, %v", list, err)
		}
		var h heydoctor.OpeningHours
		h.Day[5] = heydoctor.Span{Open: "0900", Close: "1300"}
		if err := s.UpdateInstitutionHours(ctx, instID, h); err != nil {
			t.Fatal(err)
		}
		if v1, _ := s.DirectoryVersion(ctx); v1 != v0+2 {
			t.Errorf("directory version %d → %d, want +2", v0, v1)
		}
		if err := s.DeleteClosure(ctx, instID, "2026-12-24"); err != nil {
			t.Fatal(err)
		}
		counts, err := s.CountInstitutions(ctx)
		if err != nil || counts[heydoctor.KindClinic] != 1 {
			t.Errorf("counts = %v, %v", counts, err)
		}
		if last, err := s.LastImport(ctx); err != nil || last.IsZero() {
			t.Errorf("last import = %v, %v", last, err)
		}
	})
}

func TestWebhookOutbox(t *testing.T) {
	clock := storetest.NewClock(epoch)
	storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		instID, docID := bookable(t, s)
		w := &heydoctor.Webhook{InstitutionID: instID, URL: "https://hospital.example/hook", Secret: "k", Active: true}
		if err := s.CreateWebhook(ctx, w); err != nil {
			t.Fatal(err)
		}
		start := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
		r := &heydoctor.Reservation{InstitutionID: instID, DoctorID: docID, Start: start, End: start.Add(15 * time.Minute), Status: heydoctor.StatusRequested, Channel: heydoctor.ChannelWeb}
		ev := &heydoctor.ReservationEvent{Name: "reservation.created", Body: func(r *heydoctor.Reservation) []byte { return []byte(`{"code":"` + r.Code + `"}`) }}
		if _, err := s.CreateReservation(ctx, r, &heydoctor.Patient{Name: "가", Phone: "01011112222"}, 1, ev, heydoctor.ReservationQuota{}); err != nil {
			t.Fatal(err)
		}
		due, err := s.DueDeliveries(ctx, 10)
		if err != nil || len(due) != 1 || due[0].Body != `{"code":"`+r.Code+`"}` {
			t.Fatalf("due = %+v, %v", due, err)
		}
		if ok, err := s.ClaimDelivery(ctx, &due[0], time.Minute); !ok || err != nil {
			t.Fatalf("claim = %v, %v", ok, err)
		}
		if ok, _ := s.ClaimDelivery(ctx, &due[0], time.Minute); ok {
			t.Error("a delivery was claimed twice")
		}
		if err := s.RecordAttempt(ctx, due[0].ID, 500, "server error", false, clock.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordAttempt(ctx, due[0].ID, 200, "", true, time.Time{}); err != nil {
			t.Fatal(err)
		}
		log, err := s.ListDeliveries(ctx, w.ID, 10)
		if err != nil || len(log) != 1 || log[0].State != "delivered" || log[0].Attempts != 2 {
			t.Errorf("delivery log = %+v, %v", log, err)
		}
	})
}

func TestBackup(t *testing.T) {
	s := storetest.SQLite(t, time.Now)
	dest := filepath.Join(t.TempDir(), "copy.db")
	if err := s.Backup(context.Background(), dest); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(context.Background(), dest); err == nil {
		t.Error("backup overwrote an existing file")
	}
	copyStore, err := sqlstore.Open(context.Background(), dest, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer copyStore.Close()
	if err := copyStore.CheckSchema(context.Background()); err != nil {
		t.Errorf("backup schema: %v", err)
	}
}
