package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"heydoctor"
)

// ApplyImport applies one batch; see ApplyImports.
func (s *Store) ApplyImport(ctx context.Context, b heydoctor.ImportBatch) (heydoctor.ImportStats, error) {
	st, err := s.ApplyImports(ctx, b)
	if err != nil {
		return heydoctor.ImportStats{}, err
	}
	return st[0], nil
}

// bulkRows is the size of an import that prepares the writer for bulk (dialect.bulkWrite).
const bulkRows = 20_000

// ApplyImports applies batches in order in one transaction: either all of them land or
// none, so a failed import leaves the previous data untouched.
//
// A record finds its institution by its source id (NMC hpid, HIRA ykiho, a derived local
// key) or, failing that, as the same place another source listed: the same normalised
// name and the same phone digits or road address, within 50 m. The institution then
// keeps every source's id. A record writes only the field groups it carries
// (heydoctor.Institution.Carries), and only where no stronger source wrote them (HIRA
// for 종별, address and departments; NMC for hours and emergency rooms; staff edits over
// both), so re-importing any source in any order changes nothing. A record without
// basis fields (HIRA 세부정보, 진료과목) never creates an institution.
//
// With FullRefresh, institutions the batch's scope listed before but no longer does are
// marked closed, never deleted (reservations point at them), unless another source still
// lists them.
func (s *Store) ApplyImports(ctx context.Context, batches ...heydoctor.ImportBatch) (_ []heydoctor.ImportStats, err error) {
	defer wrap(&err, "apply import")
	rows := 0
	for _, b := range batches {
		rows += len(b.Institutions)
	}
	if rows >= bulkRows && s.dialect.bulkWrite != nil {
		restore, err := s.dialect.bulkWrite(ctx, s.wdb)
		if err != nil {
			return nil, err
		}
		defer restore()
	}
	stats := make([]heydoctor.ImportStats, len(batches))
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		st, err := loadImportState(ctx, tx)
		if err != nil {
			return err
		}
		for i := range batches {
			if err := st.apply(&batches[i], &stats[i]); err != nil {
				return err
			}
		}
		now := s.unix()
		if err := st.write(ctx, tx, now); err != nil {
			return err
		}
		changed := false
		for i, b := range batches {
			for _, h := range b.Holidays {
				if err := upsertHoliday(ctx, tx, h); err != nil {
					return err
				}
				stats[i].Holidays++
			}
			c := stats[i]
			changed = changed || c.Inserted+c.Updated+c.Closed+c.Holidays > 0
			if _, err := tx.ExecContext(ctx, `INSERT INTO import_runs (format, scope, finished_at, n_read, n_inserted, n_updated,
				n_unchanged, n_rejected, n_closed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				b.Format, b.Scope, now, b.Read, c.Inserted, c.Updated, c.Unchanged, b.Rejected, c.Closed); err != nil {
				return err
			}
		}
		if changed {
			return bumpDirectoryVersion(ctx, tx)
		}
		return nil
	})
	if err != nil {
		return nil, translate(err)
	}
	return stats, nil
}

// importRow is an institution as the import sees it: its public-data fields, which
// scopes list it and which source owns each field group.
type importRow struct {
	in       heydoctor.Institution
	listedBy []string
	owners   map[heydoctor.InstitutionFields]string
	loaded   string // state as loaded, to tell changed rows from unchanged ones
	isNew    bool
	batch    int // the last batch that touched the row through its id, plus one
}

type importState struct {
	rows   []*importRow
	byKey  map[string]*importRow
	byName map[string][]*importRow
	seq    int // numbers the batches of one ApplyImports call
}

const importColumns = `id, kind, type_code, type_name, class, name, address, postcode, phone, er_phone, lat, lng,
	departments, specialists, hours, er, notes, status, hpid, ykiho, local_key, source, listed_by, owners`

func loadImportState(ctx context.Context, tx *sql.Tx) (*importState, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+importColumns+` FROM institutions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	st := &importState{byKey: make(map[string]*importRow), byName: make(map[string][]*importRow)}
	for rows.Next() {
		var (
			r                                 importRow
			kind, class, status, depts, specs string
			hrs, listed, owners               string
			hpid, ykiho, local                sql.NullString
			er                                int
		)
		in := &r.in
		if err := rows.Scan(&in.ID, &kind, &in.TypeCode, &in.TypeName, &class, &in.Name, &in.Address, &in.Postcode, &in.Phone,
			&in.ERPhone, &in.Lat, &in.Lng, &depts, &specs, &hrs, &er, &in.Notes, &status, &hpid, &ykiho, &local, &in.Source,
			&listed, &owners); err != nil {
			return nil, err
		}
		in.Kind, in.Class, in.Status = heydoctor.InstitutionKind(kind), heydoctor.InstitutionClass(class), heydoctor.BusinessStatus(status)
		if depts != "" {
			in.Departments = strings.Split(depts, ",")
		}
		in.Specialists, _ = heydoctor.ParseSpecialists(specs)
		if hrs != "" {
			if err := json.Unmarshal([]byte(hrs), &in.Hours); err != nil {
				return nil, fmt.Errorf("institution %d: hours: %w", in.ID, err)
			}
		}
		in.ER = er == 1
		in.HPID, in.YKIHO, in.LocalKey = hpid.String, ykiho.String, local.String
		if listed != "" {
			r.listedBy = strings.Split(listed, ",")
		}
		r.owners = decodeOwners(owners)
		r.loaded = r.state()
		st.add(&r)
	}
	return st, rows.Err()
}

func (st *importState) add(r *importRow) {
	st.rows = append(st.rows, r)
	for _, k := range keysOf(&r.in) {
		st.byKey[k] = r
	}
	if n := matchName(r.in.Name); n != "" {
		st.byName[n] = append(st.byName[n], r)
	}
}

// state is everything ApplyImports may change in a row, as one comparable string.
func (r *importRow) state() string {
	return fingerprint(&r.in) + "|" + strings.Join(r.listedBy, ",") + "|" + encodeOwners(r.owners) + "|" +
		r.in.HPID + "|" + r.in.YKIHO + "|" + r.in.LocalKey
}

// keysOf returns the source keys of an institution.
func keysOf(in *heydoctor.Institution) []string {
	var keys []string
	for _, k := range []string{"h:" + in.HPID, "y:" + in.YKIHO, "l:" + in.LocalKey} {
		if len(k) > 2 {
			keys = append(keys, k)
		}
	}
	return keys
}

func (st *importState) lookup(in *heydoctor.Institution) *importRow {
	for _, k := range keysOf(in) {
		if r, ok := st.byKey[k]; ok {
			return r
		}
	}
	return nil
}

func (st *importState) apply(b *heydoctor.ImportBatch, stats *heydoctor.ImportStats) error {
	st.seq++
	fam := family(b.Scope)
	listedNow := make(map[*importRow]bool)
	for i := range b.Institutions {
		in := &b.Institutions[i]
		if in.Status == "" {
			in.Status = heydoctor.StatusOperating
		}
		carries := in.Carries
		if carries == 0 {
			carries = heydoctor.AllFields
		}
		r := st.lookup(in)
		if r != nil && r.batch == st.seq {
			return heydoctor.Errorf(heydoctor.Conflict, "import %s: two records for %s", b.Scope, strings.Join(keysOf(in), ", "))
		}
		joined := false
		if r == nil && carries.Has(heydoctor.FieldBasis) {
			if r = st.samePlace(in); r != nil {
				joined = true
			}
		}
		if r == nil {
			if !carries.Has(heydoctor.FieldBasis) {
				stats.Orphans++
				continue
			}
			r = &importRow{isNew: true, owners: make(map[heydoctor.InstitutionFields]string)}
			if in.Status != heydoctor.StatusClosed {
				r.listedBy = []string{b.Scope}
			}
			r.in = *in
			r.in.ID, r.in.Carries, r.in.Source = 0, 0, b.Scope
			for _, g := range fieldGroups {
				if carries.Has(g) {
					r.owners[g] = fam
				}
			}
			r.batch = st.seq
			st.add(r)
			listedNow[r] = true
			stats.Inserted++
			continue
		}
		r.batch = st.seq
		before := r.state()
		if joined {
			// Keep the ids of both sources.
			for _, p := range [][2]*string{{&r.in.HPID, &in.HPID}, {&r.in.YKIHO, &in.YKIHO}, {&r.in.LocalKey, &in.LocalKey}} {
				if *p[0] == "" && *p[1] != "" {
					*p[0] = *p[1]
				}
			}
			for _, k := range keysOf(&r.in) {
				st.byKey[k] = r
			}
			stats.Joined++
		}
		var groups heydoctor.InstitutionFields
		for _, g := range fieldGroups {
			if carries.Has(g) && outranks(g, fam, r.owners[g]) {
				groups |= g
				r.owners[g] = fam
			}
		}
		r.in.Merge(in, groups)
		r.in.Carries = 0
		// A source lists a place while it says it is not closed (Gyeonggi keeps 폐업 rows).
		if carries.Has(heydoctor.FieldBasis) && in.Status != heydoctor.StatusClosed {
			listedNow[r] = true
			if !slices.Contains(r.listedBy, b.Scope) {
				r.listedBy = append(r.listedBy, b.Scope)
				sort.Strings(r.listedBy)
			}
			// A source that lists a place again reopens it, whoever owns its basis fields.
			if r.in.Status == heydoctor.StatusClosed && in.Status != heydoctor.StatusClosed && groups&heydoctor.FieldBasis == 0 {
				r.in.Status = in.Status
			}
		}
		if r.state() == before {
			stats.Unchanged++
		} else {
			stats.Updated++
		}
	}
	if b.FullRefresh && b.Scope != "" {
		for _, r := range st.rows {
			i := slices.Index(r.listedBy, b.Scope)
			if i < 0 || listedNow[r] {
				continue
			}
			r.listedBy = slices.Delete(r.listedBy, i, i+1)
			if len(r.listedBy) == 0 && r.in.Status != heydoctor.StatusClosed {
				r.in.Status = heydoctor.StatusClosed
				stats.Closed++
			}
		}
	}
	return nil
}

// fieldGroups are the groups Merge writes, each owned by one source at a time.
var fieldGroups = []heydoctor.InstitutionFields{
	heydoctor.FieldBasis, heydoctor.FieldPostcode, heydoctor.FieldHours, heydoctor.FieldDepartments, heydoctor.FieldER, heydoctor.FieldNotes,
}

var groupNames = map[heydoctor.InstitutionFields]string{
	heydoctor.FieldBasis: "basis", heydoctor.FieldPostcode: "postcode", heydoctor.FieldHours: "hours",
	heydoctor.FieldDepartments: "departments", heydoctor.FieldER: "er", heydoctor.FieldNotes: "notes",
}

// ownerStaff owns the hours a staff member edited: no import overwrites them.
const ownerStaff = "staff"

// family names the source behind a scope: Seoul's CSV files are NMC data.
func family(scope string) string {
	f, _, _ := strings.Cut(scope, ":")
	if f == "seoul" {
		return "nmc"
	}
	return f
}

// sourceRank says which source knows a field group best. HIRA is the register of 종별,
// addresses and departments with their specialists; NMC publishes the only national
// weekly hours and designates emergency rooms. Unlisted sources rank lowest.
func sourceRank(g heydoctor.InstitutionFields, fam string) int {
	if fam == ownerStaff {
		return 100
	}
	order := map[heydoctor.InstitutionFields][]string{
		heydoctor.FieldBasis:       {"gyeonggi", "nmc", "hira"},
		heydoctor.FieldPostcode:    {"gyeonggi", "nmc", "hira"},
		heydoctor.FieldHours:       {"gyeonggi", "hira", "nmc"},
		heydoctor.FieldDepartments: {"gyeonggi", "nmc", "hira"},
		heydoctor.FieldER:          {"gyeonggi", "hira", "nmc"},
		heydoctor.FieldNotes:       {"gyeonggi", "hira", "nmc"},
	}[g]
	return slices.Index(order, fam) + 1
}

// outranks reports whether fam may write group g now owned by owner ("" for nobody).
func outranks(g heydoctor.InstitutionFields, fam, owner string) bool {
	return owner == "" || owner == fam || sourceRank(g, fam) >= sourceRank(g, owner)
}

func encodeOwners(m map[heydoctor.InstitutionFields]string) string {
	var parts []string
	for _, g := range fieldGroups {
		if o := m[g]; o != "" {
			parts = append(parts, groupNames[g]+"="+o)
		}
	}
	return strings.Join(parts, ",")
}

func decodeOwners(s string) map[heydoctor.InstitutionFields]string {
	m := make(map[heydoctor.InstitutionFields]string)
	for part := range strings.SplitSeq(s, ",") {
		name, owner, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		for g, n := range groupNames {
			if n == name {
				m[g] = owner
			}
		}
	}
	return m
}

// samePlace finds the one institution another source listed that is the same place as
// in: the same kind and normalised name, the same phone digits or road address, and
// within 50 m when both have coordinates (500 m when phone and address both agree;
// without coordinates both must agree). It must not already carry an id of in's source. Two candidates are no answer.
func (st *importState) samePlace(in *heydoctor.Institution) *importRow {
	name := matchName(in.Name)
	if name == "" {
		return nil
	}
	tel, addr := phoneDigits(in.Phone), matchAddress(in.Address)
	var found *importRow
	for _, r := range st.byName[name] {
		c := &r.in
		if c.Kind != in.Kind || in.HPID != "" && c.HPID != "" || in.YKIHO != "" && c.YKIHO != "" || in.LocalKey != "" && c.LocalKey != "" {
			continue
		}
		samePhone := len(tel) >= 7 && tel == phoneDigits(c.Phone)
		sameAddr := addr != "" && addr == matchAddress(c.Address)
		if in.HasLocation() && c.HasLocation() {
			// Sources pin a large hospital on different buildings of its campus: with
			// name, phone and address all agreeing, a few hundred metres are one place.
			d, limit := metres(in.Lat, in.Lng, c.Lat, c.Lng), 50.0
			if samePhone && sameAddr {
				limit = 500
			}
			if !(samePhone || sameAddr) || d > limit {
				continue
			}
		} else if !(samePhone && sameAddr) {
			continue
		}
		if found != nil {
			return nil
		}
		found = r
	}
	return found
}

// metres is the distance between two WGS84 points, accurate to well under a metre at 50 m.
func metres(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6371000
	dLat := (lat2 - lat1) * math.Pi / 180
	dLng := (lng2 - lng1) * math.Pi / 180 * math.Cos((lat1+lat2)/2*math.Pi/180)
	return r * math.Hypot(dLat, dLng)
}

var sidoNames = []string{
	"서울특별시", "부산광역시", "대구광역시", "인천광역시", "광주광역시", "대전광역시", "울산광역시", "세종특별자치시",
	"경기도", "강원특별자치도", "강원도", "충청북도", "충청남도", "전북특별자치도", "전라북도", "전라남도", "경상북도",
	"경상남도", "제주특별자치도",
}

var sidoShort = []string{"서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기", "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주"}

var legalForms = strings.NewReplacer("의료법인", "", "재단법인", "", "사회복지법인", "", "학교법인", "", "(의)", "", "(재)", "", "(사)", "")

// matchName folds a name for joining sources: no spaces or punctuation, no legal form
// (의료법인, (의)), no province prefix ("서울특별시서울의료원" is 서울의료원).
func matchName(s string) string {
	s = legalForms.Replace(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
	for _, p := range sidoNames {
		if rest, ok := strings.CutPrefix(s, p); ok && rest != "" {
			return rest
		}
	}
	return s
}

// matchAddress keeps the road address without the province, the building details after
// the first comma and the bracketed 동: "서울특별시 중구 무교로 15, 1층 (무교동)" is
// "중구무교로15".
func matchAddress(s string) string {
	s, _, _ = strings.Cut(s, ",")
	s, _, _ = strings.Cut(s, "(")
	f := strings.Fields(s)
	if len(f) > 0 && (slices.Contains(sidoNames, f[0]) || slices.Contains(sidoShort, f[0])) {
		f = f[1:]
	}
	return strings.Join(f, "")
}

func phoneDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

const insertBatch = 200

// write stores the rows the batches created or changed: new ones in multi-row INSERTs,
// which make a 100,000-record import a few hundred statements, changed ones one UPDATE each.
func (st *importState) write(ctx context.Context, tx *sql.Tx, now int64) error {
	var inserts []*importRow
	upd, err := tx.PrepareContext(ctx, `UPDATE institutions SET kind=?, type_code=?, type_name=?, class=?, name=?, address=?,
		postcode=?, phone=?, er_phone=?, lat=?, lng=?, departments=?, specialists=?, hours=?, er=?, notes=?, status=?, hpid=?,
		ykiho=?, local_key=?, listed_by=?, owners=?, fingerprint=?, updated_at=? WHERE id=?`)
	if err != nil {
		return err
	}
	defer upd.Close()
	for _, r := range st.rows {
		if r.isNew {
			inserts = append(inserts, r)
			continue
		}
		if r.state() == r.loaded {
			continue
		}
		in := &r.in
		if _, err := upd.ExecContext(ctx, in.Kind, in.TypeCode, in.TypeName, in.Class, in.Name, in.Address, in.Postcode,
			in.Phone, in.ERPhone, in.Lat, in.Lng, strings.Join(in.Departments, ","), heydoctor.FormatSpecialists(in.Specialists),
			encodeHours(in.Hours), boolInt(in.ER), in.Notes, in.Status, nullString(in.HPID), nullString(in.YKIHO),
			nullString(in.LocalKey), strings.Join(r.listedBy, ","), encodeOwners(r.owners), fingerprint(in), now, in.ID); err != nil {
			return translate(err)
		}
	}
	const cols = `(kind, type_code, type_name, class, name, address, postcode, phone, er_phone, lat, lng, departments,
		specialists, hours, er, notes, status, hpid, ykiho, local_key, source, listed_by, owners, fingerprint, updated_at)`
	const row = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
	for start := 0; start < len(inserts); start += insertBatch {
		chunk := inserts[start:min(start+insertBatch, len(inserts))]
		var sb strings.Builder
		sb.WriteString("INSERT INTO institutions " + cols + " VALUES ")
		args := make([]any, 0, len(chunk)*25)
		for i, r := range chunk {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(row)
			in := &r.in
			args = append(args, in.Kind, in.TypeCode, in.TypeName, in.Class, in.Name, in.Address, in.Postcode, in.Phone,
				in.ERPhone, in.Lat, in.Lng, strings.Join(in.Departments, ","), heydoctor.FormatSpecialists(in.Specialists),
				encodeHours(in.Hours), boolInt(in.ER), in.Notes, in.Status, nullString(in.HPID), nullString(in.YKIHO),
				nullString(in.LocalKey), in.Source, strings.Join(r.listedBy, ","), encodeOwners(r.owners), fingerprint(in), now)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return translate(err)
		}
	}
	return nil
}

// LastImport returns when the directory was last imported into, zero if never.
func (s *Store) LastImport(ctx context.Context) (_ time.Time, err error) {
	defer wrap(&err, "last import")
	var t sql.NullInt64
	if err := s.rdb.QueryRowContext(ctx, `SELECT MAX(finished_at) FROM import_runs`).Scan(&t); err != nil {
		return time.Time{}, translate(err)
	}
	if !t.Valid {
		return time.Time{}, nil
	}
	return time.Unix(t.Int64, 0).UTC(), nil
}
