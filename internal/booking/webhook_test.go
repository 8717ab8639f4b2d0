package booking

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"heydoctor"
)

// receiver is a hospital system: it checks every delivery's signature and answers with status.
type receiver struct {
	mu     sync.Mutex
	status int
	events []string
	bodies []string
	bad    []string
}

func (rc *receiver) handler(secret string, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if err := Verify(secret, r.Header, body, now(), 5*time.Minute); err != nil {
			rc.bad = append(rc.bad, err.Error())
		}
		rc.events = append(rc.events, r.Header.Get(HeaderEvent))
		rc.bodies = append(rc.bodies, string(body))
		w.WriteHeader(rc.status)
		if rc.status >= 300 {
			io.WriteString(w, "ami-id: secret-instance-metadata")
		}
	})
}

func TestWebhookDelivery(t *testing.T) {
	withFixture(t, policyConfirm(), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		rc := &receiver{status: http.StatusNoContent}
		srv := httptest.NewServer(rc.handler("s3cret", f.clock.Now))
		defer srv.Close()
		hook := &heydoctor.Webhook{InstitutionID: f.instID, URL: srv.URL, Secret: "s3cret", Active: true}
		if err := f.store.CreateWebhook(ctx, hook); err != nil {
			t.Fatal(err)
		}
		r := f.book(t, at(t, "2026-11-30 09:00"), "김하나", "010-1234-5678", "")
		if _, err := f.svc.Transition(ctx, f.reception, r.ID, ActionConfirm, ""); err != nil {
			t.Fatal(err)
		}
		var results []string
		d := NewDispatcher(f.store, srv.Client(), nil, f.clock.Now)
		d.OnDelivery = func(res string) { results = append(results, res) }
		n, err := d.RunOnce(ctx)
		if err != nil || n != 2 {
			t.Fatalf("RunOnce = %d, %v; want 2", n, err)
		}
		if len(rc.bad) > 0 {
			t.Errorf("bad signatures: %v", rc.bad)
		}
		if diff := cmp.Diff([]string{"reservation.created", "reservation.confirmed"}, rc.events); diff != "" {
			t.Errorf("events mismatch (-want +got):\n%s", diff)
		}
		for _, b := range rc.bodies {
			if strings.Contains(b, "김하나") || strings.Contains(b, "01012345678") || !strings.Contains(b, r.Code) || !strings.Contains(b, "+09:00") {
				t.Errorf("body leaks patient data or lacks the code/KST time: %s", b)
			}
		}
		log, err := f.store.ListDeliveries(ctx, hook.ID, 10)
		if err != nil || len(log) != 2 || log[0].State != "delivered" || log[0].Attempts != 1 || log[0].LastStatus != 204 {
			t.Errorf("delivery log: %+v %v", log, err)
		}
		if n, _ := d.RunOnce(ctx); n != 0 {
			t.Errorf("delivered twice: %d", n)
		}

		// A failing receiver: retried with backoff, then given up after MaxAttempts.
		rc.status = http.StatusInternalServerError
		if _, err := f.svc.Transition(ctx, f.reception, r.ID, ActionCancel, "병원 사정"); err != nil {
			t.Fatal(err)
		}
		for attempt := 1; attempt <= MaxAttempts; attempt++ {
			if n, err := d.RunOnce(ctx); err != nil || n != 1 {
				t.Fatalf("attempt %d: RunOnce = %d, %v", attempt, n, err)
			}
			log, _ := f.store.ListDeliveries(ctx, hook.ID, 1)
			if log[0].Attempts != attempt || log[0].LastStatus != 500 {
				t.Fatalf("attempt %d: %+v", attempt, log[0])
			}
			if strings.Contains(log[0].LastError, "metadata") {
				t.Fatalf("attempt %d: the delivery log echoes the receiver's body: %q", attempt, log[0].LastError)
			}
			if attempt < MaxAttempts {
				if want := f.clock.Now().Add(Backoff(attempt)); !log[0].NextAttemptAt.Equal(want) || log[0].State != "pending" {
					t.Fatalf("attempt %d: next %v state %s, want %v pending", attempt, log[0].NextAttemptAt, log[0].State, want)
				}
				if n, _ := d.RunOnce(ctx); n != 0 {
					t.Fatalf("attempt %d: retried before the backoff", attempt)
				}
				f.clock.Add(Backoff(attempt))
			} else if log[0].State != "failed" {
				t.Fatalf("after %d attempts state = %s, want failed", attempt, log[0].State)
			}
		}
		want := []string{"delivered", "delivered", "retry", "retry", "retry", "retry", "retry", "retry", "retry", "failed"}
		if diff := cmp.Diff(want, results); diff != "" {
			t.Errorf("results mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestVerify(t *testing.T) {
	body := []byte(`{"event":"reservation.created"}`)
	now := time.Unix(1_800_000_000, 0)
	good := http.Header{}
	good.Set(HeaderTimestamp, "1800000000")
	good.Set(HeaderSignature, Sign("k", 1_800_000_000, body))
	tests := []struct {
		name    string
		secret  string
		mod     func(h http.Header)
		body    []byte
		now     time.Time
		wantErr bool
	}{
		{"valid", "k", nil, body, now, false},
		{"wrong secret", "x", nil, body, now, true},
		{"tampered body", "k", nil, []byte(`{"event":"reservation.cancelled"}`), now, true},
		{"old", "k", nil, body, now.Add(10 * time.Minute), true},
		{"no timestamp", "k", func(h http.Header) { h.Del(HeaderTimestamp) }, body, now, true},
		{"other timestamp", "k", func(h http.Header) { h.Set(HeaderTimestamp, "1800000001") }, body, now, true},
		{"no signature", "k", func(h http.Header) { h.Del(HeaderSignature) }, body, now, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := good.Clone()
			if tt.mod != nil {
				tt.mod(h)
			}
			if err := Verify(tt.secret, h, tt.body, tt.now, 5*time.Minute); (err != nil) != tt.wantErr {
				t.Errorf("Verify = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	var got []time.Duration
	for i := 1; i <= 9; i++ {
		got = append(got, Backoff(i))
	}
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour, time.Hour}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Backoff mismatch (-want +got):\n%s", diff)
	}
}
