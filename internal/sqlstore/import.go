package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"heydoctor"
)

// ImportBatch is what an importer read from one public-data input.
type ImportBatch struct {
	Format       string
	Scope        string // stored as the institutions' source; a full refresh covers exactly this scope
	FullRefresh  bool
	Institutions []heydoctor.Institution
	Holidays     []heydoctor.PublicHoliday
	Read         int
	Rejected     int
}

// ImportStats says what an import changed.
type ImportStats struct {
	Inserted, Updated, Unchanged, Closed int
	Holidays                             int
	// Orphans are department-only records (HIRA 진료과목 rows) whose institution is unknown.
	Orphans int
}

type existing struct {
	id          int64
	fingerprint string
}

// ApplyImport upserts a batch by source id (NMC hpid, HIRA ykiho, or a derived local key)
// in one transaction: either all of it lands or none of it, so a failed import leaves the
// previous data untouched. With FullRefresh, institutions of the batch's scope that the
// batch no longer contains are marked closed, never deleted: reservations point at them.
// Records carrying only a YKIHO and departments (HIRA 진료과목 tables) merge their
// departments into the institution with that YKIHO.
func (s *Store) ApplyImport(ctx context.Context, b ImportBatch) (ImportStats, error) {
	var st ImportStats
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		byKey, err := loadKeys(ctx, tx)
		if err != nil {
			return err
		}
		now := s.unix()
		seen := make(map[int64]bool, len(b.Institutions))
		batchKeys := make(map[string]bool, len(b.Institutions))
		var inserts []*heydoctor.Institution
		upd, err := tx.PrepareContext(ctx, `UPDATE institutions SET kind=?, type_code=?, type_name=?, name=?, address=?,
			postcode=?, phone=?, er_phone=?, lat=?, lng=?, departments=?, hours=?, er=?, notes=?, status=?, hpid=?, ykiho=?,
			local_key=?, source=?, fingerprint=?, updated_at=? WHERE id=?`)
		if err != nil {
			return err
		}
		defer upd.Close()
		for i := range b.Institutions {
			in := &b.Institutions[i]
			if in.Name == "" && in.YKIHO != "" {
				if err := mergeDepartments(ctx, tx, in, now, &st); err != nil {
					return err
				}
				continue
			}
			if in.Status == "" {
				in.Status = heydoctor.StatusOperating
			}
			in.Source = b.Scope
			fp := fingerprint(in)
			for _, k := range keysOf(in) {
				batchKeys[k] = true
			}
			cur, ok := lookup(byKey, in)
			if !ok {
				inserts = append(inserts, in)
				continue
			}
			seen[cur.id] = true
			if cur.fingerprint == fp {
				st.Unchanged++
				continue
			}
			if _, err := upd.ExecContext(ctx, in.Kind, in.TypeCode, in.TypeName, in.Name, in.Address, in.Postcode, in.Phone,
				in.ERPhone, in.Lat, in.Lng, strings.Join(in.Departments, ","), encodeHours(in.Hours), boolInt(in.ER), in.Notes,
				in.Status, nullString(in.HPID), nullString(in.YKIHO), nullString(in.LocalKey), in.Source, fp, now, cur.id); err != nil {
				return translate(err)
			}
			st.Updated++
		}
		if err := insertInstitutions(ctx, tx, inserts, now); err != nil {
			return err
		}
		st.Inserted = len(inserts)
		if b.FullRefresh && b.Scope != "" {
			n, err := closeMissing(ctx, tx, b.Scope, seen, batchKeys, now)
			if err != nil {
				return err
			}
			st.Closed = n
		}
		for _, h := range b.Holidays {
			if err := upsertHoliday(ctx, tx, h); err != nil {
				return err
			}
			st.Holidays++
		}
		if st.Inserted+st.Updated+st.Closed+st.Holidays > 0 {
			if err := bumpDirectoryVersion(ctx, tx); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO import_runs (format, scope, finished_at, n_read, n_inserted, n_updated,
			n_unchanged, n_rejected, n_closed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			b.Format, b.Scope, now, b.Read, st.Inserted, st.Updated, st.Unchanged, b.Rejected, st.Closed)
		return err
	})
	return st, translate(err)
}

func loadKeys(ctx context.Context, tx *sql.Tx) (map[string]existing, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, hpid, ykiho, local_key, fingerprint FROM institutions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := make(map[string]existing)
	for rows.Next() {
		var id int64
		var hpid, ykiho, local sql.NullString
		var fp string
		if err := rows.Scan(&id, &hpid, &ykiho, &local, &fp); err != nil {
			return nil, err
		}
		e := existing{id: id, fingerprint: fp}
		if hpid.Valid {
			m["h:"+hpid.String] = e
		}
		if ykiho.Valid {
			m["y:"+ykiho.String] = e
		}
		if local.Valid {
			m["l:"+local.String] = e
		}
	}
	return m, rows.Err()
}

