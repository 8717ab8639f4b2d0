package booking

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"heydoctor"
	"heydoctor/internal/egress"
)

// Webhook headers. Receivers check the signature with Verify.
const (
	HeaderEvent     = "X-HeyDoctor-Event"
	HeaderTimestamp = "X-HeyDoctor-Timestamp"
	HeaderSignature = "X-HeyDoctor-Signature"
)

// Delivery policy: exponential backoff from one minute, capped, then give up.
const (
	MaxAttempts   = 8
	firstBackoff  = time.Minute
	maxBackoff    = time.Hour
	deliveryLease = 2 * time.Minute
	batchSize     = 50
)

type eventReservation struct {
	Code          string `json:"code"`
	Status        string `json:"status"`
	Start         string `json:"start"`
	End           string `json:"end"`
	DoctorID      int64  `json:"doctor_id"`
	Doctor        string `json:"doctor,omitempty"`
	InstitutionID int64  `json:"institution_id"`
	Sequence      int    `json:"sequence"`
}

type eventBody struct {
	Event       string           `json:"event"`
	Reservation eventReservation `json:"reservation"`
}

// EventFor returns the webhook event for a reservation change. The body carries the
// minimum a receiver needs to look the reservation up (no patient name, phone or note),
// so a leaked delivery log reveals no health detail.
func EventFor(name string, d *heydoctor.Doctor) *heydoctor.ReservationEvent {
	return &heydoctor.ReservationEvent{Name: name, Body: func(r *heydoctor.Reservation) []byte {
		er := eventReservation{Code: r.Code, Status: string(r.Status), Start: r.Start.In(heydoctor.KST).Format(time.RFC3339),
			End: r.End.In(heydoctor.KST).Format(time.RFC3339), DoctorID: r.DoctorID, InstitutionID: r.InstitutionID, Sequence: r.Sequence}
		if d != nil && d.ID == r.DoctorID {
			er.Doctor = d.Name
		}
		b, _ := json.Marshal(eventBody{Event: name, Reservation: er})
		return b
	}}
}

// snapshot renders a reservation for the audit log: what staff changed, without the
// patient's note, which is a health detail.
func snapshot(r *heydoctor.Reservation) string {
	b, _ := json.Marshal(struct {
		Status   string `json:"status"`
		Start    string `json:"start"`
		End      string `json:"end"`
		DoctorID int64  `json:"doctor_id"`
		Reason   string `json:"reason,omitempty"`
		Sequence int    `json:"sequence"`
	}{string(r.Status), r.Start.In(heydoctor.KST).Format(time.RFC3339), r.End.In(heydoctor.KST).Format(time.RFC3339), r.DoctorID, r.Reason, r.Sequence})
	return string(b)
}

// Sign returns the X-HeyDoctor-Signature value for a body sent at a Unix timestamp. The
// timestamp is signed too, so a captured delivery cannot be replayed later.
func Sign(secret string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(timestamp, 10)))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a webhook delivery as a receiver should: the signature matches the body
// and the timestamp is within tolerance of now.
func Verify(secret string, header http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	raw := header.Get(HeaderTimestamp)
	if len(raw) > 20 {
		return fmt.Errorf("%s: too long", HeaderTimestamp)
	}
	ts, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return fmt.Errorf("%s: %w", HeaderTimestamp, err)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%s: %d is outside the tolerance of %s", HeaderTimestamp, ts, tolerance)
	}
	want := Sign(secret, ts, body)
	if !hmac.Equal([]byte(header.Get(HeaderSignature)), []byte(want)) {
		return fmt.Errorf("%s: signature mismatch", HeaderSignature)
	}
	return nil
}

// Backoff returns how long to wait after the attempt-th failed attempt (1-based):
// 1m, 2m, 4m … capped at an hour.
func Backoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if attempt > 7 {
		return maxBackoff
	}
	return min(firstBackoff<<(attempt-1), maxBackoff)
}

// Dispatcher delivers queued webhook events. Several replicas may run one: a delivery is
// leased before it is sent, so each is sent by one of them at a time.
type Dispatcher struct {
	store  DeliveryStore
	client *http.Client
	log    *slog.Logger
	now    func() time.Time

	// OnDelivery, when set, is called with "delivered", "retry" or "failed" after each
	// attempt, for the heydoctor_webhook_deliveries_total metric.
	OnDelivery func(result string)
}

// NewDispatcher returns a Dispatcher. client should have a timeout and must not reach
// internal addresses; when nil, an egress client (public addresses only, checked at
// connect time, no redirects, 10-second timeout) is used.
func NewDispatcher(store DeliveryStore, client *http.Client, log *slog.Logger, now func() time.Time) *Dispatcher {
	if client == nil {
		client = egress.NewClient(egress.Options{})
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	return &Dispatcher{store: store, client: client, log: log, now: now}
}

// Run polls for due deliveries every second until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		if _, err := d.RunOnce(ctx); err != nil && ctx.Err() == nil {
			d.log.ErrorContext(ctx, "webhook dispatch", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce sends the deliveries due now and returns how many it attempted.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	due, err := d.store.DueDeliveries(ctx, batchSize)
	if err != nil {
		return 0, fmt.Errorf("due deliveries: %w", err)
	}
	n := 0
	for i := range due {
		dl := &due[i]
		ok, err := d.store.ClaimDelivery(ctx, dl, deliveryLease)
		if err != nil {
			return n, fmt.Errorf("claim delivery %d: %w", dl.ID, err)
		}
		if !ok {
			continue
		}
		n++
		if err := d.deliver(ctx, dl); err != nil {
			return n, err
		}
	}
	return n, nil
}

func (d *Dispatcher) deliver(ctx context.Context, dl *heydoctor.Delivery) error {
	status, sendErr := d.send(ctx, dl)
	attempt := dl.Attempts + 1
	result := "delivered"
	var next time.Time
	msg := ""
	if sendErr != nil {
		msg = sendErr.Error()
		result = "retry"
		if attempt >= MaxAttempts {
			result = "failed"
		} else {
			next = d.now().Add(Backoff(attempt))
		}
		d.log.WarnContext(ctx, "webhook delivery failed", "delivery", dl.ID, "webhook", dl.WebhookID, "attempt", attempt, "status", status, "err", sendErr)
	}
	if err := d.store.RecordAttempt(ctx, dl.ID, status, msg, sendErr == nil, next); err != nil {
		return fmt.Errorf("record attempt of delivery %d: %w", dl.ID, err)
	}
	if d.OnDelivery != nil {
		d.OnDelivery(result)
	}
	return nil
}

func (d *Dispatcher) send(ctx context.Context, dl *heydoctor.Delivery) (int, error) {
	body := []byte(dl.Body)
	ts := d.now().Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, dl.URL, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "HeyDoctor-Webhook/1")
	req.Header.Set(HeaderEvent, dl.Event)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(dl.Secret, ts, body))
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	// Only the status goes into the delivery log the admin reads: echoing the body would
	// let a webhook read whatever answers at the address it names.
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("status %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}
