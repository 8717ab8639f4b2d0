package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"heydoctor"
)

const doctorColumns = `id, institution_id, department, name, is_room, active, demo, updated_at`

func scanDoctor(sc interface{ Scan(...any) error }) (*heydoctor.Doctor, error) {
	var d heydoctor.Doctor
	var room, active, demo int
	var updated int64
	if err := sc.Scan(&d.ID, &d.InstitutionID, &d.Department, &d.Name, &room, &active, &demo, &updated); err != nil {
		return nil, err
	}
	d.IsRoom, d.Active, d.Demo = room == 1, active == 1, demo == 1
	d.UpdatedAt = time.Unix(updated, 0).UTC()
	return &d, nil
}

// CreateDoctor adds a doctor or consultation room; it sets d.ID. Audit entries are
// written in the same transaction (here and in the other staff-editable methods).
func (s *Store) CreateDoctor(ctx context.Context, d *heydoctor.Doctor, audit ...*heydoctor.AuditEntry) (err error) {
	defer wrap(&err, "create doctor at institution %d", d.InstitutionID)
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO doctors (institution_id, department, name, is_room, active, demo, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			d.InstitutionID, d.Department, d.Name, boolInt(d.IsRoom), boolInt(d.Active), boolInt(d.Demo), s.unix())
		if err != nil {
			return translate(err)
		}
		if d.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return s.writeAudits(ctx, tx, d.ID, audit)
	})
}

// UpdateDoctor changes a doctor's name, department and active flag.
func (s *Store) UpdateDoctor(ctx context.Context, d *heydoctor.Doctor, audit ...*heydoctor.AuditEntry) (err error) {
	defer wrap(&err, "update doctor %d", d.ID)
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE doctors SET department = ?, name = ?, is_room = ?, active = ?, updated_at = ? WHERE id = ? AND institution_id = ?`,
			d.Department, d.Name, boolInt(d.IsRoom), boolInt(d.Active), s.unix(), d.ID, d.InstitutionID)
		if err != nil {
			return translate(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("의사/진료실", d.ID)
		}
		return s.writeAudits(ctx, tx, d.ID, audit)
	})
}

// FindDoctorByID returns one doctor or room.
func (s *Store) FindDoctorByID(ctx context.Context, id int64) (_ *heydoctor.Doctor, err error) {
	defer wrap(&err, "find doctor %d", id)
	d, err := scanDoctor(s.rdb.QueryRowContext(ctx, `SELECT `+doctorColumns+` FROM doctors WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("의사/진료실", id)
	}
	return d, translate(err)
}

