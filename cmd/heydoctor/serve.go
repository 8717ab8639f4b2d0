package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"heydoctor"
	"heydoctor/internal/app"
	"heydoctor/internal/sqlstore"
	"heydoctor/internal/web"
)

// runServe is the composition root: config → logger → database → metrics → engines → server.
func runServe(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "serve", "serve [flags]")
	cfg, validate := bindServe(fs, env.getenv)
	printConfig := fs.Bool("print-config", false, "print the configuration with secrets redacted and exit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := validate(); err != nil {
		return err
	}
	if *printConfig {
		cfg.print(env.stdout)
		return nil
	}
	log := newLogger(&cfg.storeConfig, env.stderr)

	store, err := openStore(ctx, &cfg.storeConfig, log)
	if err != nil {
		return err
	}
	defer store.Close()

	if err := loadSeed(ctx, cfg.Seed, store, log); err != nil {
		return fmt.Errorf("load %s seed: %w", cfg.Seed, err)
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(store.DB(), "main"),
	)
	buildInfo := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "heydoctor_build_info", Help: "Build version."}, []string{"version"})
	buildInfo.WithLabelValues(heydoctor.Version).Set(1)
	reg.MustRegister(buildInfo)

	engines, err := app.New(ctx, appConfig(cfg, log, reg), store)
	if err != nil {
		return err
	}
	defer engines.Close()
	// Once started, what stays is the directory and the triage model (about 70 MB of heap
	// for the whole country): collect before the heap doubles that, rather than let a
	// replica's memory drift up to twice its need. GOMEMLIMIT, when set, wins.
	if env.getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(128 << 20))
	}

	srv, err := web.NewServer(webConfig(cfg, engines, store, log, reg))
	if err != nil {
		return err
	}
	if cfg.KakaoSecret == "" {
		log.Warn("HEYDOCTOR_KAKAO_SECRET is not set: /kakao/skill accepts requests from anyone")
	}
	return serveHTTP(ctx, cfg, srv, log, env)
}

// openStore connects and migrates, with messages a person starting the service can act on.
func openStore(ctx context.Context, cfg *storeConfig, log *slog.Logger) (*sqlstore.Store, error) {
	octx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	store, err := sqlstore.Open(octx, cfg.DB, sqlstore.Options{})
	if err != nil {
		return nil, fmt.Errorf("database %s unreachable: %w", sqlstore.RedactDSN(cfg.DB), errors.Unwrap(err))
	}
	n, err := store.Migrate(octx)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	if n > 0 {
		log.Info("database migrated", "dialect", store.Dialect(), "applied", n, "version", store.LatestVersion())
	}
	return store, nil
}

func runMigrate(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "migrate", "migrate [flags]")
	cfg, validate := bindStore(fs, env.getenv)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := validate(); err != nil {
		return err
	}
	log := newLogger(cfg, env.stderr)
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Fprintf(env.stdout, "database at schema version %d (%s)\n", store.LatestVersion(), store.Dialect())
	return nil
}
