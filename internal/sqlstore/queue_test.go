package sqlstore_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"heydoctor"
	"heydoctor/internal/sqlstore"
	"heydoctor/internal/sqlstore/storetest"
)

// queueClinic creates a clinic and returns its id.
func queueClinic(t *testing.T, s *sqlstore.Store) int64 {
	t.Helper()
	id, _ := bookable(t, s)
	return id
}

var soonEvent = &heydoctor.QueueEvent{Name: "queue.soon", Body: func(t *heydoctor.Ticket, ahead int) []byte {
	return fmt.Appendf(nil, `{"number":%d,"ahead":%d}`, t.Number, ahead)
}}

func newTicket(instID int64, day heydoctor.Date, i int) *heydoctor.Ticket {
	return &heydoctor.Ticket{InstitutionID: instID, Day: day, Kind: heydoctor.TicketRemote, Channel: heydoctor.ChannelWeb,
		Status: heydoctor.TicketWaiting, Name: fmt.Sprintf("환자%d", i), Phone: fmt.Sprintf("010%08d", i)}
}

// checkConsecutive fails unless numbers are exactly 1..n.
func checkConsecutive(t *testing.T, numbers []int, n int) {
	t.Helper()
	sort.Ints(numbers)
	want := make([]int, n)
	for i := range want {
		want[i] = i + 1
	}
	if diff := cmp.Diff(want, numbers); diff != "" {
		t.Errorf("ticket numbers mismatch (-want +got):\n%s", diff)
	}
}

// raceCheckIns runs n simultaneous check-ins spread over the stores and returns the numbers given.
func raceCheckIns(t *testing.T, stores []*sqlstore.Store, instID int64, day heydoctor.Date, n int) []int {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var numbers []int
	errs := map[string]int{}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tk := newTicket(instID, day, i)
			err := stores[i%len(stores)].CreateTicket(context.Background(), tk, heydoctor.TicketCreate{Soon: soonEvent, SoonAhead: 2})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs[err.Error()]++
				return
			}
			numbers = append(numbers, tk.Number)
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Errorf("check-in errors: %v", errs)
	}
	return numbers
}

// TestTicketNumberRace has 200 patients check in at once: 200 distinct, consecutive numbers.
func TestTicketNumberRace(t *testing.T) {
	clock := storetest.NewClock(epoch)
	storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
		instID := queueClinic(t, s)
		checkConsecutive(t, raceCheckIns(t, []*sqlstore.Store{s}, instID, "2026-11-25", 200), 200)
		// Another day starts again at 1.
		tk := newTicket(instID, "2026-11-26", 0)
		if err := s.CreateTicket(context.Background(), tk, heydoctor.TicketCreate{}); err != nil || tk.Number != 1 {
			t.Errorf("next day's first ticket = %d, %v; want 1", tk.Number, err)
		}
	})
}

// TestTicketNumberRaceTwoReplicas runs the race through two stores on one MariaDB, as two servers would.
func TestTicketNumberRaceTwoReplicas(t *testing.T) {
	clock := storetest.NewClock(epoch)
	dsn := storetest.MySQLDSN(t)
	ctx := context.Background()
	var stores []*sqlstore.Store
	for range 2 {
		s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		stores = append(stores, s)
	}
	instID := queueClinic(t, stores[0])
	checkConsecutive(t, raceCheckIns(t, stores, instID, "2026-11-25", 200), 200)
}

