package main

import (
	"context"
	"fmt"
)

func runBackup(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "backup", "backup [flags] DEST.db\n\nCopies the SQLite database online (VACUUM INTO) to DEST.db, a new file. For MySQL use mysqldump (deploy/README.md).")
	cfg, validate := bindStore(fs, env.getenv)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := validate(); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("backup needs exactly one destination file")
	}
	log := newLogger(cfg, env.stderr)
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "backed up to %s\n", fs.Arg(0))
	return nil
}
