package main

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"heydoctor/internal/app"
	"heydoctor/internal/booking"
	"heydoctor/internal/demo"
	"heydoctor/internal/sqlstore"
	"heydoctor/internal/web"
)

// loadSeed fills an empty database as HEYDOCTOR_SEED says; a database with institutions
// is left alone.
func loadSeed(ctx context.Context, seed string, store *sqlstore.Store, log *slog.Logger) error {
	switch seed {
	case "national":
		return demo.LoadNational(ctx, store, log)
	case "demo":
		return demo.Load(ctx, store, log)
	}
	return nil
}

// appConfig is the engines' part of the service's configuration.
func appConfig(cfg *config, log *slog.Logger, reg *prometheus.Registry) app.Config {
	limits := booking.DefaultLimits
	limits.AddrPerHour = cfg.bookingsPerAddr
	return app.Config{BaseURL: cfg.BaseURL, KakaoSecret: cfg.KakaoSecret, KakaoBotIDs: cfg.botIDs(),
		Limits: &limits, Logger: log, Registry: reg}
}

// webConfig is the HTTP server's configuration around the engines of a.
func webConfig(cfg *config, a *app.App, store *sqlstore.Store, log *slog.Logger, reg *prometheus.Registry) web.Config {
	return web.Config{
		Logger:         log,
		Registry:       reg,
		TrustedProxies: cfg.proxies,
		BaseURL:        cfg.BaseURL,
		KakaoJSKey:     cfg.KakaoJSKey,
		Kakao:          a.Kakao,
		Directory:      a.Directory,
		Sessions:       store,
		Database:       store,
		Triage:         a.Triage,
		Chat:           a.Chat,
		Booking:        a.Booking,
		Queue:          a.Queue,
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
