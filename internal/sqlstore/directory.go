package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"heydoctor"
)

// The directory change log lives in meta as rows "directory_change:<version>" whose value
// is the one institution that version changed. Replicas read the rows after the version
// they hold and re-read only those institutions; a version without a row (an import)
// makes them reload everything. The newest changeLogKeep rows are kept.
const (
	changePrefix  = "directory_change:"
	changeLogKeep = 1000
)

func changeKey(v int64) string { return fmt.Sprintf("%s%019d", changePrefix, v) }

// recordDirectoryChange bumps the directory version for a change of one institution and
// logs which one, in the caller's transaction.
func recordDirectoryChange(ctx context.Context, tx *sql.Tx, institutionID int64) error {
	if err := bumpDirectoryVersion(ctx, tx); err != nil {
		return err
	}
	var raw string
	if err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE name = 'directory_version'`).Scan(&raw); err != nil {
		return err
	}
	v, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return fmt.Errorf("directory version %q: %w", raw, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta (name, value) VALUES (?, ?)`, changeKey(v), strconv.FormatInt(institutionID, 10)); err != nil {
		return translate(err)
	}
	if v%100 == 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE name >= ? AND name < ?`, changeKey(0), changeKey(v-changeLogKeep)); err != nil {
			return err
		}
	}
	return nil
}

// DirectoryChanges returns the current directory version and the institutions changed by
// the versions after `after`. complete is false when a version in between is not in the
// log (an import, or older than the log keeps): the caller must reload everything.
func (s *Store) DirectoryChanges(ctx context.Context, after int64) (current int64, ids []int64, complete bool, err error) {
	defer wrap(&err, "directory changes after %d", after)
	current, err = s.DirectoryVersion(ctx)
	if err != nil || current <= after {
		return current, nil, current == after, err
	}
	if current-after > changeLogKeep {
		return current, nil, false, nil
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT name, value FROM meta WHERE name > ? AND name <= ? ORDER BY name`, changeKey(after), changeKey(current))
	if err != nil {
		return 0, nil, false, translate(err)
	}
	defer rows.Close()
	n := int64(0)
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return 0, nil, false, err
		}
		id, err := strconv.ParseInt(value, 10, 64)
		if err != nil || !strings.HasPrefix(name, changePrefix) {
			return current, nil, false, nil
		}
		ids = append(ids, id)
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, nil, false, translate(err)
	}
	return current, ids, n == current-after, nil
}

// ScanDirectory calls fn for every operating institution with coordinates, with the
// fields the in-memory directory keeps (no notes, source ids or booking policy), in one
// streaming read. The Institution passed to fn is reused: fn must copy what it keeps.
func (s *Store) ScanDirectory(ctx context.Context, fn func(*heydoctor.Institution) error) (err error) {
	defer wrap(&err, "scan directory")
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, kind, type_code, type_name, class, name, address, phone, lat, lng,
		departments, specialists, hours, er, onboarded, demo FROM institutions
		WHERE (status = 'operating' OR status = '') AND (lat <> 0 OR lng <> 0)`)
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	var (
		in                heydoctor.Institution
		kind, depts, hrs  string
		er, onb, demo     int
		deptBuf           []string
		emptyHours        heydoctor.OpeningHours
		kindOf            = map[string]heydoctor.InstitutionKind{}
		typeCode, typeNam string
		class, specs      string
	)
	for rows.Next() {
		if err := rows.Scan(&in.ID, &kind, &typeCode, &typeNam, &class, &in.Name, &in.Address, &in.Phone, &in.Lat, &in.Lng,
			&depts, &specs, &hrs, &er, &onb, &demo); err != nil {
			return err
		}
		k, ok := kindOf[kind]
		if !ok {
			k = heydoctor.InstitutionKind(kind)
			kindOf[kind] = k
		}
		in.Kind, in.TypeCode, in.TypeName, in.Class = k, typeCode, typeNam, heydoctor.InstitutionClass(class)
		in.Specialists, _ = heydoctor.ParseSpecialists(specs)
		in.Departments = deptBuf[:0]
		if depts != "" {
			in.Departments = append(in.Departments, strings.Split(depts, ",")...)
		}
		in.Hours = emptyHours
		if hrs != "" {
			if err := json.Unmarshal([]byte(hrs), &in.Hours); err != nil {
				return fmt.Errorf("institution %d: hours: %w", in.ID, err)
			}
		}
		in.ER, in.Onboarded, in.Demo = er == 1, onb == 1, demo == 1
		in.Status = heydoctor.StatusOperating
		if err := fn(&in); err != nil {
			return err
		}
	}
	return translate(rows.Err())
}
