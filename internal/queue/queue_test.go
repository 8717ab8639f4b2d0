package queue

import (
	"context"
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

// epoch is Wednesday 2026-11-25 10:00 KST.
var epoch = time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)

// fakeHours says every institution is open until closes (KST), or closed when closes is zero.
type fakeHours struct{ closes time.Time }

func (f *fakeHours) Get(id int64) (*heydoctor.Institution, bool) { return nil, false }

func (f *fakeHours) Status(in *heydoctor.Institution, t time.Time) hours.Status {
	if f.closes.IsZero() || !t.Before(f.closes) {
		return hours.Status{State: hours.Closed}
	}
	return hours.Status{State: hours.Open, ClosesAt: f.closes}
}

type fixture struct {
	svc       *Service
	store     *sqlstore.Store
	clock     *storetest.Clock
	hours     *fakeHours
	instID    int64
	desk      *heydoctor.Staff
	admin     *heydoctor.Staff
	otherDesk *heydoctor.Staff
}

// newFixture is an onboarded clinic open until 18:00 with one 10-minute room and
// check-in on, its reception and admin, and another clinic's reception.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	clock := storetest.NewClock(epoch)
	return newFixtureAt(t, clock, clock.Now)
}

// newFixtureAt is newFixture on another clock (clock then only records the start).
func newFixtureAt(t testing.TB, clock *storetest.Clock, now func() time.Time) *fixture {
	t.Helper()
	ctx := context.Background()
	s := storetest.SQLite(t, now)
	mk := func(hpid, name string) heydoctor.Institution {
		in := heydoctor.Institution{Kind: heydoctor.KindClinic, TypeCode: "C", TypeName: "의원", Name: name, Address: "경기도 시흥시 산기대학로 237",
			Lat: 37.34, Lng: 126.73, Departments: []string{"D002"}, HPID: hpid}
		in.Hours.Day[2] = heydoctor.Span{Open: "0900", Close: "1800"}
		return in
	}
	if _, err := s.ApplyImport(ctx, heydoctor.ImportBatch{Scope: "test", Institutions: []heydoctor.Institution{mk("Q1", "하나소아청소년과의원"), mk("Q2", "둘소아청소년과의원")}}); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListInstitutions(ctx, heydoctor.InstitutionFilter{})
	if err != nil || len(list) != 2 {
		t.Fatalf("institutions: %v %v", list, err)
	}
	f := &fixture{store: s, clock: clock, hours: &fakeHours{closes: time.Date(2026, 11, 25, 18, 0, 0, 0, heydoctor.KST)}, instID: list[0].ID}
	f.svc = NewService(s, f.hours, now, nil)
	for i, in := range list {
		if err := s.SetOnboarding(ctx, in.ID, true, false, heydoctor.BookingPolicy{}); err != nil {
			t.Fatal(err)
		}
		st := &heydoctor.Staff{InstitutionID: in.ID, Login: fmt.Sprintf("desk%d", i), PasswordHash: "x", Role: heydoctor.RoleReception}
		if err := s.CreateStaff(ctx, st); err != nil {
			t.Fatal(err)
		}
		qs := heydoctor.DefaultQueueSettings(in.ID)
		qs.Enabled = true
		if err := s.SaveQueueSettings(ctx, &qs); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			f.desk = st
		} else {
			f.otherDesk = st
		}
	}
	f.admin = &heydoctor.Staff{InstitutionID: f.instID, Login: "admin", PasswordHash: "x", Role: heydoctor.RoleAdmin}
	if err := s.CreateStaff(ctx, f.admin); err != nil {
		t.Fatal(err)
	}
	d := &heydoctor.Doctor{InstitutionID: f.instID, Department: "D002", Name: "소아청소년과 1진료실", IsRoom: true, Active: true}
	if err := s.CreateDoctor(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSchedule(ctx, &heydoctor.Schedule{DoctorID: d.ID, Blocks: []heydoctor.WorkBlock{{Weekday: time.Wednesday, Start: "0900", End: "1800"}},
		SlotMinutes: 10, Capacity: 1, HorizonDays: 7, MinNoticeMinutes: 0}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) checkIn(t testing.TB, i int) *View {
	t.Helper()
	v, err := f.svc.CheckIn(context.Background(), CheckInRequest{InstitutionID: f.instID, Name: fmt.Sprintf("김환자%d", i), Phone: fmt.Sprintf("010-1234-%04d", i), Channel: heydoctor.ChannelWeb})
	if err != nil {
		t.Fatalf("check in %d: %v", i, err)
	}
	return v
}

func (f *fixture) settings(t testing.TB, change func(*heydoctor.QueueSettings)) {
	t.Helper()
	qs, err := f.store.FindQueueSettings(context.Background(), f.instID)
	if err != nil {
		t.Fatal(err)
	}
	change(&qs)
	if err := f.store.SaveQueueSettings(context.Background(), &qs); err != nil {
		t.Fatal(err)
	}
}

func TestCheckInRefusals(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *fixture)
		want  string
	}{
		{"off", func(f *fixture) { f.settings(t, func(qs *heydoctor.QueueSettings) { qs.Enabled = false }) }, "모바일 접수를 받지 않아요"},
		{"paused", func(f *fixture) { f.settings(t, func(qs *heydoctor.QueueSettings) { qs.Paused = true }) }, "잠시 멈췄어요"},
		{"closed now", func(f *fixture) { f.hours.closes = time.Time{} }, "진료 시간이 아니라"},
		{"past cut-off", func(f *fixture) { f.settings(t, func(qs *heydoctor.QueueSettings) { qs.CutOff = "0930" }) }, "09:30에 마감"},
		{"capped", func(f *fixture) {
			f.settings(t, func(qs *heydoctor.QueueSettings) { qs.DailyCap = 2 })
			f.checkIn(t, 1)
			f.checkIn(t, 2)
		}, "다 찼어요"},
		{"queue would run past closing", func(f *fixture) {
			f.hours.closes = epoch.Add(25 * time.Minute) // 10-minute visits: two fit, a third does not
			f.checkIn(t, 1)
			f.checkIn(t, 2)
		}, "접수 마감"},
		{"second active ticket", func(f *fixture) { f.checkIn(t, 9) }, "이미 있어요"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			tt.setup(f)
			_, err := f.svc.CheckIn(context.Background(), CheckInRequest{InstitutionID: f.instID, Name: "이환자", Phone: "01012340009"})
			if heydoctor.KindOf(err) != heydoctor.Conflict || !strings.Contains(heydoctor.MessageOf(err), tt.want) {
				t.Errorf("CheckIn = %v; want a conflict saying %q", err, tt.want)
			}
		})
	}
}

