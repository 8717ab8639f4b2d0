package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"heydoctor"
)

// cached runs fixed, hot statements through statements prepared once per pool
// (prepared.go) on SQLite, where parsing the SQL was a third of a check-in's time; with
// a transaction, the pool's statement is bound to it. On MySQL, where 200 concurrent
// check-ins through pooled statements met lock-wait timeouts under load, statements run
// plain as everywhere else in the store.
type cached struct {
	s  *Store
	tx *sql.Tx // nil: the read pool
}

func (c cached) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if c.tx == nil {
		return c.s.prepared(ctx, c.s.rdb, q)
	}
	// Preparing on the pool inside a transaction would wait for SQLite's one writer
	// connection, which the transaction holds: a statement not prepared yet is noted and
	// prepared after the transaction (prepareMissed), and runs unprepared this time.
	st := c.s.preparedOnly(c.s.wdb, q)
	if st == nil {
		return c.tx.PrepareContext(ctx, q)
	}
	return c.tx.StmtContext(ctx, st), nil
}

func (c cached) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if !c.s.dialect.preparedQueue {
		if c.tx == nil {
			return c.s.rdb.ExecContext(ctx, q, args...)
		}
		return c.tx.ExecContext(ctx, q, args...)
	}
	st, err := c.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (c cached) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if !c.s.dialect.preparedQueue {
		if c.tx == nil {
			return c.s.rdb.QueryContext(ctx, q, args...)
		}
		return c.tx.QueryContext(ctx, q, args...)
	}
	st, err := c.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (c cached) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if !c.s.dialect.preparedQueue {
		if c.tx == nil {
			return c.s.rdb.QueryRowContext(ctx, q, args...)
		}
		return c.tx.QueryRowContext(ctx, q, args...)
	}
	st, err := c.stmt(ctx, q)
	if err != nil { // the plain query reports the same error through its Row
		if c.tx == nil {
			return c.s.rdb.QueryRowContext(ctx, q, args...)
		}
		return c.tx.QueryRowContext(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// rankStep spaces the ranks of new tickets so that a moved ticket fits between two
// others; when a gap runs out the day's waiting tickets are ranked again.
const rankStep = 1 << 20

// FindQueueSettings returns a clinic's check-in settings, the defaults (off) when staff
// never saved any.
func (s *Store) FindQueueSettings(ctx context.Context, institutionID int64) (_ heydoctor.QueueSettings, err error) {
	defer wrap(&err, "find queue settings of institution %d", institutionID)
	qs := heydoctor.DefaultQueueSettings(institutionID)
	var enabled, paused, always int
	var updated int64
	err = cached{s: s}.QueryRowContext(ctx, `SELECT enabled, paused, daily_cap, cutoff_hhmm, skip_back, soon_ahead, always_open, updated_at
		FROM queue_settings WHERE institution_id = ?`, institutionID).
		Scan(&enabled, &paused, &qs.DailyCap, &qs.CutOff, &qs.SkipBack, &qs.SoonAhead, &always, &updated)
	if err == sql.ErrNoRows {
		return qs, nil
	}
	if err != nil {
		return qs, translate(err)
	}
	qs.Enabled, qs.Paused, qs.AlwaysOpen = enabled == 1, paused == 1, always == 1
	qs.UpdatedAt = time.Unix(updated, 0).UTC()
	return qs, nil
}

// SaveQueueSettings stores a clinic's check-in settings with their audit entry in the same transaction.
func (s *Store) SaveQueueSettings(ctx context.Context, qs *heydoctor.QueueSettings, audit ...*heydoctor.AuditEntry) (err error) {
	defer wrap(&err, "save queue settings of institution %d", qs.InstitutionID)
	return s.withTx(ctx, func(tx *sql.Tx) error {
		qs.UpdatedAt = time.Unix(s.unix(), 0).UTC()
		args := []any{boolInt(qs.Enabled), boolInt(qs.Paused), qs.DailyCap, qs.CutOff, qs.SkipBack, qs.SoonAhead, boolInt(qs.AlwaysOpen), qs.UpdatedAt.Unix(), qs.InstitutionID}
		res, err := tx.ExecContext(ctx, `UPDATE queue_settings SET enabled = ?, paused = ?, daily_cap = ?, cutoff_hhmm = ?, skip_back = ?, soon_ahead = ?,
			always_open = ?, updated_at = ? WHERE institution_id = ?`, args...)
		if err != nil {
			return translate(err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO queue_settings (enabled, paused, daily_cap, cutoff_hhmm, skip_back, soon_ahead, always_open, updated_at, institution_id)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...); err != nil {
				return translate(err)
			}
		}
		return s.writeAudits(ctx, tx, qs.InstitutionID, audit)
	})
}

var ticketFields = []string{"id", "code", "institution_id", "day", "number", "kind", "channel", "status", "name", "phone", "child_name", "note",
	"kakao_key", "rank_key", "skips", "soon", "reason", "demo", "created_at", "called_at", "started_at", "finished_at", "updated_at"}

var ticketColumns = strings.Join(ticketFields, ", ")

func scanTicket(sc interface{ Scan(...any) error }) (*heydoctor.Ticket, error) {
	var t heydoctor.Ticket
	var day, kind, channel, status string
	var soon, demo int
	var created, called, started, finished, updated int64
	err := sc.Scan(&t.ID, &t.Code, &t.InstitutionID, &day, &t.Number, &kind, &channel, &status, &t.Name, &t.Phone, &t.ChildName, &t.Note,
		&t.KakaoKey, &t.Rank, &t.Skips, &soon, &t.Reason, &demo, &created, &called, &started, &finished, &updated)
	if err != nil {
		return nil, err
	}
	t.Day, t.Kind, t.Channel, t.Status = heydoctor.Date(day), heydoctor.TicketKind(kind), heydoctor.Channel(channel), heydoctor.TicketStatus(status)
	t.Soon, t.Demo = soon == 1, demo == 1
	t.CreatedAt, t.UpdatedAt = time.Unix(created, 0).UTC(), time.Unix(updated, 0).UTC()
	t.CalledAt, t.StartedAt, t.FinishedAt = unixOrZero(called), unixOrZero(started), unixOrZero(finished)
	return &t, nil
}

func unixOrZero(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(v, 0).UTC()
}

func zeroOrUnix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// activePhone is what the active_phone column holds: the phone while the ticket is
// active, NULL otherwise (NULLs never collide in the unique index).
func activePhone(t *heydoctor.Ticket) any {
	if !t.Status.Active() {
		return nil
	}
	return nullString(t.Phone)
}

// ensureQueueDay makes the clinic's counter row for a day, so that check-ins only ever
// update it. Two servers creating it at once is harmless: one insert wins.
func (s *Store) ensureQueueDay(ctx context.Context, institutionID int64, day heydoctor.Date) error {
	var n int64
	err := cached{s: s}.QueryRowContext(ctx, `SELECT last_number FROM queue_days WHERE institution_id = ? AND day = ?`, institutionID, string(day)).Scan(&n)
	if err != sql.ErrNoRows {
		return translate(err)
	}
	_, err = s.wdb.ExecContext(ctx, `INSERT INTO queue_days (institution_id, day, last_number) VALUES (?, ?, 0)`, institutionID, string(day))
	if err != nil && !isUniqueViolation(err) {
		return translate(err)
	}
	return nil
}

// CreateTicket gives t the next number of its clinic's day in one transaction: bump the
// day's counter (a row lock on MySQL, the single writer on SQLite, so numbers are
// consecutive across replicas), check the cap, insert the ticket (a second active
// ticket for the same phone fails the unique index: a Conflict), audit, events.
func (s *Store) CreateTicket(ctx context.Context, t *heydoctor.Ticket, opt heydoctor.TicketCreate) (err error) {
	defer wrap(&err, "create ticket at institution %d", t.InstitutionID)
	if err := s.ensureQueueDay(ctx, t.InstitutionID, t.Day); err != nil {
		return err
	}
	// A code collision or a deadlock: try again.
	again := func(err error) bool {
		c, ok := s.dialect.uniqueViolation(err)
		return ok && c == uniqueCode || s.dialect.retryable(err)
	}
	err = s.retry(ctx, ticketRetry, again, func() error {
		return s.withTxOpts(ctx, s.dialect.queueTx, func(sqlTx *sql.Tx) error {
			tx := cached{s: s, tx: sqlTx}
			if _, err := tx.ExecContext(ctx, `UPDATE queue_days SET last_number = last_number + 1 WHERE institution_id = ? AND day = ?`,
				t.InstitutionID, string(t.Day)); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT last_number FROM queue_days WHERE institution_id = ? AND day = ?`,
				t.InstitutionID, string(t.Day)).Scan(&n); err != nil {
				return err
			}
			if opt.Cap > 0 && n > opt.Cap {
				return heydoctor.Errorf(heydoctor.Conflict, "오늘 접수 인원(%d명)이 다 찼어요. 병원에 전화로 문의해 주세요.", opt.Cap)
			}
			now := s.unix()
			t.Number, t.Rank, t.Code, t.Skips, t.Soon = n, int64(n)*rankStep, newCode(), 0, false
			t.CreatedAt, t.UpdatedAt = time.Unix(now, 0).UTC(), time.Unix(now, 0).UTC()
			res, err := tx.ExecContext(ctx, `INSERT INTO queue_tickets (code, institution_id, day, number, kind, channel, status, name, phone, active_phone,
				child_name, note, kakao_key, rank_key, skips, soon, reason, demo, created_at, called_at, started_at, finished_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, 0, 0, 0, ?)`,
				t.Code, t.InstitutionID, string(t.Day), t.Number, string(t.Kind), string(t.Channel), string(t.Status), t.Name, t.Phone, activePhone(t),
				t.ChildName, t.Note, t.KakaoKey, t.Rank, t.Reason, boolInt(t.Demo), now, now)
			if err != nil {
				if c, ok := s.dialect.uniqueViolation(err); ok && c == uniqueActivePhone {
					return heydoctor.Errorf(heydoctor.Conflict, "이 전화번호로 오늘 이 병원에 접수한 순서가 이미 있어요. '내 순서'에서 확인해 주세요.")
				}
				return err
			}
			if t.ID, err = res.LastInsertId(); err != nil {
				return err
			}
			if opt.Audit != nil {
				a := *opt.Audit
				if opt.Snapshot != nil {
					a.After = opt.Snapshot(t)
				}
				a.Before = "{}"
				if err := s.writeAudits(ctx, sqlTx, t.ID, []*heydoctor.AuditEntry{&a}); err != nil {
					return err
				}
			}
			// The day's counter row stays locked until commit: read only what the events need.
			if opt.Event != nil {
				ahead, err := s.ticketsAhead(ctx, tx, t)
				if err != nil {
					return err
				}
				if err := s.queueEvent(ctx, sqlTx, t, ahead, opt.Event); err != nil {
					return err
				}
			}
			if opt.Soon == nil {
				return nil
			}
			waiting, err := s.waitingTickets(ctx, tx, t.InstitutionID, t.Day, opt.SoonAhead+1)
			if err != nil {
				return err
			}
			return s.markSoon(ctx, sqlTx, waiting, opt.SoonAhead, opt.Soon)
		})
	})
	if err != nil {
		return translate(err)
	}
	s.prepareMissed(ctx)
	return nil
}

func (s *Store) queueEvent(ctx context.Context, tx *sql.Tx, t *heydoctor.Ticket, ahead int, ev *heydoctor.QueueEvent) error {
	if ev == nil {
		return nil
	}
	return s.enqueueDeliveries(ctx, tx, t.InstitutionID, ev.Name, func() []byte { return ev.Body(t, ahead) })
}

// markSoon flags the waiting tickets with soonAhead or fewer people ahead that were not
// flagged yet, and queues the "곧 차례예요" event for each, in the caller's transaction.
func (s *Store) markSoon(ctx context.Context, tx *sql.Tx, waiting []*heydoctor.Ticket, soonAhead int, ev *heydoctor.QueueEvent) error {
	if ev == nil {
		return nil
	}
	for i, w := range waiting {
		if i > soonAhead {
			break
		}
		if w.Soon {
			continue
		}
		if _, err := (cached{s: s, tx: tx}).ExecContext(ctx, `UPDATE queue_tickets SET soon = 1 WHERE id = ?`, w.ID); err != nil {
			return err
		}
		w.Soon = true
		if err := s.queueEvent(ctx, tx, w, i, ev); err != nil {
			return err
		}
	}
	return nil
}

// waitingTickets returns a day's waiting tickets in queue order, the first limit only
// when limit is positive.
func (s *Store) waitingTickets(ctx context.Context, q queryer, institutionID int64, day heydoctor.Date, limit int) ([]*heydoctor.Ticket, error) {
	where := `WHERE institution_id = ? AND day = ? AND status = ? ORDER BY rank_key, number`
	args := []any{institutionID, string(day), string(heydoctor.TicketWaiting)}
	if limit > 0 {
		where += ` LIMIT ?`
		args = append(args, limit)
	}
	return s.queryTickets(ctx, q, where, args...)
}

// ticketsAhead counts the waiting tickets before t in its queue.
func (s *Store) ticketsAhead(ctx context.Context, q queryer, t *heydoctor.Ticket) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM queue_tickets WHERE institution_id = ? AND day = ? AND status = ?
		AND (rank_key < ? OR (rank_key = ? AND number < ?))`, t.InstitutionID, string(t.Day), string(heydoctor.TicketWaiting), t.Rank, t.Rank, t.Number).Scan(&n)
	return n, err
}

// TicketsAhead counts the waiting tickets before t in its queue.
func (s *Store) TicketsAhead(ctx context.Context, t *heydoctor.Ticket) (_ int, err error) {
	defer wrap(&err, "count tickets ahead of ticket %d", t.ID)
	n, err := s.ticketsAhead(ctx, cached{s: s}, t)
	return n, translate(err)
}

// CountTickets counts a clinic's tickets of a day in the given statuses (all when none).
func (s *Store) CountTickets(ctx context.Context, institutionID int64, day heydoctor.Date, statuses ...heydoctor.TicketStatus) (_ int, err error) {
	defer wrap(&err, "count tickets of institution %d", institutionID)
	q := `SELECT COUNT(*) FROM queue_tickets WHERE institution_id = ? AND day = ?`
	args := []any{institutionID, string(day)}
	if len(statuses) > 0 {
		q += ` AND status IN (` + placeholders(len(statuses)) + `)`
		for _, st := range statuses {
			args = append(args, string(st))
		}
	}
	var n int
	err = s.rdb.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, translate(err)
}

func (s *Store) queryTickets(ctx context.Context, q queryer, where string, args ...any) ([]*heydoctor.Ticket, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+ticketColumns+` FROM queue_tickets `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*heydoctor.Ticket
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, t)
	}
	return list, rows.Err()
}

// FindTicketByCode returns a ticket by the code the patient holds.
func (s *Store) FindTicketByCode(ctx context.Context, code string) (_ *heydoctor.Ticket, err error) {
	defer wrap(&err, "find ticket by code")
	t, err := scanTicket(cached{s: s}.QueryRowContext(ctx, `SELECT `+ticketColumns+` FROM queue_tickets WHERE code = ?`, code))
	if err == sql.ErrNoRows {
		return nil, notFound("접수", code)
	}
	return t, translate(err)
}

// FindTicketByID returns a ticket by id.
func (s *Store) FindTicketByID(ctx context.Context, id int64) (_ *heydoctor.Ticket, err error) {
	defer wrap(&err, "find ticket %d", id)
	t, err := scanTicket(cached{s: s}.QueryRowContext(ctx, `SELECT `+ticketColumns+` FROM queue_tickets WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("접수", id)
	}
	return t, translate(err)
}

// ListTickets returns tickets in queue order (rank, then number).
func (s *Store) ListTickets(ctx context.Context, f heydoctor.TicketFilter) (_ []*heydoctor.Ticket, err error) {
	defer wrap(&err, "list tickets")
	var where []string
	var args []any
	add := func(cond string, a ...any) { where, args = append(where, cond), append(args, a...) }
	if f.InstitutionID != 0 {
		add("institution_id = ?", f.InstitutionID)
	}
	if f.Day != "" {
		add("day = ?", string(f.Day))
	}
	if len(f.Statuses) > 0 {
		var a []any
		for _, st := range f.Statuses {
			a = append(a, string(st))
		}
		add("status IN ("+placeholders(len(f.Statuses))+")", a...)
	}
	if f.KakaoKey != "" {
		add("kakao_key = ?", f.KakaoKey)
	}
	if f.Phone != "" {
		add("phone = ?", f.Phone)
	}
	q := ""
	if len(where) > 0 {
		q = "WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY day, rank_key, number"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	list, err := s.queryTickets(ctx, s.rdb, q, args...)
	return list, translate(err)
}

// ServiceTimes returns how long each of a clinic's finished visits of a day took, from
// the patient coming in to done, in finishing order.
func (s *Store) ServiceTimes(ctx context.Context, institutionID int64, day heydoctor.Date) (_ []time.Duration, err error) {
	defer wrap(&err, "service times of institution %d", institutionID)
	rows, err := s.rdb.QueryContext(ctx, `SELECT started_at, finished_at FROM queue_tickets WHERE institution_id = ? AND day = ? AND status = ?
		AND started_at > 0 AND finished_at >= started_at ORDER BY finished_at`, institutionID, string(day), string(heydoctor.TicketDone))
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []time.Duration
	for rows.Next() {
		var a, b int64
		if err := rows.Scan(&a, &b); err != nil {
			return nil, err
		}
		out = append(out, time.Duration(b-a)*time.Second)
	}
	return out, translate(rows.Err())
}

// UpdateTicket changes a ticket in one transaction: lock the clinic's day (every change
// to one queue runs one at a time, on every replica), lock and check the ticket, apply,
// move it among the waiting, audit, and queue the events.
func (s *Store) UpdateTicket(ctx context.Context, id int64, c heydoctor.TicketChange) (_ *heydoctor.Ticket, err error) {
	defer wrap(&err, "update ticket %d", id)
	return s.updateTicket(ctx, func(tx cached) (*heydoctor.Ticket, error) { return s.lockTicket(ctx, tx, id) }, c)
}

// UpdateFirstWaiting applies c to the first waiting ticket of a clinic's day, found
// inside the transaction, so two desks calling "next" at once call two patients. With
// nobody waiting it is a Conflict.
func (s *Store) UpdateFirstWaiting(ctx context.Context, institutionID int64, day heydoctor.Date, c heydoctor.TicketChange) (_ *heydoctor.Ticket, err error) {
	defer wrap(&err, "call the first waiting ticket of institution %d", institutionID)
	return s.updateTicket(ctx, func(tx cached) (*heydoctor.Ticket, error) {
		if !s.dialect.serialWrites {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT last_number FROM queue_days WHERE institution_id = ? AND day = ?`+s.dialect.forUpdate, institutionID, string(day)).Scan(&n); err == sql.ErrNoRows {
				return nil, heydoctor.Errorf(heydoctor.Conflict, "기다리는 환자가 없어요")
			} else if err != nil {
				return nil, err
			}
		}
		first, err := s.waitingTickets(ctx, tx, institutionID, day, 1)
		if err != nil {
			return nil, err
		}
		if len(first) == 0 {
			return nil, heydoctor.Errorf(heydoctor.Conflict, "기다리는 환자가 없어요")
		}
		return first[0], nil
	}, c)
}

func (s *Store) updateTicket(ctx context.Context, locate func(tx cached) (*heydoctor.Ticket, error), c heydoctor.TicketChange) (*heydoctor.Ticket, error) {
	var out *heydoctor.Ticket
	err := s.retry(ctx, txRetry, nil, func() error {
		return s.withTxOpts(ctx, s.dialect.queueTx, func(sqlTx *sql.Tx) error {
			tx := cached{s: s, tx: sqlTx}
			t, err := locate(tx)
			if err != nil {
				return err
			}
			limit := 0
			if !c.AllWaiting {
				limit = c.SoonAhead + 2
			}
			waiting, err := s.waitingTickets(ctx, tx, t.InstitutionID, t.Day, limit)
			if err != nil {
				return err
			}
			others := waiting[:0:0]
			for _, w := range waiting {
				if w.ID != t.ID {
					others = append(others, w)
				}
			}
			before := *t
			moveTo, err := c.Apply(t, others)
			if err != nil {
				return err
			}
			if moveTo >= 0 && !c.AllWaiting {
				return heydoctor.Errorf(heydoctor.Internal, "a ticket moves only with AllWaiting")
			}
			if moveTo >= 0 {
				if t.Rank, err = s.rankAt(ctx, sqlTx, others, moveTo); err != nil {
					return err
				}
			}
			t.UpdatedAt = time.Unix(s.unix(), 0).UTC()
			if _, err := tx.ExecContext(ctx, `UPDATE queue_tickets SET status = ?, active_phone = ?, rank_key = ?, skips = ?, reason = ?, called_at = ?,
				started_at = ?, finished_at = ?, updated_at = ? WHERE id = ?`, string(t.Status), activePhone(t), t.Rank, t.Skips, t.Reason,
				zeroOrUnix(t.CalledAt), zeroOrUnix(t.StartedAt), zeroOrUnix(t.FinishedAt), t.UpdatedAt.Unix(), t.ID); err != nil {
				if isUniqueViolation(err) {
					return heydoctor.Errorf(heydoctor.Conflict, "이 전화번호로 오늘 접수한 다른 순서가 있어 되살릴 수 없어요")
				}
				return err
			}
			if c.Audit != nil {
				a := *c.Audit
				if c.Snapshot != nil {
					a.Before, a.After = c.Snapshot(&before), c.Snapshot(t)
				}
				a.EntityID, a.At = t.ID, t.UpdatedAt
				if err := insertAudit(ctx, sqlTx, &a); err != nil {
					return err
				}
			}
			waiting = others
			if t.Status == heydoctor.TicketWaiting {
				waiting = append(others[:len(others):len(others)], t)
				slices.SortStableFunc(waiting, func(a, b *heydoctor.Ticket) int {
					return cmp.Or(cmp.Compare(a.Rank, b.Rank), cmp.Compare(a.Number, b.Number))
				})
			}
			ahead := 0
			if t.Status == heydoctor.TicketWaiting && c.Event != nil {
				if ahead, err = s.ticketsAhead(ctx, tx, t); err != nil {
					return err
				}
			}
			if err := s.queueEvent(ctx, sqlTx, t, ahead, c.Event); err != nil {
				return err
			}
			if err := s.markSoon(ctx, sqlTx, waiting, c.SoonAhead, c.Soon); err != nil {
				return err
			}
			out = t
			return nil
		})
	})
	if err != nil {
		return nil, translate(err)
	}
	s.prepareMissed(ctx)
	return out, nil
}

// lockTicket reads a ticket for change. On MySQL it first locks the clinic's day row, so
// that every change to one queue runs one at a time on every replica; SQLite's write
// transactions are exclusive already.
func (s *Store) lockTicket(ctx context.Context, tx queryer, id int64) (*heydoctor.Ticket, error) {
	q := `SELECT ` + ticketColumns + ` FROM queue_tickets WHERE id = ?`
	t, err := scanTicket(tx.QueryRowContext(ctx, q, id))
	if err == sql.ErrNoRows {
		return nil, notFound("접수", id)
	}
	if err != nil || s.dialect.serialWrites {
		return t, err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT last_number FROM queue_days WHERE institution_id = ? AND day = ?`+s.dialect.forUpdate, t.InstitutionID, string(t.Day)).Scan(&n); err != nil {
		return nil, err
	}
	return scanTicket(tx.QueryRowContext(ctx, q+s.dialect.forUpdate, id))
}

// rankAt returns a rank that puts a ticket at index i of the ordered waiting list. When
// no whole number fits between the neighbours it ranks the list again, evenly spaced.
func (s *Store) rankAt(ctx context.Context, tx *sql.Tx, waiting []*heydoctor.Ticket, i int) (int64, error) {
	i = max(0, min(i, len(waiting)))
	for range 2 {
		var lo, hi int64
		switch {
		case len(waiting) == 0:
			return rankStep, nil
		case i == 0:
			lo, hi = waiting[0].Rank-2*rankStep, waiting[0].Rank
		case i == len(waiting):
			lo, hi = waiting[i-1].Rank, waiting[i-1].Rank+2*rankStep
		default:
			lo, hi = waiting[i-1].Rank, waiting[i].Rank
		}
		if hi-lo >= 2 {
			return lo + (hi-lo)/2, nil
		}
		for j, w := range waiting {
			w.Rank = int64(waiting[0].Number)*rankStep + int64(j)*rankStep
			if _, err := tx.ExecContext(ctx, `UPDATE queue_tickets SET rank_key = ? WHERE id = ?`, w.Rank, w.ID); err != nil {
				return 0, err
			}
		}
	}
	return 0, heydoctor.Errorf(heydoctor.Internal, "queue ranks could not be spaced")
}