func TestTicketRules(t *testing.T) {
	clock := storetest.NewClock(epoch)
	storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		instID := queueClinic(t, s)
		day := heydoctor.Date("2026-11-25")
		hook := &heydoctor.Webhook{InstitutionID: instID, URL: "https://example.test/hook", Secret: "s", Active: true}
		if err := s.CreateWebhook(ctx, hook); err != nil {
			t.Fatal(err)
		}
		opt := heydoctor.TicketCreate{Cap: 3, Soon: soonEvent, SoonAhead: 1,
			Audit:    &heydoctor.AuditEntry{InstitutionID: instID, Action: "queue.check_in", Entity: "ticket"},
			Snapshot: func(t *heydoctor.Ticket) string { return string(t.Status) }}
		var tickets []*heydoctor.Ticket
		for i := range 3 {
			tk := newTicket(instID, day, i)
			if err := s.CreateTicket(ctx, tk, opt); err != nil {
				t.Fatalf("ticket %d: %v", i, err)
			}
			tickets = append(tickets, tk)
		}
		// Same phone again while active: refused by the database.
		dup := newTicket(instID, day, 1)
		if err := s.CreateTicket(ctx, dup, heydoctor.TicketCreate{}); heydoctor.KindOf(err) != heydoctor.Conflict {
			t.Fatalf("second active ticket: %v, want conflict", err)
		}
		// Past the cap: refused, and the number is not used up.
		if err := s.CreateTicket(ctx, newTicket(instID, day, 9), opt); heydoctor.KindOf(err) != heydoctor.Conflict {
			t.Fatalf("past cap: %v, want conflict", err)
		}
		// Cancel the second: the phone may check in again, with the next number.
		_, err := s.UpdateTicket(ctx, tickets[1].ID, heydoctor.TicketChange{Apply: func(t *heydoctor.Ticket, _ []*heydoctor.Ticket) (int, error) {
			t.Status = heydoctor.TicketCancelled
			return -1, nil
		}, Audit: &heydoctor.AuditEntry{InstitutionID: instID, Action: "queue.cancel", Entity: "ticket"},
			Snapshot: func(t *heydoctor.Ticket) string { return string(t.Status) }, Soon: soonEvent, SoonAhead: 1})
		if err != nil {
			t.Fatal(err)
		}
		again := newTicket(instID, day, 1)
		if err := s.CreateTicket(ctx, again, heydoctor.TicketCreate{}); err != nil || again.Number != 4 {
			t.Fatalf("check-in after cancel = %d, %v; want number 4", again.Number, err)
		}
		// Move the first to the back: order is 3, 4, 1.
		if _, err := s.UpdateTicket(ctx, tickets[0].ID, heydoctor.TicketChange{Apply: func(t *heydoctor.Ticket, w []*heydoctor.Ticket) (int, error) {
			return len(w), nil
		}, AllWaiting: true}); err != nil {
			t.Fatal(err)
		}
		list, err := s.ListTickets(ctx, heydoctor.TicketFilter{InstitutionID: instID, Day: day, Statuses: []heydoctor.TicketStatus{heydoctor.TicketWaiting}})
		if err != nil {
			t.Fatal(err)
		}
		var order []int
		for _, tk := range list {
			order = append(order, tk.Number)
		}
		if diff := cmp.Diff([]int{3, 4, 1}, order); diff != "" {
			t.Errorf("queue order mismatch (-want +got):\n%s", diff)
		}
		// Many moves between the same neighbours re-space the ranks and keep the order right.
		for range 40 {
			if _, err := s.UpdateTicket(ctx, tickets[0].ID, heydoctor.TicketChange{Apply: func(t *heydoctor.Ticket, w []*heydoctor.Ticket) (int, error) {
				return 1, nil
			}, AllWaiting: true}); err != nil {
				t.Fatal(err)
			}
		}
		list, _ = s.ListTickets(ctx, heydoctor.TicketFilter{InstitutionID: instID, Day: day, Statuses: []heydoctor.TicketStatus{heydoctor.TicketWaiting}})
		order = order[:0]
		for _, tk := range list {
			order = append(order, tk.Number)
		}
		if diff := cmp.Diff([]int{3, 1, 4}, order); diff != "" {
			t.Errorf("order after repeated moves mismatch (-want +got):\n%s", diff)
		}
		// Audit entries were written with the changes.
		entries, _ := s.ListAudit(ctx, instID, 10)
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action+":"+e.After)
		}
		if diff := cmp.Diff([]string{"queue.cancel:cancelled", "queue.check_in:waiting", "queue.check_in:waiting", "queue.check_in:waiting"}, actions); diff != "" {
			t.Errorf("audit mismatch (-want +got):\n%s", diff)
		}
		// "곧 차례예요" went out once for each ticket that reached one or fewer ahead: 1, 2, then 3.
		deliveries, err := s.ListDeliveries(ctx, hook.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		var soon []string
		for _, d := range deliveries {
			if d.Event == "queue.soon" {
				soon = append(soon, d.Body)
			}
		}
		sort.Strings(soon)
		if diff := cmp.Diff([]string{`{"number":1,"ahead":0}`, `{"number":2,"ahead":1}`, `{"number":3,"ahead":1}`}, soon); diff != "" {
			t.Errorf("soon events mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestQueueSettings(t *testing.T) {
	clock := storetest.NewClock(epoch)
	storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		instID := queueClinic(t, s)
		got, err := s.FindQueueSettings(ctx, instID)
		if err != nil || got.Enabled || got.SkipBack != heydoctor.DefaultSkipBack {
			t.Fatalf("default settings = %+v, %v", got, err)
		}
		want := heydoctor.QueueSettings{InstitutionID: instID, Enabled: true, DailyCap: 40, CutOff: "1730", SkipBack: 2, SoonAhead: 3}
		for range 2 { // insert, then update
			if err := s.SaveQueueSettings(ctx, &want); err != nil {
				t.Fatal(err)
			}
		}
		got, err = s.FindQueueSettings(ctx, instID)
		want.UpdatedAt = time.Unix(clock.Now().Unix(), 0).UTC()
		if diff := cmp.Diff(want, got); diff != "" || err != nil {
			t.Errorf("settings mismatch (-want +got):\n%s %v", diff, err)
		}
	})
}