// keysOf returns the source keys of an institution, as loadKeys spells them.
func keysOf(in *heydoctor.Institution) []string {
	var keys []string
	for _, k := range []string{"h:" + in.HPID, "y:" + in.YKIHO, "l:" + in.LocalKey} {
		if len(k) > 2 {
			keys = append(keys, k)
		}
	}
	return keys
}

func lookup(byKey map[string]existing, in *heydoctor.Institution) (existing, bool) {
	for _, k := range keysOf(in) {
		if e, ok := byKey[k]; ok {
			return e, true
		}
	}
	return existing{}, false
}

const insertBatch = 200

// insertInstitutions writes new rows in multi-row INSERTs, which both dialects take and
// which make a 100,000-record import a few hundred statements.
func insertInstitutions(ctx context.Context, tx *sql.Tx, list []*heydoctor.Institution, now int64) error {
	const cols = `(kind, type_code, type_name, name, address, postcode, phone, er_phone, lat, lng, departments, hours, er,
		notes, status, hpid, ykiho, local_key, source, fingerprint, updated_at)`
	const row = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
	for start := 0; start < len(list); start += insertBatch {
		chunk := list[start:min(start+insertBatch, len(list))]
		var sb strings.Builder
		sb.WriteString("INSERT INTO institutions " + cols + " VALUES ")
		args := make([]any, 0, len(chunk)*21)
		for i, in := range chunk {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(row)
			args = append(args, in.Kind, in.TypeCode, in.TypeName, in.Name, in.Address, in.Postcode, in.Phone, in.ERPhone,
				in.Lat, in.Lng, strings.Join(in.Departments, ","), encodeHours(in.Hours), boolInt(in.ER), in.Notes, in.Status,
				nullString(in.HPID), nullString(in.YKIHO), nullString(in.LocalKey), in.Source, fingerprint(in), now)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return translate(err)
		}
	}
	return nil
}

func mergeDepartments(ctx context.Context, tx *sql.Tx, in *heydoctor.Institution, now int64, st *ImportStats) error {
	var id int64
	var depts string
	err := tx.QueryRowContext(ctx, `SELECT id, departments FROM institutions WHERE ykiho = ?`, in.YKIHO).Scan(&id, &depts)
	if err == sql.ErrNoRows {
		st.Orphans++
		return nil
	}
	if err != nil {
		return err
	}
	have := map[string]bool{}
	list := []string{}
	if depts != "" {
		list = strings.Split(depts, ",")
	}
	for _, d := range list {
		have[d] = true
	}
	changed := false
	for _, d := range in.Departments {
		if !have[d] {
			have[d] = true
			list = append(list, d)
			changed = true
		}
	}
	if !changed {
		st.Unchanged++
		return nil
	}
	// The fingerprint is cleared so that the next full import of the basis table rewrites the row.
	_, err = tx.ExecContext(ctx, `UPDATE institutions SET departments = ?, fingerprint = '', updated_at = ? WHERE id = ?`,
		strings.Join(list, ","), now, id)
	st.Updated++
	return err
}

func closeMissing(ctx context.Context, tx *sql.Tx, scope string, seen map[int64]bool, batchKeys map[string]bool, now int64) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, hpid, ykiho, local_key FROM institutions WHERE source = ? AND status <> 'closed'`, scope)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var hpid, ykiho, local sql.NullString
		if err := rows.Scan(&id, &hpid, &ykiho, &local); err != nil {
			rows.Close()
			return 0, err
		}
		in := heydoctor.Institution{HPID: hpid.String, YKIHO: ykiho.String, LocalKey: local.String}
		inBatch := seen[id]
		for _, k := range keysOf(&in) {
			inBatch = inBatch || batchKeys[k]
		}
		if !inBatch {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE institutions SET status = 'closed', fingerprint = '', updated_at = ? WHERE id = ?`, now, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// LastImport returns when the directory was last imported into, zero if never.
func (s *Store) LastImport(ctx context.Context) (time.Time, error) {
	var t sql.NullInt64
	if err := s.rdb.QueryRowContext(ctx, `SELECT MAX(finished_at) FROM import_runs`).Scan(&t); err != nil {
		return time.Time{}, translate(err)
	}
	if !t.Valid {
		return time.Time{}, nil
	}
	return time.Unix(t.Int64, 0).UTC(), nil
}
