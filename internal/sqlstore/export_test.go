package sqlstore

import "context"

// Exec runs a raw write, for tests that break a constraint on purpose.
func (s *Store) Exec(ctx context.Context, q string, args ...any) error {
	_, err := s.wdb.ExecContext(ctx, q, args...)
	return err
}

// UniqueViolation is the store's dialect's reading of a unique violation.
func (s *Store) UniqueViolation(err error) (string, bool) { return s.dialect.uniqueViolation(err) }

// Names of the unique constraints the store tells apart.
const (
	UniqueSeat        = uniqueSeat
	UniqueIdempotency = uniqueIdempotency
	UniqueCode        = uniqueCode
	UniquePatient     = uniquePatient
	UniqueActivePhone = uniqueActivePhone
)
