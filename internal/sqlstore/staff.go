package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"heydoctor"
)

const staffColumns = `id, institution_id, login, password_hash, role, disabled, created_at`

func scanStaff(sc interface{ Scan(...any) error }) (*heydoctor.Staff, error) {
	var st heydoctor.Staff
	var role string
	var disabled int
	var created int64
	if err := sc.Scan(&st.ID, &st.InstitutionID, &st.Login, &st.PasswordHash, &role, &disabled, &created); err != nil {
		return nil, err
	}
	st.Role, st.Disabled, st.CreatedAt = heydoctor.Role(role), disabled == 1, time.Unix(created, 0).UTC()
	return &st, nil
}

// CreateStaff adds a console account; a taken login is a Conflict.
func (s *Store) CreateStaff(ctx context.Context, st *heydoctor.Staff) (err error) {
	defer wrap(&err, "create staff account")
	return s.withTx(ctx, func(tx *sql.Tx) error {
		st.CreatedAt = time.Unix(s.unix(), 0).UTC()
		res, err := tx.ExecContext(ctx, `INSERT INTO staff (institution_id, login, password_hash, role, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			st.InstitutionID, st.Login, st.PasswordHash, string(st.Role), boolInt(st.Disabled), st.CreatedAt.Unix())
		if err != nil {
			if isUniqueViolation(err) {
				return heydoctor.FieldError("login", "이미 있는 로그인 이름이에요: %s", st.Login)
			}
			return translate(err)
		}
		st.ID, err = res.LastInsertId()
		return err
	})
}

// FindStaffByLogin returns an account by login name.
func (s *Store) FindStaffByLogin(ctx context.Context, login string) (_ *heydoctor.Staff, err error) {
	defer wrap(&err, "find staff account by login")
	st, err := scanStaff(s.rdb.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM staff WHERE login = ?`, login))
	if err == sql.ErrNoRows {
		return nil, notFound("계정", login)
	}
	return st, translate(err)
}

// ListStaff returns the accounts of an institution (all when 0).
func (s *Store) ListStaff(ctx context.Context, institutionID int64) (_ []*heydoctor.Staff, err error) {
	defer wrap(&err, "list staff of institution %d", institutionID)
	q, args := `SELECT `+staffColumns+` FROM staff`, []any{}
	if institutionID != 0 {
		q, args = q+` WHERE institution_id = ?`, append(args, institutionID)
	}
	rows, err := s.rdb.QueryContext(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var list []*heydoctor.Staff
	for rows.Next() {
		st, err := scanStaff(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, st)
	}
	return list, translate(rows.Err())
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, se *heydoctor.Session) (err error) {
	defer wrap(&err, "create session")
	_, err = s.wdb.ExecContext(ctx, `INSERT INTO staff_sessions (token_hash, staff_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		se.TokenHash, se.StaffID, se.CSRF, se.CreatedAt.Unix(), se.ExpiresAt.Unix())
	return translate(err)
}

// FindSession returns an unexpired session and its account.
func (s *Store) FindSession(ctx context.Context, tokenHash string) (_ *heydoctor.Session, _ *heydoctor.Staff, err error) {
	defer wrap(&err, "find session")
	var se heydoctor.Session
	var created, expires int64
	err = s.rdb.QueryRowContext(ctx, `SELECT token_hash, staff_id, csrf_token, created_at, expires_at FROM staff_sessions WHERE token_hash = ? AND expires_at > ?`,
		tokenHash, s.unix()).Scan(&se.TokenHash, &se.StaffID, &se.CSRF, &created, &expires)
	if err == sql.ErrNoRows {
		return nil, nil, heydoctor.Errorf(heydoctor.Unauthorized, "로그인이 필요해요")
	}
	if err != nil {
		return nil, nil, translate(err)
	}
	se.CreatedAt, se.ExpiresAt = time.Unix(created, 0).UTC(), time.Unix(expires, 0).UTC()
	st, err := scanStaff(s.rdb.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM staff WHERE id = ?`, se.StaffID))
	if err != nil {
		return nil, nil, translate(err)
	}
	if st.Disabled {
		return nil, nil, heydoctor.Errorf(heydoctor.Unauthorized, "사용이 중지된 계정이에요")
	}
	return &se, st, nil
}

// DeleteSession logs a session out; expired sessions are removed too.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) (err error) {
	defer wrap(&err, "delete session")
	_, err = s.wdb.ExecContext(ctx, `DELETE FROM staff_sessions WHERE token_hash = ? OR expires_at <= ?`, tokenHash, s.unix())
	return translate(err)
}

func insertAudit(ctx context.Context, tx *sql.Tx, a *heydoctor.AuditEntry) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO audit_log (institution_id, staff_id, action, entity, entity_id, before_json, after_json, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.InstitutionID, a.StaffID, a.Action, a.Entity, a.EntityID, a.Before, a.After, a.At.Unix())
	if err != nil {
		return err
	}
	a.ID, err = res.LastInsertId()
	return err
}

// writeAudits records staff actions inside the transaction of the change they describe,
// so that a change and its audit entry commit together or not at all. An entry without
// an entity id gets id (for rows that got theirs on insert).
func (s *Store) writeAudits(ctx context.Context, tx *sql.Tx, id int64, audit []*heydoctor.AuditEntry) error {
	for _, a := range audit {
		if a == nil {
			continue
		}
		if a.EntityID == 0 {
			a.EntityID = id
		}
		if a.At.IsZero() {
			a.At = time.Unix(s.unix(), 0).UTC()
		}
		if err := insertAudit(ctx, tx, a); err != nil {
			return fmt.Errorf("audit %s: %w", a.Action, err)
		}
	}
	return nil
}

// AddAudit records a staff action on its own (for changes that are not reservations).
func (s *Store) AddAudit(ctx context.Context, a *heydoctor.AuditEntry) (err error) {
	defer wrap(&err, "add audit entry %s", a.Action)
	if a.At.IsZero() {
		a.At = time.Unix(s.unix(), 0).UTC()
	}
	return s.withTx(ctx, func(tx *sql.Tx) error { return insertAudit(ctx, tx, a) })
}

// ListAudit returns an institution's audit log, newest first.
func (s *Store) ListAudit(ctx context.Context, institutionID int64, limit int) (_ []heydoctor.AuditEntry, err error) {
	defer wrap(&err, "list audit log of institution %d", institutionID)
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, institution_id, staff_id, action, entity, entity_id, before_json, after_json, at
		FROM audit_log WHERE institution_id = ? ORDER BY id DESC LIMIT ?`, institutionID, limit)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var list []heydoctor.AuditEntry
	for rows.Next() {
		var a heydoctor.AuditEntry
		var at int64
		if err := rows.Scan(&a.ID, &a.InstitutionID, &a.StaffID, &a.Action, &a.Entity, &a.EntityID, &a.Before, &a.After, &at); err != nil {
			return nil, err
		}
		a.At = time.Unix(at, 0).UTC()
		list = append(list, a)
	}
	return list, translate(rows.Err())
}
