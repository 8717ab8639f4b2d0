package app_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"heydoctor"
	"heydoctor/internal/app"
	"heydoctor/internal/demo"
	"heydoctor/internal/sqlstore"
	"heydoctor/internal/sqlstore/storetest"
)

var _ app.Store = (*sqlstore.Store)(nil)

func TestNewBuildsTheEngines(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 11, 25, 10, 0, 0, 0, heydoctor.KST))
	store := storetest.SQLite(t, clock.Now)
	ctx := context.Background()
	if err := demo.Load(ctx, store, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	a, err := app.New(ctx, app.Config{Now: clock.Now, Registry: reg, KakaoSecret: "s"}, store)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.Directory.Len() == 0 || a.Triage == nil || a.Booking == nil || a.Queue == nil || a.Chat == nil || a.Kakao == nil || a.Dispatcher == nil {
		t.Fatalf("an engine is missing: %+v", a)
	}
	if a.Chat.Queue == nil {
		t.Error("the chat cannot offer same-day check-in")
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	series := map[string]int{}
	for _, f := range families {
		series[f.GetName()] = len(f.GetMetric())
	}
	for _, name := range []string{"heydoctor_reservation_transitions_total", "heydoctor_webhook_deliveries_total",
		"heydoctor_directory_institutions_loaded", "heydoctor_directory_institutions", "heydoctor_directory_last_import_timestamp_seconds"} {
		if series[name] == 0 {
			t.Errorf("metric %s has no series (have %v)", name, series)
		}
	}
	// A second set of engines on the same registry is refused, not a panic.
	if _, err := app.New(ctx, app.Config{Now: clock.Now, Registry: reg}, store); err == nil || !strings.Contains(err.Error(), "register") {
		t.Errorf("second New on one registry: %v", err)
	}
}
