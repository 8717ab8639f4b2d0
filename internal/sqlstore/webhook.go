package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"heydoctor"
)

// CreateWebhook registers an endpoint, with its audit entry in the same transaction.
func (s *Store) CreateWebhook(ctx context.Context, w *heydoctor.Webhook, audit ...*heydoctor.AuditEntry) (err error) {
	defer wrap(&err, "create webhook for institution %d", w.InstitutionID)
	return s.withTx(ctx, func(tx *sql.Tx) error {
		w.CreatedAt = time.Unix(s.unix(), 0).UTC()
		res, err := tx.ExecContext(ctx, `INSERT INTO webhooks (institution_id, url, secret, active, created_at) VALUES (?, ?, ?, ?, ?)`,
			w.InstitutionID, w.URL, w.Secret, boolInt(w.Active), w.CreatedAt.Unix())
		if err != nil {
			return translate(err)
		}
		if w.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return s.writeAudits(ctx, tx, w.ID, audit)
	})
}

// ListWebhooks returns an institution's endpoints.
func (s *Store) ListWebhooks(ctx context.Context, institutionID int64) (_ []heydoctor.Webhook, err error) {
	defer wrap(&err, "list webhooks of institution %d", institutionID)
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, institution_id, url, secret, active, created_at FROM webhooks WHERE institution_id = ? ORDER BY id`, institutionID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var list []heydoctor.Webhook
	for rows.Next() {
		var w heydoctor.Webhook
		var active int
		var created int64
		if err := rows.Scan(&w.ID, &w.InstitutionID, &w.URL, &w.Secret, &active, &created); err != nil {
			return nil, err
		}
		w.Active, w.CreatedAt = active == 1, time.Unix(created, 0).UTC()
		list = append(list, w)
	}
	return list, translate(rows.Err())
}

// enqueueEvent queues ev for every active webhook of r's institution, inside the
// transaction that changed r: an event exists exactly when its change was committed.
func (s *Store) enqueueEvent(ctx context.Context, tx *sql.Tx, r *heydoctor.Reservation, ev *heydoctor.ReservationEvent) error {
	if ev == nil {
		return nil
	}
	return s.enqueueDeliveries(ctx, tx, r.InstitutionID, ev.Name, func() []byte { return ev.Body(r) })
}

// enqueueDeliveries queues an event for every active webhook of an institution inside
// the caller's transaction; body is rendered only when there is a webhook to receive it.
func (s *Store) enqueueDeliveries(ctx context.Context, tx *sql.Tx, institutionID int64, name string, body func() []byte) error {
	rows, err := (cached{s: s, tx: tx}).QueryContext(ctx, `SELECT id FROM webhooks WHERE institution_id = ? AND active = 1`, institutionID)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) == 0 {
		return rows.Err()
	}
	b := string(body())
	now := s.unix()
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, event, body, state, attempts, next_attempt_at, created_at, updated_at)
			VALUES (?, ?, ?, 'pending', 0, ?, ?, ?)`, id, name, b, now, now, now); err != nil {
			return err
		}
	}
	return nil
}

// deliveryColumns are read by queryDeliveries; the webhook's URL and secret come from a join.
const deliveryColumns = `d.id, d.webhook_id, w.url, w.secret, d.event, d.body, d.state, d.attempts, d.next_attempt_at, d.last_error, d.last_status
	FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id`

func (s *Store) queryDeliveries(ctx context.Context, where string, args ...any) ([]heydoctor.Delivery, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+deliveryColumns+` `+where, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var list []heydoctor.Delivery
	for rows.Next() {
		var d heydoctor.Delivery
		var next int64
		if err := rows.Scan(&d.ID, &d.WebhookID, &d.URL, &d.Secret, &d.Event, &d.Body, &d.State, &d.Attempts, &next, &d.LastError, &d.LastStatus); err != nil {
			return nil, err
		}
		d.NextAttemptAt = time.Unix(next, 0).UTC()
		list = append(list, d)
	}
	return list, translate(rows.Err())
}

// DueDeliveries returns pending deliveries whose next attempt is due, oldest first.
func (s *Store) DueDeliveries(ctx context.Context, limit int) (_ []heydoctor.Delivery, err error) {
	defer wrap(&err, "due webhook deliveries")
	return s.queryDeliveries(ctx, `WHERE d.state = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.id LIMIT ?`, s.unix(), limit)
}

// ClaimDelivery pushes a due delivery's next attempt forward by lease, so that another
// replica polling at the same time skips it; false when someone else claimed it first.
func (s *Store) ClaimDelivery(ctx context.Context, d *heydoctor.Delivery, lease time.Duration) (_ bool, err error) {
	defer wrap(&err, "claim webhook delivery %d", d.ID)
	res, err := s.wdb.ExecContext(ctx, `UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ? AND state = 'pending' AND next_attempt_at = ?`,
		s.now().Add(lease).Unix(), d.ID, d.NextAttemptAt.Unix())
	if err != nil {
		return false, translate(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// RecordAttempt saves the outcome of one delivery attempt: delivered, or the next try
// at next (state failed when next is zero: no more retries).
func (s *Store) RecordAttempt(ctx context.Context, id int64, status int, errMsg string, delivered bool, next time.Time) (err error) {
	defer wrap(&err, "record attempt of webhook delivery %d", id)
	state := "pending"
	switch {
	case delivered:
		state = "delivered"
	case next.IsZero():
		state = "failed"
	}
	if len(errMsg) > 500 {
		errMsg = errMsg[:500]
	}
	_, err = s.wdb.ExecContext(ctx, `UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, last_status = ?, last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?`,
		state, status, errMsg, next.Unix(), s.unix(), id)
	return translate(err)
}

// ListDeliveries returns the delivery log of a webhook, newest first. The secret is
// cleared: the log is for showing.
func (s *Store) ListDeliveries(ctx context.Context, webhookID int64, limit int) (_ []heydoctor.Delivery, err error) {
	defer wrap(&err, "list deliveries of webhook %d", webhookID)
	list, err := s.queryDeliveries(ctx, `WHERE d.webhook_id = ? ORDER BY d.id DESC LIMIT ?`, webhookID, limit)
	for i := range list {
		list[i].Secret = ""
	}
	return list, err
}
