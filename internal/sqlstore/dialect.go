package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is what differs between the two databases, kept as data: how the pools are
// opened, the few pieces of SQL that are not portable, how concurrent writers are kept
// apart and how the driver reports errors. Open picks sqliteDialect or mysqlDialect.
type dialect struct {
	name Dialect
	// open makes the read and the write pool for a driver DSN; maxOpen <= 0 is the default.
	open func(driverDSN string, maxOpen int) (r, w *sql.DB, err error)
	// concat joins SQL string expressions.
	concat func(parts ...string) string
	// upsert completes an INSERT with the clause that updates cols instead when a row with
	// the same key exists.
	upsert func(insert string, key, cols []string) string
	// serialWrites: one writer connection runs write transactions one at a time (SQLite),
	// so they need no lock rows; otherwise (MySQL) transactions lock what they depend on.
	serialWrites bool
	// forUpdate is the locking-read suffix: MySQL needs it to read the latest committed row
	// inside a transaction; SQLite's write transactions are already exclusive.
	forUpdate string
	// queueTx are the options of queue transactions. On MySQL they read committed rows, so
	// that what they read after waiting for the day's lock is what the previous change
	// committed, not a snapshot from before the wait.
	queueTx *sql.TxOptions
	// preparedQueue runs the queue's hot statements through statements prepared once per
	// pool (see cached).
	preparedQueue bool
	// uniqueViolation reports a unique-constraint violation and the constraint's name, one
	// of the unique* names for the constraints the store tells apart.
	uniqueViolation func(err error) (constraint string, ok bool)
	// retryable reports errors after which a transaction may be run again: deadlocks, lock
	// wait timeouts, a busy database.
	retryable func(err error) bool
	// unreachable reports driver errors that mean the database cannot be reached now.
	unreachable func(err error) bool
	// bulkWrite, when set, prepares the writer for a large import and returns what puts it
	// back.
	bulkWrite func(ctx context.Context, w *sql.DB) (restore func(), err error)
}

// Unique constraints the store tells apart, by the names MySQL gives them (the index
// names of migrations/mysql); SQLite reports columns instead, mapped by sqliteUniqueKeys.
const (
	uniqueSeat        = "reservations_seat"          // reservations (doctor_id, start_at, seat)
	uniqueIdempotency = "idempotency_key"            // reservations (idempotency_key)
	uniqueCode        = "code"                       // reservations (code) and queue_tickets (code)
	uniquePatient     = "phone"                      // patients (phone, name)
	uniqueActivePhone = "queue_tickets_active_phone" // queue_tickets (institution_id, day, active_phone)
)

// sqliteUniqueKeys names the constraints behind the column lists SQLite reports.
var sqliteUniqueKeys = map[string]string{
	"reservations.doctor_id, reservations.start_at, reservations.seat": uniqueSeat,
	"reservations.idempotency_key":                                     uniqueIdempotency,
	"reservations.code":                                                uniqueCode,
	"queue_tickets.code":                                               uniqueCode,
	"patients.phone, patients.name":                                    uniquePatient,
	"queue_tickets.institution_id, queue_tickets.day, queue_tickets.active_phone": uniqueActivePhone,
}

var dialects = []*dialect{sqliteDialect, mysqlDialect}