// ListDoctors returns an institution's doctors and rooms (all onboarded ones when institutionID is 0).
func (s *Store) ListDoctors(ctx context.Context, institutionID int64) (_ []*heydoctor.Doctor, err error) {
	defer wrap(&err, "list doctors of institution %d", institutionID)
	q, args := `SELECT `+doctorColumns+` FROM doctors`, []any{}
	if institutionID != 0 {
		q, args = q+` WHERE institution_id = ?`, append(args, institutionID)
	}
	rows, err := s.rdb.QueryContext(ctx, q+` ORDER BY institution_id, department, name, id`, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var list []*heydoctor.Doctor
	for rows.Next() {
		d, err := scanDoctor(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, d)
	}
	return list, translate(rows.Err())
}

// SetSchedule replaces a doctor's working plan.
func (s *Store) SetSchedule(ctx context.Context, sc *heydoctor.Schedule, audit ...*heydoctor.AuditEntry) (err error) {
	defer wrap(&err, "set schedule of doctor %d", sc.DoctorID)
	blocks, err := json.Marshal(sc.Blocks)
	if err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM schedules WHERE doctor_id = ?`, sc.DoctorID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO schedules (doctor_id, blocks, slot_minutes, capacity, horizon_days, min_notice_minutes, open_on_holidays, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, sc.DoctorID, string(blocks), sc.SlotMinutes, sc.Capacity, sc.HorizonDays, sc.MinNoticeMinutes,
			boolInt(sc.OpenOnHolidays), s.unix())
		if err != nil {
			return translate(err)
		}
		return s.writeAudits(ctx, tx, sc.DoctorID, audit)
	})
}

// FindSchedule returns a doctor's working plan.
func (s *Store) FindSchedule(ctx context.Context, doctorID int64) (_ *heydoctor.Schedule, err error) {
	defer wrap(&err, "find schedule of doctor %d", doctorID)
	var sc heydoctor.Schedule
	var blocks string
	var holidays int
	var updated int64
	err = s.rdb.QueryRowContext(ctx, `SELECT doctor_id, blocks, slot_minutes, capacity, horizon_days, min_notice_minutes, open_on_holidays, updated_at
		FROM schedules WHERE doctor_id = ?`, doctorID).Scan(&sc.DoctorID, &blocks, &sc.SlotMinutes, &sc.Capacity, &sc.HorizonDays,
		&sc.MinNoticeMinutes, &holidays, &updated)
	if err == sql.ErrNoRows {
		return nil, notFound("진료 일정", doctorID)
	}
	if err != nil {
		return nil, translate(err)
	}
	if err := json.Unmarshal([]byte(blocks), &sc.Blocks); err != nil {
		return nil, err
	}
	sc.OpenOnHolidays = holidays == 1
	sc.UpdatedAt = time.Unix(updated, 0).UTC()
	return &sc, nil
}

// SetException records a leave day or other hours for a doctor on one day, replacing any earlier one.
func (s *Store) SetException(ctx context.Context, e *heydoctor.ScheduleException, audit ...*heydoctor.AuditEntry) (err error) {
	defer wrap(&err, "set exception of doctor %d", e.DoctorID)
	blocks, err := json.Marshal(e.Blocks)
	if err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM schedule_exceptions WHERE doctor_id = ? AND day = ?`, e.DoctorID, string(e.Date)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO schedule_exceptions (doctor_id, day, closed, blocks, note) VALUES (?, ?, ?, ?, ?)`,
			e.DoctorID, string(e.Date), boolInt(e.Closed), string(blocks), e.Note)
		if err != nil {
			return translate(err)
		}
		if e.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return s.writeAudits(ctx, tx, e.DoctorID, audit)
	})
}

// DeleteException removes a doctor's exception on a day.
func (s *Store) DeleteException(ctx context.Context, doctorID int64, day heydoctor.Date, audit ...*heydoctor.AuditEntry) (err error) {
	defer wrap(&err, "delete exception of doctor %d on %s", doctorID, day)
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM schedule_exceptions WHERE doctor_id = ? AND day = ?`, doctorID, string(day))
		if err != nil {
			return translate(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("일정 예외", day)
		}
		return s.writeAudits(ctx, tx, doctorID, audit)
	})
}

// ListExceptions returns a doctor's exceptions between two days, inclusive.
func (s *Store) ListExceptions(ctx context.Context, doctorID int64, from, to heydoctor.Date) (_ []heydoctor.ScheduleException, err error) {
	defer wrap(&err, "list exceptions of doctor %d", doctorID)
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, doctor_id, day, closed, blocks, note FROM schedule_exceptions
		WHERE doctor_id = ? AND day >= ? AND day <= ? ORDER BY day`, doctorID, string(from), string(to))
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var list []heydoctor.ScheduleException
	for rows.Next() {
		var e heydoctor.ScheduleException
		var day, blocks string
		var closed int
		if err := rows.Scan(&e.ID, &e.DoctorID, &day, &closed, &blocks, &e.Note); err != nil {
			return nil, err
		}
		e.Date, e.Closed = heydoctor.Date(day), closed == 1
		if blocks != "" && blocks != "null" {
			if err := json.Unmarshal([]byte(blocks), &e.Blocks); err != nil {
				return nil, err
			}
		}
		list = append(list, e)
	}
	return list, translate(rows.Err())
}
