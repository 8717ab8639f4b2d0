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
	defer s.stmtMu.Unlock()
	if st, ok := s.stmts[key]; ok {
		return st, nil
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if s.stmts == nil {
		s.stmts = map[string]*sql.Stmt{}
	}
	s.stmts[key] = st
	return st, nil
}

func (s *Store) closeStatements() {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = nil
}
