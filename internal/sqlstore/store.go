// Package sqlstore keeps HeyDoctor's data in SQLite (embedded, the default) or MySQL /
// MariaDB (production, several replicas) behind one Store with hand-written, portable SQL.
//
// Portability rules: `?` placeholders, no RETURNING, no NOW(): time comes from the
// injected clock and is stored as Unix seconds (UTC). Driver errors are translated here
// into heydoctor error kinds; nothing above this package imports a driver.
package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"

	"heydoctor"
)

// Dialect is the SQL database in use.
type Dialect string

// Dialects.
const (
	SQLite Dialect = "sqlite"
	MySQL  Dialect = "mysql"
)

// MySQLPrefix marks a HEYDOCTOR_DB value as a MySQL/MariaDB DSN in go-sql-driver syntax:
// mysql://user:password@tcp(host:3306)/dbname?param=value. Anything else is a SQLite path.
const MySQLPrefix = "mysql://"

// Store is HeyDoctor's database. For SQLite it keeps one writer connection and a pool of
// readers (WAL lets readers run beside the writer); for MySQL both are the same pool.
type Store struct {
	dialect *dialect
	rdb     *sql.DB // reads
	wdb     *sql.DB // writes and transactions
	now     func() time.Time
	dsn     string

	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt
	missed map[string]bool // write statements to prepare outside a transaction
}

// Options tune Open.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// MaxOpenConns for MySQL (default 20) and the SQLite reader pool (default 8).
	MaxOpenConns int
}

// ParseDSN tells which dialect a HEYDOCTOR_DB value selects and returns the driver DSN.
func ParseDSN(dsn string) (Dialect, string, error) {
	if rest, ok := strings.CutPrefix(dsn, MySQLPrefix); ok {
		cfg, err := mysql.ParseDSN(rest)
		if err != nil {
			return "", "", fmt.Errorf("mysql DSN (want mysql://user:pass@tcp(host:3306)/db): %w", err)
		}
		if cfg.DBName == "" {
			return "", "", errors.New("mysql DSN names no database (want mysql://user:pass@tcp(host:3306)/db)")
		}
		cfg.ParseTime = true
		cfg.ClientFoundRows = true // UPDATE reports matched rows, as SQLite does
		cfg.Collation = "utf8mb4_unicode_ci"
		if cfg.Params == nil {
			cfg.Params = map[string]string{}
		}
		cfg.Params["charset"] = "utf8mb4"
		cfg.Loc = time.UTC
		if cfg.Timeout == 0 {
			cfg.Timeout = 5 * time.Second
		}
		return MySQL, cfg.FormatDSN(), nil
	}
	if dsn == "" {
		return "", "", errors.New("empty database path")
	}
	if strings.Contains(dsn, "://") {
		return "", "", fmt.Errorf("unknown database URL scheme in %q (use a SQLite file path or %suser:pass@tcp(host:3306)/db)", RedactDSN(dsn), MySQLPrefix)
	}
	return SQLite, dsn, nil
}

// RedactDSN hides the password of a HEYDOCTOR_DB value, for messages and for printing
// configuration.
func RedactDSN(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		rest := dsn[i+3:]
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if colon := strings.Index(rest[:at], ":"); colon >= 0 {
				return dsn[:i+3] + rest[:colon] + ":***" + rest[at:]
			}
		}
	}
	return dsn
}

// Open connects to the database named by dsn (see ParseDSN) and checks it answers. It does
// not migrate: call Migrate.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	name, driverDSN, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	s := &Store{dialect: sqliteDialect, now: opts.Now, dsn: dsn}
	if name == MySQL {
		s.dialect = mysqlDialect
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rdb, s.wdb, err = s.dialect.open(driverDSN, opts.MaxOpenConns); err != nil {
		return nil, err
	}
	if err := s.wdb.PingContext(ctx); err != nil {
		s.Close()
		return nil, heydoctor.Errorf(heydoctor.Unavailable, "데이터베이스에 연결할 수 없습니다").WithErr(fmt.Errorf("connect to %s database %s: %w", name, RedactDSN(dsn), err))
	}
	return s, nil
}

// Close closes the connection pools.
func (s *Store) Close() error {
	s.closeStatements()
	var errs []error
	if s.rdb != nil && s.rdb != s.wdb {
		errs = append(errs, s.rdb.Close())
	}
	if s.wdb != nil {
		errs = append(errs, s.wdb.Close())
	}
	return errors.Join(errs...)
}

// Dialect returns the database in use.
func (s *Store) Dialect() Dialect { return s.dialect.name }

// DB returns the write pool, for pool statistics.
func (s *Store) DB() *sql.DB { return s.wdb }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.PingContext(ctx); err != nil {
		return &heydoctor.Error{Kind: heydoctor.Unavailable, Message: "데이터베이스에 연결할 수 없습니다", Err: err}
	}
	return nil
}

func (s *Store) unix() int64 { return s.now().Unix() }

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// withTx runs fn in a write transaction: begin, defer rollback, fn, commit.
func (s *Store) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.withTxOpts(ctx, nil, fn)
}

// withTxOpts is withTx with transaction options (MySQL's isolation level).
func (s *Store) withTxOpts(ctx context.Context, opts *sql.TxOptions, fn func(tx *sql.Tx) error) error {
	tx, err := s.wdb.BeginTx(ctx, opts)
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return translate(tx.Commit())
}

// translate maps driver errors to domain error kinds at the storage boundary.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var de *heydoctor.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &heydoctor.Error{Kind: heydoctor.NotFound, Message: "찾을 수 없습니다", Err: err}
	}
	if isUniqueViolation(err) {
		return &heydoctor.Error{Kind: heydoctor.Conflict, Message: "이미 있는 항목과 겹칩니다", Err: err}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return &heydoctor.Error{Kind: heydoctor.Unavailable, Message: "요청 시간이 초과되었습니다", Err: err}
	}
	if isConnectionError(err) {
		return &heydoctor.Error{Kind: heydoctor.Unavailable, Message: "데이터베이스에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.", Err: err}
	}
	return err
}

// isConnectionError reports errors that mean the database cannot be reached right now
// (MySQL down or restarting, the pool closed), as opposed to a bad query.
func isConnectionError(err error) bool {
	var ne net.Error // *net.OpError among them: refused, reset, timed out
	if errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) {
		return true
	}
	for _, d := range dialects {
		if d.unreachable(err) {
			return true
		}
	}
	// database/sql reports a closed pool with an unexported error: its text is all there is.
	return strings.Contains(err.Error(), "sql: database is closed")
}

// isUniqueViolation reports a unique-constraint violation from either driver.
func isUniqueViolation(err error) bool {
	for _, d := range dialects {
		if _, ok := d.uniqueViolation(err); ok {
			return true
		}
	}
	return false
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nullString stores "" as NULL, for unique columns where absence must not collide.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func notFound(what string, id any) error {
	return heydoctor.Errorf(heydoctor.NotFound, "%s을(를) 찾을 수 없습니다 (%v)", what, id)
}

// wrap names the operation on an error that leaves the store, as pkgsite's derrors.Wrap
// does: defer wrap(&err, "find doctor %d", id). The error keeps its kind.
func wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
	}
}
