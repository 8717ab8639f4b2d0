package sqlstore

import (
	"context"
	"database/sql"
)

// prepared returns a statement prepared once per pool for a hot query (the chat's
// conversation read and write run on every KakaoTalk turn); database/sql re-prepares it
// on each connection as needed. Statements are closed with the store.
func (s *Store) prepared(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	key := query
	if db == s.rdb && db != s.wdb {
		key = "r:" + query
	}
	s.stmtMu.Lock()
	st, ok := s.stmts[key]
	s.stmtMu.Unlock()
	if ok {
		return st, nil
	}
	// Prepare without the lock: waiting for a connection while holding it would stall
	// every transaction that looks a statement up (preparedOnly).
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if prev, ok := s.stmts[key]; ok {
		st.Close() // another caller prepared it meanwhile
		return prev, nil
	}
	if s.stmts == nil {
		s.stmts = map[string]*sql.Stmt{}
	}
	s.stmts[key] = st
	return st, nil
}

// preparedOnly returns the pool's statement for query if it is prepared already, and
// otherwise notes the query for prepareMissed and returns nil.
func (s *Store) preparedOnly(db *sql.DB, query string) *sql.Stmt {
	key := query
	if db == s.rdb && db != s.wdb {
		key = "r:" + query
	}
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if st, ok := s.stmts[key]; ok {
		return st
	}
	if db == s.wdb {
		if s.missed == nil {
			s.missed = map[string]bool{}
		}
		s.missed[query] = true
	}
	return nil
}

// prepareMissed prepares on the write pool the statements preparedOnly was asked for,
// outside any transaction.
func (s *Store) prepareMissed(ctx context.Context) {
	s.stmtMu.Lock()
	var list []string
	for q := range s.missed {
		list = append(list, q)
	}
	s.missed = nil
	s.stmtMu.Unlock()
	for _, q := range list {
		s.prepared(ctx, s.wdb, q) // a failure only leaves the statement unprepared
	}
}

func (s *Store) closeStatements() {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = nil
}
