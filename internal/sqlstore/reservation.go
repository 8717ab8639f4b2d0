package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"heydoctor"
)

var reservationFields = []string{"id", "code", "institution_id", "doctor_id", "patient_id", "start_at", "end_at", "status", "channel",
	"note", "idempotency_key", "sequence", "reason", "created_at", "updated_at", "owner_key"}

var reservationColumns = strings.Join(reservationFields, ", ")

// qualifiedReservationColumns are the same columns as r.id, r.code, … for joins.
var qualifiedReservationColumns = "r." + strings.Join(reservationFields, ", r.")

// scanReservation reads the reservationColumns, then any extra columns a join added.
func scanReservation(sc interface{ Scan(...any) error }, extra ...any) (*heydoctor.Reservation, error) {
	var r heydoctor.Reservation
	var start, end, created, updated int64
	var status, channel string
	var key sql.NullString
	err := sc.Scan(append([]any{&r.ID, &r.Code, &r.InstitutionID, &r.DoctorID, &r.PatientID, &start, &end, &status, &channel, &r.Note,
		&key, &r.Sequence, &r.Reason, &created, &updated, &r.OwnerKey}, extra...)...)
	if err != nil {
		return nil, err
	}
	r.Start, r.End = time.Unix(start, 0).UTC(), time.Unix(end, 0).UTC()
	r.CreatedAt, r.UpdatedAt = time.Unix(created, 0).UTC(), time.Unix(updated, 0).UTC()
	r.Status, r.Channel, r.IdempotencyKey = heydoctor.ReservationStatus(status), heydoctor.Channel(channel), key.String
	return &r, nil
}

// codeAlphabet leaves out look-alikes (0/O, 1/I/L) so codes survive being read aloud.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

