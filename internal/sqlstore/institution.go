package sqlstore

import (
	"context"
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"heydoctor"
)

const institutionColumns = `id, kind, type_code, type_name, class, name, address, postcode, phone, er_phone, lat, lng,
	departments, specialists, hours, er, notes, status, hpid, ykiho, local_key, source, onboarded, demo,
	require_confirmation, cancel_window_minutes, updated_at`

func scanInstitution(sc interface{ Scan(...any) error }) (*heydoctor.Institution, error) {
	var (
		in                       heydoctor.Institution
		kind, status, depts, hrs string
		class, specs             string
		hpid, ykiho, local       sql.NullString
		er, onb, demo, confirm   int
		updated                  int64
	)
	err := sc.Scan(&in.ID, &kind, &in.TypeCode, &in.TypeName, &class, &in.Name, &in.Address, &in.Postcode, &in.Phone, &in.ERPhone,
		&in.Lat, &in.Lng, &depts, &specs, &hrs, &er, &in.Notes, &status, &hpid, &ykiho, &local, &in.Source, &onb, &demo,
		&confirm, &in.Booking.CancelWindowMinutes, &updated)
	if err != nil {
		return nil, err
	}
	in.Kind, in.Class = heydoctor.InstitutionKind(kind), heydoctor.InstitutionClass(class)
	in.Specialists, _ = heydoctor.ParseSpecialists(specs)
	in.Status = heydoctor.BusinessStatus(status)
	if depts != "" {
		in.Departments = strings.Split(depts, ",")
	}
	if hrs != "" {
		if err := json.Unmarshal([]byte(hrs), &in.Hours); err != nil {
			return nil, fmt.Errorf("institution %d: hours: %w", in.ID, err)
		}
	}
	in.ER, in.Onboarded, in.Demo, in.Booking.RequireConfirmation = er == 1, onb == 1, demo == 1, confirm == 1
	in.HPID, in.YKIHO, in.LocalKey = hpid.String, ykiho.String, local.String
	in.UpdatedAt = time.Unix(updated, 0).UTC()
	return &in, nil
}

func encodeHours(h heydoctor.OpeningHours) string {
	if !h.Known() {
		return ""
	}
	b, _ := json.Marshal(h)
	return string(b)
}

