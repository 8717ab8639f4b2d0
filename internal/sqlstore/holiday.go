package sqlstore

import (
	"context"
	"database/sql"

	"heydoctor"
)

func upsertHoliday(ctx context.Context, tx *sql.Tx, h heydoctor.PublicHoliday) error {
	res, err := tx.ExecContext(ctx, `UPDATE public_holidays SET name = ? WHERE day = ?`, h.Name, string(h.Date))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO public_holidays (day, name) VALUES (?, ?)`, string(h.Date), h.Name)
	return err
}

// ListHolidays returns the imported public holidays in date order.
func (s *Store) ListHolidays(ctx context.Context) (_ []heydoctor.PublicHoliday, err error) {
	defer wrap(&err, "list holidays")
	rows, err := s.rdb.QueryContext(ctx, `SELECT day, name FROM public_holidays ORDER BY day`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var list []heydoctor.PublicHoliday
	for rows.Next() {
		var h heydoctor.PublicHoliday
		var d string
		if err := rows.Scan(&d, &h.Name); err != nil {
			return nil, err
		}
		h.Date = heydoctor.Date(d)
		list = append(list, h)
	}
	return list, translate(rows.Err())
}

// SetClosure records that an institution is closed (or open other hours) on one day.
func (s *Store) SetClosure(ctx context.Context, c heydoctor.Closure, audit ...*heydoctor.AuditEntry) (err error) {
	defer wrap(&err, "set closure of institution %d", c.InstitutionID)
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM closures WHERE institution_id = ? AND day = ?`, c.InstitutionID, string(c.Date)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO closures (institution_id, day, open_hhmm, close_hhmm, note) VALUES (?, ?, ?, ?, ?)`,
			c.InstitutionID, string(c.Date), c.Hours.Open, c.Hours.Close, c.Note); err != nil {
			return translate(err)
		}
		if err := s.writeAudits(ctx, tx, c.InstitutionID, audit); err != nil {
			return err
		}
		return recordDirectoryChange(ctx, tx, c.InstitutionID)
	})
}

// DeleteClosure removes a closure.
func (s *Store) DeleteClosure(ctx context.Context, institutionID int64, day heydoctor.Date, audit ...*heydoctor.AuditEntry) (err error) {
	defer wrap(&err, "delete closure of institution %d on %s", institutionID, day)
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM closures WHERE institution_id = ? AND day = ?`, institutionID, string(day))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("휴진일", day)
		}
		if err := s.writeAudits(ctx, tx, institutionID, audit); err != nil {
			return err
		}
		return recordDirectoryChange(ctx, tx, institutionID)
	})
}

// ListClosures returns closures from a day on (all institutions when institutionID is 0).
func (s *Store) ListClosures(ctx context.Context, institutionID int64, from heydoctor.Date) (_ []heydoctor.Closure, err error) {
	defer wrap(&err, "list closures of institution %d", institutionID)
	q := `SELECT institution_id, day, open_hhmm, close_hhmm, note FROM closures WHERE day >= ?`
	args := []any{string(from)}
	if institutionID != 0 {
		q += ` AND institution_id = ?`
		args = append(args, institutionID)
	}
	rows, err := s.rdb.QueryContext(ctx, q+` ORDER BY institution_id, day`, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var list []heydoctor.Closure
	for rows.Next() {
		var c heydoctor.Closure
		var d string
		if err := rows.Scan(&c.InstitutionID, &d, &c.Hours.Open, &c.Hours.Close, &c.Note); err != nil {
			return nil, err
		}
		c.Date = heydoctor.Date(d)
		list = append(list, c)
	}
	return list, translate(rows.Err())
}