func newCode() string {
	b := make([]byte, 8)
	rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// CreateReservation books r for patient p in one transaction: it finds or creates the
// patient (by name and phone), checks the quota, then claims a free seat 1..capacity of
// the slot. The seat is guarded by a unique index on (doctor, start, seat), so even two
// servers racing for the last seat cannot both win: the loser gets a Conflict. The quota
// is counted under a lock row per phone and per owner, so concurrent bookings cannot all
// pass one count; over quota is TooMany. With an idempotency key, a retry returns the
// reservation made the first time (created false).
func (s *Store) CreateReservation(ctx context.Context, r *heydoctor.Reservation, p *heydoctor.Patient, capacity int, ev *heydoctor.ReservationEvent, q heydoctor.ReservationQuota) (created bool, err error) {
	defer wrap(&err, "create reservation with doctor %d", r.DoctorID)
	if capacity < 1 {
		capacity = 1
	}
	if r.IdempotencyKey != "" {
		if prev, err := s.findReservationByKey(ctx, s.rdb, r.IdempotencyKey); err == nil {
			*r = *prev
			return false, nil
		}
	}
	var locks []string
	counted := q != (heydoctor.ReservationQuota{}) && r.Channel != heydoctor.ChannelStaff
	// SQLite's one writer connection already runs booking transactions one at a time;
	// MySQL needs the lock rows.
	if counted && !s.dialect.serialWrites {
		keys := []string{"phone:" + p.Phone}
		if r.OwnerKey != "" {
			keys = append(keys, "owner:"+r.OwnerKey)
		}
		if locks, err = s.ensureLocks(ctx, keys...); err != nil {
			return false, translate(err)
		}
	}
	// A code collision, the same patient created concurrently, or a deadlock: try again.
	again := func(err error) bool {
		c, ok := s.dialect.uniqueViolation(err)
		return ok && (c == uniqueCode || c == uniquePatient) || s.dialect.retryable(err)
	}
	err = s.retry(ctx, bookingRetry, again, func() error {
		return s.withTx(ctx, func(tx *sql.Tx) error {
			// The locks come first: the counts after them must read what the previous
			// holder committed.
			for _, k := range locks {
				var got string
				if err := tx.QueryRowContext(ctx, `SELECT lock_key FROM booking_locks WHERE lock_key = ?`+s.dialect.forUpdate, k).Scan(&got); err != nil {
					return err
				}
			}
			if counted {
				if err := s.checkQuota(ctx, tx, r, p.Phone, q); err != nil {
					return err
				}
			}
			if err := s.findOrCreatePatient(ctx, tx, p); err != nil {
				return err
			}
			now := s.unix()
			r.PatientID, r.Code, r.Sequence = p.ID, newCode(), 0
			r.CreatedAt, r.UpdatedAt = time.Unix(now, 0).UTC(), time.Unix(now, 0).UTC()
			for seat := 1; seat <= capacity; seat++ {
				res, err := tx.ExecContext(ctx, `INSERT INTO reservations (code, institution_id, doctor_id, patient_id, start_at, end_at, seat,
					status, channel, note, idempotency_key, sequence, reason, created_at, updated_at, owner_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', ?, ?, ?)`,
					r.Code, r.InstitutionID, r.DoctorID, r.PatientID, r.Start.Unix(), r.End.Unix(), seat, string(r.Status), string(r.Channel),
					r.Note, nullString(r.IdempotencyKey), now, now, r.OwnerKey)
				if err == nil {
					if r.ID, err = res.LastInsertId(); err != nil {
						return err
					}
					return s.enqueueEvent(ctx, tx, r, ev)
				}
				if c, ok := s.dialect.uniqueViolation(err); !ok || c != uniqueSeat {
					return err
				}
			}
			return heydoctor.Errorf(heydoctor.Conflict, "이미 예약이 찬 시간이에요. 다른 시간을 골라 주세요.")
		})
	})
	if err == nil {
		return true, nil
	}
	if c, ok := s.dialect.uniqueViolation(err); ok && c == uniqueIdempotency {
		prev, ferr := s.findReservationByKey(ctx, s.wdb, r.IdempotencyKey)
		if ferr != nil {
			return false, ferr
		}
		*r = *prev
		return false, nil
	}
	return false, translate(err)
}

// activeStatuses are the statuses that hold a slot, for SQL.
var activeStatuses = "'" + string(heydoctor.StatusRequested) + "', '" + string(heydoctor.StatusConfirmed) + "'"

// ensureLocks makes sure the lock rows of keys exist (outside the booking's transaction,
// so that locking them later never touches a missing row, which InnoDB would guard with
// a gap lock that deadlocks concurrent bookers). It returns their names in sorted order:
// every booking takes its locks in the same order.
func (s *Store) ensureLocks(ctx context.Context, keys ...string) ([]string, error) {
	var out []string
	for _, k := range keys {
		h := sha256.Sum256([]byte(k))
		out = append(out, hex.EncodeToString(h[:16]))
	}
	sort.Strings(out)
	for _, k := range out {
		var got string
		err := s.rdb.QueryRowContext(ctx, `SELECT lock_key FROM booking_locks WHERE lock_key = ?`, k).Scan(&got)
		if err == nil {
			continue
		}
		if err != sql.ErrNoRows {
			return nil, err
		}
		if _, err := s.wdb.ExecContext(ctx, `INSERT INTO booking_locks (lock_key, created_at) VALUES (?, ?)`, k, s.unix()); err != nil && !isUniqueViolation(err) {
			return nil, err
		}
	}
	return out, nil
}

// checkQuota counts, inside the booking's transaction and after its locks, the active
// upcoming reservations the new one would join.
func (s *Store) checkQuota(ctx context.Context, tx *sql.Tx, r *heydoctor.Reservation, phone string, q heydoctor.ReservationQuota) error {
	now := s.unix()
	var all, here int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN r.institution_id = ? THEN 1 ELSE 0 END), 0)
		FROM reservations r JOIN patients p ON p.id = r.patient_id
		WHERE p.phone = ? AND r.owner_key = ? AND r.channel <> ? AND r.status IN (`+activeStatuses+`) AND r.end_at > ?`,
		r.InstitutionID, phone, r.OwnerKey, string(heydoctor.ChannelStaff), now).Scan(&all, &here)
	if err != nil {
		return err
	}
	if q.PhoneInstitution > 0 && here >= q.PhoneInstitution {
		return &heydoctor.Error{Kind: heydoctor.TooMany, Field: "phone",
			Message: fmt.Sprintf("이 전화번호로 이 병원에 잡힌 예약이 이미 %d건이에요. 필요 없는 예약을 취소한 뒤 다시 예약하거나 병원에 전화해 주세요.", here)}
	}
	if q.Phone > 0 && all >= q.Phone {
		return &heydoctor.Error{Kind: heydoctor.TooMany, Field: "phone",
			Message: fmt.Sprintf("이 전화번호로 잡힌 예약이 이미 %d건이에요. 필요 없는 예약을 취소한 뒤 다시 예약해 주세요.", all)}
	}
	if q.Owner > 0 && r.OwnerKey != "" {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM reservations WHERE owner_key = ? AND channel <> ? AND status IN (`+activeStatuses+`) AND end_at > ?`,
			r.OwnerKey, string(heydoctor.ChannelStaff), now).Scan(&n)
		if err != nil {
			return err
		}
		if n >= q.Owner {
			return &heydoctor.Error{Kind: heydoctor.TooMany,
				Message: fmt.Sprintf("이 계정으로 잡힌 예약이 이미 %d건이에요. 필요 없는 예약을 취소한 뒤 다시 예약해 주세요.", n)}
		}
	}
	return nil
}