// fingerprint covers the fields that come from public data, so that a re-import can tell
// unchanged records from updated ones. HeyDoctor's own fields (booking) are left out.
func fingerprint(in *heydoctor.Institution) string {
	h := sha1.New()
	for _, f := range []string{string(in.Kind), in.TypeCode, in.TypeName, string(in.Class), heydoctor.FormatSpecialists(in.Specialists), in.Name, in.Address, in.Postcode, in.Phone,
		in.ERPhone, strconv.FormatFloat(in.Lat, 'f', 7, 64), strconv.FormatFloat(in.Lng, 'f', 7, 64),
		strings.Join(in.Departments, ","), encodeHours(in.Hours), strconv.FormatBool(in.ER), in.Notes, string(in.Status)} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// FindInstitutionByID returns one institution.
func (s *Store) FindInstitutionByID(ctx context.Context, id int64) (_ *heydoctor.Institution, err error) {
	defer wrap(&err, "find institution %d", id)
	row := s.rdb.QueryRowContext(ctx, `SELECT `+institutionColumns+` FROM institutions WHERE id = ?`, id)
	in, err := scanInstitution(row)
	if err != nil {
		if err == sql.ErrNoRows {
			return nil, notFound("의료기관", id)
		}
		return nil, translate(err)
	}
	return in, nil
}

// ListInstitutions returns institutions matching f in id order.
func (s *Store) ListInstitutions(ctx context.Context, f heydoctor.InstitutionFilter) (_ []*heydoctor.Institution, err error) {
	defer wrap(&err, "list institutions")
	var where []string
	var args []any
	if len(f.IDs) > 0 {
		where = append(where, "id IN ("+placeholders(len(f.IDs))+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, string(f.Kind))
	}
	if f.Department != "" {
		// departments is a comma list of D-codes; wrap both sides in commas to match whole codes.
		where, args = append(where, s.dialect.concat("','", "departments", "','")+" LIKE ?"), append(args, "%,"+f.Department+",%")
	}
	if f.Onboarded {
		where = append(where, "onboarded = 1")
	}
	if f.NameQuery != "" {
		where, args = append(where, "(name LIKE ? OR address LIKE ?)"), append(args, "%"+likeEscape(f.NameQuery)+"%", "%"+likeEscape(f.NameQuery)+"%")
	}
	if f.AfterID > 0 {
		where, args = append(where, "id > ?"), append(args, f.AfterID)
	}
	q := `SELECT ` + institutionColumns + ` FROM institutions`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id"
	if f.Limit > 0 {
		q += " LIMIT " + strconv.Itoa(f.Limit)
	}
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var list []*heydoctor.Institution
	for rows.Next() {
		in, err := scanInstitution(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, in)
	}
	return list, translate(rows.Err())
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// AllInstitutions streams every institution to fn in id order, in pages, for building
// the in-memory directory index.
func (s *Store) AllInstitutions(ctx context.Context, fn func(*heydoctor.Institution) error) (err error) {
	defer wrap(&err, "read all institutions")
	var after int64
	for {
		page, err := s.ListInstitutions(ctx, heydoctor.InstitutionFilter{AfterID: after, Limit: 5000})
		if err != nil {
			return err
		}
		for _, in := range page {
			if err := fn(in); err != nil {
				return err
			}
		}
		if len(page) < 5000 {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// DirectoryVersion is a counter bumped by every change to the directory (imports, staff
// edits of hours and closures). Replicas compare it to know when to reload their index.
func (s *Store) DirectoryVersion(ctx context.Context) (_ int64, err error) {
	defer wrap(&err, "directory version")
	var v string
	err = s.rdb.QueryRowContext(ctx, `SELECT value FROM meta WHERE name = 'directory_version'`).Scan(&v)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, translate(err)
	}
	return strconv.ParseInt(v, 10, 64)
}

func bumpDirectoryVersion(ctx context.Context, tx *sql.Tx) error {
	// CAST(... AS SIGNED) and AS CHAR are understood by MySQL and, through type affinity, by SQLite.
	res, err := tx.ExecContext(ctx, `UPDATE meta SET value = CAST(CAST(value AS SIGNED) + 1 AS CHAR) WHERE name = 'directory_version'`)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		_, err = tx.ExecContext(ctx, `INSERT INTO meta (name, value) VALUES ('directory_version', '1')`)
	}
	return err
}

// CountInstitutions returns how many institutions there are by kind (operating only).
func (s *Store) CountInstitutions(ctx context.Context) (_ map[heydoctor.InstitutionKind]int, err error) {
	defer wrap(&err, "count institutions")
	rows, err := s.rdb.QueryContext(ctx, `SELECT kind, COUNT(*) FROM institutions WHERE status = 'operating' GROUP BY kind`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	m := make(map[heydoctor.InstitutionKind]int)
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		m[heydoctor.InstitutionKind(k)] = n
	}
	return m, translate(rows.Err())
}

// UpdateInstitutionHours replaces an institution's weekly hours (a staff edit). The
// staff then own the hours: no later import from public data overwrites them.
func (s *Store) UpdateInstitutionHours(ctx context.Context, id int64, h heydoctor.OpeningHours, audit ...*heydoctor.AuditEntry) (err error) {
	defer wrap(&err, "update hours of institution %d", id)
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var owners string
		err := tx.QueryRowContext(ctx, `SELECT owners FROM institutions WHERE id = ?`, id).Scan(&owners)
		if err == sql.ErrNoRows {
			return notFound("의료기관", id)
		}
		if err != nil {
			return err
		}
		m := decodeOwners(owners)
		m[heydoctor.FieldHours] = ownerStaff
		if _, err := tx.ExecContext(ctx, `UPDATE institutions SET hours = ?, owners = ?, updated_at = ? WHERE id = ?`,
			encodeHours(h), encodeOwners(m), s.unix(), id); err != nil {
			return err
		}
		if err := s.writeAudits(ctx, tx, id, audit); err != nil {
			return err
		}
		return recordDirectoryChange(ctx, tx, id)
	})
}

// SetOnboarding makes an institution take bookings (or stop) under a policy.
func (s *Store) SetOnboarding(ctx context.Context, id int64, onboarded, demo bool, p heydoctor.BookingPolicy) (err error) {
	defer wrap(&err, "set onboarding of institution %d", id)
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE institutions SET onboarded = ?, demo = ?, require_confirmation = ?, cancel_window_minutes = ?, updated_at = ? WHERE id = ?`,
			boolInt(onboarded), boolInt(demo), boolInt(p.RequireConfirmation), p.CancelWindowMinutes, s.unix(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("의료기관", id)
		}
		return recordDirectoryChange(ctx, tx, id)
	})
}