func TestCheckInValidation(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name  string
		req   CheckInRequest
		field string
	}{
		{"no name", CheckInRequest{Phone: "01012345678"}, "name"},
		{"bad phone", CheckInRequest{Name: "김", Phone: "12"}, "phone"},
		{"long reason", CheckInRequest{Name: "김", Phone: "01012345678", Note: strings.Repeat("열", 201)}, "note"},
		{"control in child name", CheckInRequest{Name: "김", Phone: "01012345678", ChildName: "a\x00b"}, "child_name"},
		{"unknown clinic", CheckInRequest{Name: "김", Phone: "01012345678", InstitutionID: 999}, "institution_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.req.InstitutionID == 0 {
				tt.req.InstitutionID = f.instID
			}
			_, err := f.svc.CheckIn(context.Background(), tt.req)
			if got := heydoctor.FieldOf(err); got != tt.field {
				t.Errorf("field = %q (%v), want %q", got, err, tt.field)
			}
		})
	}
}

func positions(t *testing.T, f *fixture, views ...*View) []int {
	t.Helper()
	var out []int
	for _, v := range views {
		got, err := f.svc.Status(context.Background(), v.Ticket.Code, v.Ticket.Phone)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, got.Ahead)
	}
	return out
}

func TestQueueFlow(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.checkIn(t, 1)
	if a.Ticket.Number != 1 || a.Ahead != 0 || !a.Soon || a.Estimate.Label() != "약 0~5분" || a.Estimate.FromPace {
		t.Errorf("first ticket = number %d ahead %d soon %v estimate %q", a.Ticket.Number, a.Ahead, a.Soon, a.Estimate.Label())
	}
	walk, err := f.svc.AddWalkIn(ctx, f.desk, CheckInRequest{Name: "박현장"})
	if err != nil || walk.Number != 2 || walk.Kind != heydoctor.TicketWalkIn {
		t.Fatalf("walk-in = %+v, %v", walk, err)
	}
	b := f.checkIn(t, 2)
	c := f.checkIn(t, 3)
	d := f.checkIn(t, 4)
	if c.Ahead != 3 || c.Soon || c.Estimate.Label() != "약 20~45분" {
		t.Errorf("fourth in line: ahead %d soon %v estimate %q", c.Ahead, c.Soon, c.Estimate.Label())
	}
	// Wrong phone: the same not-found as a wrong code.
	if _, err := f.svc.Status(ctx, a.Ticket.Code, "01099999999"); heydoctor.KindOf(err) != heydoctor.NotFound {
		t.Errorf("status with another phone: %v", err)
	}
	// Another clinic's reception cannot touch the ticket.
	if _, err := f.svc.Act(ctx, f.otherDesk, a.Ticket.ID, ActionCall, ""); heydoctor.KindOf(err) != heydoctor.NotFound {
		t.Errorf("other clinic's call: %v", err)
	}
	// Call in check-in order, remote and walk-in alike.
	called, err := f.svc.CallNext(ctx, f.desk)
	if err != nil || called.ID != a.Ticket.ID {
		t.Fatalf("call next = %+v, %v; want the first ticket", called, err)
	}
	if _, err := f.svc.Act(ctx, f.desk, a.Ticket.ID, ActionArrived, ""); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(6 * time.Minute)
	if _, err := f.svc.Act(ctx, f.desk, a.Ticket.ID, ActionDone, ""); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{1, 2, 3}, positions(t, f, b, c, d)); diff != "" {
		t.Errorf("positions mismatch (-want +got):\n%s", diff)
	}
	// The estimate now uses today's pace: one 6-minute visit.
	if v, _ := f.svc.Status(ctx, d.Ticket.Code, d.Ticket.Phone); !v.Estimate.FromPace || v.Estimate.PerVisit != 6*time.Minute {
		t.Errorf("estimate after a visit = %+v", v.Estimate)
	}
	if got, err := f.svc.CallNext(ctx, f.desk); err != nil || got.ID != walk.ID {
		t.Fatalf("second call = %+v, %v; want the walk-in", got, err)
	}
	// The walk-in is not there: no-show at once (no second chance is owed at the desk).
	if got, err := f.svc.Act(ctx, f.desk, walk.ID, ActionNoShow, ""); err != nil || got.Status != heydoctor.TicketNoShow {
		t.Fatalf("walk-in absent = %+v, %v", got, err)
	}
	// b is called and absent: skipped once, back by SkipBack (3) places, with a message.
	if got, err := f.svc.CallNext(ctx, f.desk); err != nil || got.ID != b.Ticket.ID {
		t.Fatalf("third call = %+v, %v; want b", got, err)
	}
	got, err := f.svc.Act(ctx, f.desk, b.Ticket.ID, ActionNoShow, "")
	if err != nil || got.Status != heydoctor.TicketWaiting || got.Skips != 1 {
		t.Fatalf("remote absent once = %+v, %v", got, err)
	}
	if diff := cmp.Diff([]int{2, 0, 1}, positions(t, f, b, c, d)); diff != "" {
		t.Errorf("positions after a skip mismatch (-want +got):\n%s", diff)
	}
	if v, _ := f.svc.Status(ctx, b.Ticket.Code, b.Ticket.Phone); !strings.Contains(v.Message, "뒤로 옮겨졌어요") {
		t.Errorf("skipped patient's message = %q", v.Message)
	}
	// Absent again: lapsed with a message, never silently cancelled.
	for _, want := range []int64{c.Ticket.ID, d.Ticket.ID, b.Ticket.ID} {
		got, err := f.svc.CallNext(ctx, f.desk)
		if err != nil || got.ID != want {
			t.Fatalf("call = %+v, %v; want ticket %d", got, err, want)
		}
		if want != b.Ticket.ID {
			if _, err := f.svc.Act(ctx, f.desk, want, ActionArrived, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err = f.svc.Act(ctx, f.desk, b.Ticket.ID, ActionNoShow, "")
	if err != nil || got.Status != heydoctor.TicketLapsed {
		t.Fatalf("remote absent twice = %+v, %v", got, err)
	}
	if v, _ := f.svc.Status(ctx, b.Ticket.Code, b.Ticket.Phone); v.Message != LapseMessage {
		t.Errorf("lapsed message = %q", v.Message)
	}
	// Lapsed frees the phone: b may check in again.
	if _, err := f.svc.CheckIn(ctx, CheckInRequest{InstitutionID: f.instID, Name: "김환자2", Phone: b.Ticket.Phone}); err != nil {
		t.Errorf("check in again after lapse: %v", err)
	}
	if _, err := f.svc.CallNext(ctx, f.desk); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CallNext(ctx, f.desk); heydoctor.KindOf(err) != heydoctor.Conflict {
		t.Errorf("call with nobody waiting: %v", err)
	}
	// Every change is in the audit log.
	entries, err := f.store.ListAudit(ctx, f.instID, 100)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, e := range entries {
		counts[e.Action]++
		if strings.Contains(e.After, "01012") {
			t.Errorf("audit entry carries a phone number: %+v", e)
		}
	}
	want := map[string]int{"queue.check_in": 5, "queue.walk_in": 1, "queue.call": 7, "queue.arrived": 3, "queue.done": 1, "queue.no_show": 3}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("audit counts mismatch (-want +got):\n%s", diff)
	}
}

func TestYesterdaysTicket(t *testing.T) {
	f := newFixture(t)
	v := f.checkIn(t, 1)
	f.clock.Add(24 * time.Hour)
	got, err := f.svc.Status(context.Background(), v.Ticket.Code, v.Ticket.Phone)
	if err != nil || got.Soon || !strings.Contains(got.Message, "지난 날의 접수") {
		t.Errorf("yesterday's ticket = %+v, %v", got, err)
	}
}

func TestCancelAndMove(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a, b, c := f.checkIn(t, 1), f.checkIn(t, 2), f.checkIn(t, 3)
	if _, err := f.svc.Move(ctx, f.desk, c.Ticket.ID, 1, ""); heydoctor.FieldOf(err) != "reason" {
		t.Errorf("move without a reason: %v", err)
	}
	if _, err := f.svc.Move(ctx, f.desk, c.Ticket.ID, 1, "고열로 먼저 진료"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{1, 2, 0}, positions(t, f, a, b, c)); diff != "" {
		t.Errorf("positions after move mismatch (-want +got):\n%s", diff)
	}
	v, err := f.svc.Cancel(ctx, a.Ticket.Code, "010 1234 0001")
	if err != nil || v.Ticket.Status != heydoctor.TicketCancelled {
		t.Fatalf("cancel = %+v, %v", v, err)
	}
	if _, err := f.svc.Cancel(ctx, a.Ticket.Code, a.Ticket.Phone); heydoctor.KindOf(err) != heydoctor.Conflict {
		t.Errorf("cancel twice: %v", err)
	}
	if diff := cmp.Diff([]int{1, 0}, positions(t, f, b, c)); diff != "" {
		t.Errorf("positions after cancel mismatch (-want +got):\n%s", diff)
	}
	board, err := f.svc.Board(ctx, f.desk)
	if err != nil || len(board.Waiting) != 2 || len(board.Finished) != 1 || board.PredictedEnd.Sub(epoch) != 20*time.Minute {
		t.Errorf("board = waiting %d finished %d end %v, %v", len(board.Waiting), len(board.Finished), board.PredictedEnd, err)
	}
	if _, err := f.svc.SetPaused(ctx, f.desk, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CheckIn(ctx, CheckInRequest{InstitutionID: f.instID, Name: "최", Phone: "01055556666"}); heydoctor.KindOf(err) != heydoctor.Conflict {
		t.Errorf("check in while paused: %v", err)
	}
	if _, err := f.svc.AddWalkIn(ctx, f.desk, CheckInRequest{Name: "최", Phone: "01055556666"}); err != nil {
		t.Errorf("walk-in while paused: %v", err)
	}
	if _, err := f.svc.SaveSettings(ctx, f.desk, heydoctor.QueueSettings{Enabled: true}); heydoctor.KindOf(err) != heydoctor.Forbidden {
		t.Errorf("reception saving settings: %v", err)
	}
	qs, err := f.svc.SaveSettings(ctx, f.admin, heydoctor.QueueSettings{Enabled: true, CutOff: "17:30", SkipBack: 2, SoonAhead: 1})
	if err != nil || qs.CutOff != "1730" {
		t.Errorf("save settings = %+v, %v", qs, err)
	}
	if _, err := f.svc.SaveSettings(ctx, f.admin, heydoctor.QueueSettings{CutOff: "25:00"}); heydoctor.FieldOf(err) != "cutoff" {
		t.Errorf("bad cut-off: %v", err)
	}
}

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{"홍길동": "홍*동", "김철": "김*", "남궁민수": "남**수", "이": "이", "": ""} {
		if got := heydoctor.MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckInLimits(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for i := range checkInsPerPhone {
		v, err := f.svc.CheckIn(ctx, CheckInRequest{InstitutionID: f.instID, Name: "김", Phone: "01012345678", ClientAddr: "192.0.2.1"})
		if err != nil {
			t.Fatalf("check-in %d: %v", i, err)
		}
		if _, err := f.svc.Cancel(ctx, v.Ticket.Code, v.Ticket.Phone); err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.svc.CheckIn(ctx, CheckInRequest{InstitutionID: f.instID, Name: "김", Phone: "01012345678", ClientAddr: "192.0.2.2"})
	if heydoctor.KindOf(err) != heydoctor.TooMany {
		t.Errorf("check-in past the phone's limit: %v", err)
	}
	for i := range 40 {
		_, err = f.svc.CheckIn(ctx, CheckInRequest{InstitutionID: f.instID, Name: "김", Phone: fmt.Sprintf("010%08d", i), ClientAddr: "2001:db8::1"})
	}
	if heydoctor.KindOf(err) != heydoctor.TooMany {
		t.Errorf("check-ins past the address's limit: %v", err)
	}
}