func (s *Store) findOrCreatePatient(ctx context.Context, tx *sql.Tx, p *heydoctor.Patient) error {
	// A plain read, not a locking one: a locking read of a missing row takes a gap lock in
	// InnoDB, and concurrent bookers would deadlock on it. A concurrent insert of the same
	// person fails the unique index instead, and the caller runs the transaction again.
	err := tx.QueryRowContext(ctx, `SELECT id FROM patients WHERE phone = ? AND name = ?`, p.Phone, p.Name).Scan(&p.ID)
	if err != sql.ErrNoRows {
		return err
	}
	p.CreatedAt = time.Unix(s.unix(), 0).UTC()
	res, err := tx.ExecContext(ctx, `INSERT INTO patients (name, phone, created_at) VALUES (?, ?, ?)`, p.Name, p.Phone, p.CreatedAt.Unix())
	if err != nil {
		return err // a concurrent insert of the same person: the caller retries the transaction
	}
	p.ID, err = res.LastInsertId()
	return err
}

func (s *Store) findReservationByKey(ctx context.Context, q queryer, key string) (*heydoctor.Reservation, error) {
	r, err := scanReservation(q.QueryRowContext(ctx, `SELECT `+reservationColumns+` FROM reservations WHERE idempotency_key = ?`, key))
	if err == sql.ErrNoRows {
		return nil, notFound("예약", key)
	}
	return r, translate(err)
}

// FindReservationByCode returns a reservation with its patient and doctor filled in.
func (s *Store) FindReservationByCode(ctx context.Context, code string) (_ *heydoctor.Reservation, err error) {
	defer wrap(&err, "find reservation by code")
	r, err := scanReservation(s.rdb.QueryRowContext(ctx, `SELECT `+reservationColumns+` FROM reservations WHERE code = ?`, code))
	if err == sql.ErrNoRows {
		return nil, notFound("예약", code)
	}
	if err != nil {
		return nil, translate(err)
	}
	return r, s.fill(ctx, r)
}

