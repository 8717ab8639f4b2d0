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

// TestUniqueViolationNames breaks each unique constraint the store tells apart and checks
// that both dialects name it the same way from the driver's error.
func TestUniqueViolationNames(t *testing.T) {
	clock := storetest.NewClock(epoch)
	storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		instID, docID := bookable(t, s)
		start := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
		r := &heydoctor.Reservation{InstitutionID: instID, DoctorID: docID, Start: start, End: start.Add(15 * time.Minute),
			Status: heydoctor.StatusRequested, Channel: heydoctor.ChannelWeb, IdempotencyKey: "key-1"}
		if _, err := s.CreateReservation(ctx, r, &heydoctor.Patient{Name: "김하나", Phone: "01012345678"}, 1, nil, heydoctor.ReservationQuota{}); err != nil {
			t.Fatal(err)
		}
		tk := newTicket(instID, heydoctor.DateOf(epoch), 1)
		if err := s.CreateTicket(ctx, tk, heydoctor.TicketCreate{}); err != nil {
			t.Fatal(err)
		}
		// Each copies the row with one unique column kept and the others changed.
		const copyReservation = `INSERT INTO reservations (code, institution_id, doctor_id, patient_id, start_at, end_at, seat, status, channel,
			note, idempotency_key, sequence, reason, created_at, updated_at, owner_key)
			SELECT %s, institution_id, doctor_id, patient_id, %s, end_at, %s, status, channel, note, %s, sequence, reason, created_at, updated_at, owner_key
			FROM reservations WHERE id = ?`
		const copyTicket = `INSERT INTO queue_tickets (code, institution_id, day, number, kind, channel, status, name, phone, active_phone,
			child_name, note, kakao_key, rank_key, skips, soon, reason, demo, created_at, called_at, started_at, finished_at, updated_at)
			SELECT %s, institution_id, day, number + 100, kind, channel, status, name, phone, %s,
			child_name, note, kakao_key, rank_key, skips, soon, reason, demo, created_at, called_at, started_at, finished_at, updated_at
			FROM queue_tickets WHERE id = ?`
		tests := []struct {
			name string
			q    string
			id   int64
			want string
		}{
			{"seat", fmt.Sprintf(copyReservation, "'OTHER001'", "start_at", "seat", "NULL"), r.ID, sqlstore.UniqueSeat},
			{"reservation code", fmt.Sprintf(copyReservation, "code", "start_at + 900", "NULL", "NULL"), r.ID, sqlstore.UniqueCode},
			{"idempotency key", fmt.Sprintf(copyReservation, "'OTHER002'", "start_at + 900", "NULL", "idempotency_key"), r.ID, sqlstore.UniqueIdempotency},
			{"patient", `INSERT INTO patients (name, phone, created_at) SELECT name, phone, created_at FROM patients WHERE id = ?`, r.PatientID, sqlstore.UniquePatient},
			{"ticket code", fmt.Sprintf(copyTicket, "code", "NULL"), tk.ID, sqlstore.UniqueCode},
			{"active phone", fmt.Sprintf(copyTicket, "'OTHER003'", "active_phone"), tk.ID, sqlstore.UniqueActivePhone},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := s.Exec(ctx, tt.q, tt.id)
				got, ok := s.UniqueViolation(err)
				if !ok || got != tt.want {
					t.Errorf("UniqueViolation(%v) = %q, %v; want %q, true", err, got, ok, tt.want)
				}
			})
		}
	})
}