var sqliteDialect = &dialect{
	name:          SQLite,
	open:          openSQLite,
	concat:        func(parts ...string) string { return "(" + strings.Join(parts, " || ") + ")" },
	upsert:        upsertOnConflict,
	serialWrites:  true,
	preparedQueue: true,
	uniqueViolation: func(err error) (string, bool) {
		var se *sqlite.Error
		if !errors.As(err, &se) || (se.Code() != sqlite3.SQLITE_CONSTRAINT_UNIQUE && se.Code() != sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
			return "", false
		}
		return sqliteConstraint(se.Error()), true
	},
	retryable: func(err error) bool {
		var se *sqlite.Error
		return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
	},
	unreachable: func(err error) bool {
		var se *sqlite.Error
		return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CANTOPEN
	},
	// 100,000 rows and their indexes fit in a 64 MB page cache; the default 2 MB makes
	// SQLite read its own pages back from disk for every insert. Back to the default (and
	// the memory to the system) once written.
	bulkWrite: func(ctx context.Context, w *sql.DB) (func(), error) {
		if _, err := w.ExecContext(ctx, `PRAGMA cache_size = -65536`); err != nil {
			return nil, err
		}
		return func() { w.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = -2000`) }, nil
	},
}

var mysqlDialect = &dialect{
	name:      MySQL,
	open:      openMySQL,
	concat:    func(parts ...string) string { return "CONCAT(" + strings.Join(parts, ", ") + ")" },
	upsert:    upsertOnDuplicateKey,
	forUpdate: " FOR UPDATE",
	queueTx:   &sql.TxOptions{Isolation: sql.LevelReadCommitted},
	uniqueViolation: func(err error) (string, bool) {
		var me *mysql.MySQLError
		if !errors.As(err, &me) || me.Number != 1062 {
			return "", false
		}
		return mysqlConstraint(me.Message), true
	},
	retryable: func(err error) bool {
		var me *mysql.MySQLError
		return errors.As(err, &me) && (me.Number == 1213 || me.Number == 1205) // deadlock, lock wait timeout
	},
	unreachable: func(err error) bool { return errors.Is(err, mysql.ErrInvalidConn) },
}

// sqliteConstraint reads the failing columns from SQLite's message, which names no index:
// "constraint failed: UNIQUE constraint failed: patients.phone, patients.name (2067)". It
// returns the constraint's name when sqliteUniqueKeys knows the columns, else the columns.
func sqliteConstraint(msg string) string {
	const marker = "constraint failed: "
	if i := strings.LastIndex(msg, marker); i >= 0 {
		msg = msg[i+len(marker):]
	}
	if i := strings.LastIndex(msg, " ("); i >= 0 {
		msg = msg[:i]
	}
	if name, ok := sqliteUniqueKeys[msg]; ok {
		return name
	}
	return msg
}

// mysqlConstraint reads the index name from "Duplicate entry '…' for key 'name'" (MySQL 8
// writes 'table.name', MariaDB 'name').
func mysqlConstraint(msg string) string {
	const marker = " for key '"
	i := strings.LastIndex(msg, marker)
	if i < 0 {
		return ""
	}
	key := strings.TrimSuffix(msg[i+len(marker):], "'")
	if j := strings.LastIndex(key, "."); j >= 0 {
		key = key[j+1:]
	}
	return key
}

func upsertOnConflict(insert string, key, cols []string) string {
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = excluded." + c
	}
	return insert + " ON CONFLICT (" + strings.Join(key, ", ") + ") DO UPDATE SET " + strings.Join(set, ", ")
}

func upsertOnDuplicateKey(insert string, _, cols []string) string {
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = VALUES(" + c + ")"
	}
	return insert + " ON DUPLICATE KEY UPDATE " + strings.Join(set, ", ")
}

// openSQLite opens one writer connection (write transactions take the lock at BEGIN) and
// a read-only pool beside it: WAL lets readers run while the writer writes.
func openSQLite(driverDSN string, maxOpen int) (r, w *sql.DB, err error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	base := "file:" + driverDSN + "?" + q.Encode()
	w, err = sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err = sql.Open("sqlite", base+"&mode=ro")
	if err != nil {
		w.Close()
		return nil, nil, err
	}
	if maxOpen <= 0 {
		maxOpen = 8
	}
	r.SetMaxOpenConns(maxOpen)
	r.SetMaxIdleConns(maxOpen)
	return r, w, nil
}

// openMySQL opens one pool for reads and writes.
func openMySQL(driverDSN string, maxOpen int) (r, w *sql.DB, err error) {
	db, err := sql.Open("mysql", driverDSN)
	if err != nil {
		return nil, nil, err
	}
	if maxOpen <= 0 {
		maxOpen = 20
	}
	db.SetMaxOpenConns(maxOpen)
	db.SetMaxIdleConns(maxOpen)
	db.SetConnMaxLifetime(3 * time.Minute) // well under MySQL's default wait_timeout
	return db, db, nil
}
