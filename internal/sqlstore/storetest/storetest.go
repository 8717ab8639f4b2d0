// Package storetest gives tests real databases: a fresh SQLite file always, and a fresh
// MySQL/MariaDB database when HEYDOCTOR_TEST_MYSQL_DSN is set. With
// HEYDOCTOR_TEST_REQUIRE_MYSQL=1 a missing or unreachable MySQL fails the test instead of
// skipping it (CI sets both).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"heydoctor/internal/sqlstore"
)

// Clock is a settable clock for tests. The engines' background loops read it while a
// test moves it, so it is safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set stops the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Add moves the clock.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Each runs fn as a subtest once per available database, each with a fresh, migrated store.
func Each(t *testing.T, now func() time.Time, fn func(t *testing.T, s *sqlstore.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t, now)) })
	t.Run("mysql", func(t *testing.T) { fn(t, MySQL(t, now)) })
}

// SQLite returns a fresh, migrated SQLite store in a temporary directory.
func SQLite(tb testing.TB, now func() time.Time) *sqlstore.Store {
	tb.Helper()
	return open(tb, filepath.Join(tb.TempDir(), "test.db"), now)
}

// MySQLDSN creates a fresh database on the test MySQL server and returns its HEYDOCTOR_DB
// value; the database is dropped when the test ends. It skips (or fails, when
// HEYDOCTOR_TEST_REQUIRE_MYSQL=1) without a server.
func MySQLDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv("HEYDOCTOR_TEST_MYSQL_DSN")
	require := os.Getenv("HEYDOCTOR_TEST_REQUIRE_MYSQL") == "1"
	if dsn == "" {
		if require {
			tb.Fatal("HEYDOCTOR_TEST_REQUIRE_MYSQL=1 but HEYDOCTOR_TEST_MYSQL_DSN is not set")
		}
		tb.Skip("MySQL tests skipped: set HEYDOCTOR_TEST_MYSQL_DSN=mysql://root:@tcp(127.0.0.1:3306)/test to run them")
	}
	cfg, err := mysql.ParseDSN(strings.TrimPrefix(dsn, sqlstore.MySQLPrefix))
	if err != nil {
		tb.Fatalf("HEYDOCTOR_TEST_MYSQL_DSN: %v", err)
	}
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = admin.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if require {
			tb.Fatalf("MySQL required but unreachable: %v", err)
		}
		tb.Skipf("MySQL tests skipped: server unreachable: %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "heydoctor_t_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		admin.Exec("DROP DATABASE " + name)
		admin.Close()
	})
	cfg.DBName = name
	return sqlstore.MySQLPrefix + cfg.FormatDSN()
}

// MySQL returns a fresh, migrated store on its own MySQL database.
func MySQL(tb testing.TB, now func() time.Time) *sqlstore.Store {
	tb.Helper()
	return open(tb, MySQLDSN(tb), now)
}

func open(tb testing.TB, dsn string, now func() time.Time) *sqlstore.Store {
	tb.Helper()
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{Now: now})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return s
}
