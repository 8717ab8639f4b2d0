package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// Backup copies a SQLite database to a new file while the service keeps running
// (VACUUM INTO takes a consistent snapshot). MySQL is backed up with mysqldump.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if s.dialect.name != SQLite {
		return errors.New("backup: MySQL/MariaDB databases are backed up with mysqldump (see deploy/README.md)")
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new file", dest)
	}
	if _, err := s.wdb.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	return nil
}