// FindReservationByID returns a reservation with its patient and doctor filled in.
func (s *Store) FindReservationByID(ctx context.Context, id int64) (_ *heydoctor.Reservation, err error) {
	defer wrap(&err, "find reservation %d", id)
	r, err := scanReservation(s.rdb.QueryRowContext(ctx, `SELECT `+reservationColumns+` FROM reservations WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("예약", id)
	}
	if err != nil {
		return nil, translate(err)
	}
	return r, s.fill(ctx, r)
}

func (s *Store) fill(ctx context.Context, r *heydoctor.Reservation) error {
	var p heydoctor.Patient
	var created int64
	err := s.rdb.QueryRowContext(ctx, `SELECT id, name, phone, created_at FROM patients WHERE id = ?`, r.PatientID).
		Scan(&p.ID, &p.Name, &p.Phone, &created)
	if err != nil {
		return translate(err)
	}
	p.CreatedAt = time.Unix(created, 0).UTC()
	r.Patient = &p
	d, err := s.FindDoctorByID(ctx, r.DoctorID)
	if err != nil {
		return err
	}
	r.Doctor = d
	return nil
}

// ListReservations returns reservations in start order with patients and doctors filled in.
func (s *Store) ListReservations(ctx context.Context, f heydoctor.ReservationFilter) (_ []*heydoctor.Reservation, err error) {
	defer wrap(&err, "list reservations")
	var where []string
	var args []any
	add := func(cond string, a ...any) { where, args = append(where, cond), append(args, a...) }
	if f.InstitutionID != 0 {
		add("r.institution_id = ?", f.InstitutionID)
	}
	if f.DoctorID != 0 {
		add("r.doctor_id = ?", f.DoctorID)
	}
	if !f.From.IsZero() {
		add("r.start_at >= ?", f.From.Unix())
	}
	if !f.To.IsZero() {
		add("r.start_at < ?", f.To.Unix())
	}
	if len(f.Statuses) > 0 {
		ph := placeholders(len(f.Statuses))
		var a []any
		for _, st := range f.Statuses {
			a = append(a, string(st))
		}
		add("r.status IN ("+ph+")", a...)
	}
	if f.Owner != "" {
		add("(r.owner_key = ? OR r.id IN (SELECT reservation_id FROM reservation_links WHERE owner_key = ?))", f.Owner, f.Owner)
	}
	if f.Phone != "" {
		add("p.phone = ?", f.Phone)
	}
	q := `SELECT ` + qualifiedReservationColumns + `, p.name, p.phone FROM reservations r JOIN patients p ON p.id = r.patient_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY r.start_at, r.id"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var list []*heydoctor.Reservation
	for rows.Next() {
		var p heydoctor.Patient
		r, err := scanReservation(rows, &p.Name, &p.Phone)
		if err != nil {
			return nil, err
		}
		p.ID = r.PatientID
		r.Patient = &p
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	doctors := map[int64]*heydoctor.Doctor{}
	for _, r := range list {
		d, ok := doctors[r.DoctorID]
		if !ok {
			if d, err = s.FindDoctorByID(ctx, r.DoctorID); err != nil {
				return nil, err
			}
			doctors[r.DoctorID] = d
		}
		r.Doctor = d
	}
	return list, nil
}

// LinkReservation lets owner see a reservation it did not make, once the caller has
// checked the proof (its code and phone). Linking twice is not an error.
func (s *Store) LinkReservation(ctx context.Context, owner string, reservationID int64) (err error) {
	defer wrap(&err, "link reservation %d", reservationID)
	_, err = s.wdb.ExecContext(ctx, `INSERT INTO reservation_links (owner_key, reservation_id, created_at) VALUES (?, ?, ?)`, owner, reservationID, s.unix())
	if err != nil && isUniqueViolation(err) {
		return nil
	}
	return translate(err)
}

// PhoneFloods returns the phones holding at least min active upcoming reservations at an
// institution (staff bookings aside), most first: a flood to see and cancel at once.
func (s *Store) PhoneFloods(ctx context.Context, institutionID int64, min, limit int) (_ []heydoctor.PhoneCount, err error) {
	defer wrap(&err, "phone floods at institution %d", institutionID)
	rows, err := s.rdb.QueryContext(ctx, `SELECT p.phone, COUNT(DISTINCT p.id), COUNT(*), MIN(r.created_at), MAX(r.created_at)
		FROM reservations r JOIN patients p ON p.id = r.patient_id
		WHERE r.institution_id = ? AND r.channel <> ? AND r.status IN (`+activeStatuses+`) AND r.end_at > ?
		GROUP BY p.phone HAVING COUNT(*) >= ? ORDER BY COUNT(*) DESC, p.phone LIMIT ?`,
		institutionID, string(heydoctor.ChannelStaff), s.unix(), min, limit)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []heydoctor.PhoneCount
	for rows.Next() {
		var c heydoctor.PhoneCount
		var first, last int64
		if err := rows.Scan(&c.Phone, &c.Names, &c.Count, &first, &last); err != nil {
			return nil, err
		}
		c.First, c.Last = time.Unix(first, 0).UTC(), time.Unix(last, 0).UTC()
		out = append(out, c)
	}
	return out, translate(rows.Err())
}

// BookedCounts returns, per slot start (Unix seconds), how many active reservations a
// doctor has with a start in [from, to).
func (s *Store) BookedCounts(ctx context.Context, doctorID int64, from, to time.Time) (_ map[int64]int, err error) {
	defer wrap(&err, "booked counts of doctor %d", doctorID)
	rows, err := s.rdb.QueryContext(ctx, `SELECT start_at, COUNT(*) FROM reservations WHERE doctor_id = ? AND start_at >= ? AND start_at < ?
		AND seat IS NOT NULL GROUP BY start_at`, doctorID, from.Unix(), to.Unix())
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	m := map[int64]int{}
	for rows.Next() {
		var at int64
		var n int
		if err := rows.Scan(&at, &n); err != nil {
			return nil, err
		}
		m[at] = n
	}
	return m, translate(rows.Err())
}

// UpdateReservation changes a reservation in one transaction: lock, check and apply, move
// its seat when it changes slot (a taken new slot is a Conflict and nothing changes),
// release the seat when it stops being active, bump the iCalendar sequence, and record
// the audit entry and webhook event.
func (s *Store) UpdateReservation(ctx context.Context, id int64, c heydoctor.ReservationChange) (_ *heydoctor.Reservation, err error) {
	defer wrap(&err, "update reservation %d", id)
	var out *heydoctor.Reservation
	err = s.retry(ctx, txRetry, nil, func() error {
		return s.withTx(ctx, func(tx *sql.Tx) error {
			r, err := scanReservation(tx.QueryRowContext(ctx, `SELECT `+reservationColumns+` FROM reservations WHERE id = ?`+s.dialect.forUpdate, id))
			if err == sql.ErrNoRows {
				return notFound("예약", id)
			}
			if err != nil {
				return err
			}
			before := *r
			if err := c.Apply(r); err != nil {
				return err
			}
			moved := !r.Start.Equal(before.Start)
			r.Sequence++
			r.UpdatedAt = time.Unix(s.unix(), 0).UTC()
			if moved || !r.Status.Active() {
				if _, err := tx.ExecContext(ctx, `UPDATE reservations SET seat = NULL WHERE id = ?`, id); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE reservations SET start_at = ?, end_at = ?, status = ?, reason = ?, sequence = ?, updated_at = ? WHERE id = ?`,
				r.Start.Unix(), r.End.Unix(), string(r.Status), r.Reason, r.Sequence, r.UpdatedAt.Unix(), id); err != nil {
				return err
			}
			if moved && r.Status.Active() {
				if err := claimSeat(ctx, tx, r, max(c.Capacity, 1)); err != nil {
					return err
				}
			}
			if c.Audit != nil {
				a := *c.Audit
				if c.Snapshot != nil {
					a.Before, a.After = c.Snapshot(&before), c.Snapshot(r)
				}
				a.EntityID, a.At = r.ID, r.UpdatedAt
				if err := insertAudit(ctx, tx, &a); err != nil {
					return err
				}
			}
			if err := s.enqueueEvent(ctx, tx, r, c.Event); err != nil {
				return err
			}
			out = r
			return nil
		})
	})
	if err != nil {
		return nil, translate(err)
	}
	return out, s.fill(ctx, out)
}

func claimSeat(ctx context.Context, tx *sql.Tx, r *heydoctor.Reservation, capacity int) error {
	for seat := 1; seat <= capacity; seat++ {
		_, err := tx.ExecContext(ctx, `UPDATE reservations SET seat = ? WHERE id = ?`, seat, r.ID)
		if err == nil {
			return nil
		}
		if !isUniqueViolation(err) {
			return err
		}
	}
	return heydoctor.Errorf(heydoctor.Conflict, "바꾸려는 시간은 이미 예약이 찼어요. 다른 시간을 골라 주세요.")
}

// backoff is how often and how patiently retry runs a function again: the pause before
// the n-th retry is n steps.
type backoff struct {
	attempts int
	step     time.Duration
}

var (
	txRetry      = backoff{attempts: 5, step: 5 * time.Millisecond}  // a transaction after a deadlock or a busy database
	bookingRetry = backoff{attempts: 10, step: time.Millisecond}     // a booking, also after a code or patient collision
	ticketRetry  = backoff{attempts: 20, step: 2 * time.Millisecond} // a check-in, also after a code collision
)

// retry runs fn until it succeeds, fails with an error again does not accept (the
// dialect's retryable errors when again is nil), or b's attempts are spent; it stops
// waiting when ctx ends and returns ctx's error.
func (s *Store) retry(ctx context.Context, b backoff, again func(error) bool, fn func() error) error {
	if again == nil {
		again = s.dialect.retryable
	}
	var err error
	for n := 0; n < b.attempts; n++ {
		if n > 0 {
			t := time.NewTimer(time.Duration(n) * b.step)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
		if err = fn(); err == nil || !again(err) {
			return err
		}
	}
	return err
}
