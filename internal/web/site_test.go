package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"heydoctor"
	"heydoctor/internal/app"
	"heydoctor/internal/demo"
	"heydoctor/internal/directory"
	"heydoctor/internal/sqlstore"
	"heydoctor/internal/sqlstore/storetest"
)

// siteNow is the tests' fixed clock: Wednesday 25 November 2026, 10:00 in Korea, a
// working day when the demo rooms take bookings.
var siteNow = time.Date(2026, 11, 25, 10, 0, 0, 0, heydoctor.KST)

// siteEnv is a real server on a real SQLite store with the demo seed.
type siteEnv struct {
	srv    *Server
	ts     *httptest.Server
	store  *sqlstore.Store
	dir    *directory.Directory
	clock  *storetest.Clock
	client *http.Client
}

// newSiteEnv builds the engines as `heydoctor serve` does (app.New), the server around
// them, and serves it over HTTP.
// Each option may change the engines' and the server's configuration before they are built.
func newSiteEnv(tb testing.TB, options ...func(*app.Config, *Config)) *siteEnv {
	tb.Helper()
	ctx := context.Background()
	clock := storetest.NewClock(siteNow)
	store := storetest.SQLite(tb, clock.Now)
	log := slog.New(slog.DiscardHandler)
	if err := demo.Load(ctx, store, log); err != nil {
		tb.Fatalf("demo seed: %v", err)
	}
	setDemoHours(tb, store)
	ac := app.Config{BaseURL: "http://example.test", KakaoSecret: "test-secret", Now: clock.Now, Logger: log}
	cfg := Config{Logger: log, Now: clock.Now, BaseURL: "http://example.test", PasswordCost: bcrypt.MinCost}
	for _, o := range options {
		o(&ac, &cfg)
	}
	a, err := app.New(ctx, ac, store)
	if err != nil {
		tb.Fatalf("engines: %v", err)
	}
	tb.Cleanup(a.Close)
	dir := a.Directory
	cfg.Directory, cfg.Sessions, cfg.Database, cfg.Triage, cfg.Chat, cfg.Booking, cfg.Queue, cfg.Kakao = dir, store, store, a.Triage, a.Chat, a.Booking, a.Queue, a.Kakao
	srv, err := NewServer(cfg)
	if err != nil {
		tb.Fatalf("NewServer: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	tb.Cleanup(ts.Close)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &siteEnv{srv: srv, ts: ts, store: store, dir: dir, clock: clock, client: client}
}

// get fetches path and returns the status and body.
func (e *siteEnv) get(tb testing.TB, path string) (int, string, http.Header) {
	tb.Helper()
	resp, err := e.client.Get(e.ts.URL + path)
	if err != nil {
		tb.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	return resp.StatusCode, string(b), resp.Header
}

// post submits a form and returns the status and body.
func (e *siteEnv) post(tb testing.TB, path string, form url.Values) (int, string, http.Header) {
	tb.Helper()
	resp, err := e.client.PostForm(e.ts.URL+path, form)
	if err != nil {
		tb.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	return resp.StatusCode, string(b), resp.Header
}

// mustContain fails unless body has every want.
func mustContain(tb testing.TB, body string, wants ...string) {
	tb.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			tb.Errorf("body lacks %q", w)
		}
	}
}

// mustNotContain fails if body has any of bad.
func mustNotContain(tb testing.TB, body string, bad ...string) {
	tb.Helper()
	for _, w := range bad {
		if strings.Contains(body, w) {
			tb.Errorf("body has %q", w)
		}
	}
}

// setDemoHours publishes hours for the demo-onboarded hospitals, which the Gyeonggi seed
// leaves unknown, matching their rooms' plan, so that "open now" finds them.
func setDemoHours(tb testing.TB, store *sqlstore.Store) {
	tb.Helper()
	ctx := context.Background()
	list, err := store.ListInstitutions(ctx, heydoctor.InstitutionFilter{Onboarded: true})
	if err != nil {
		tb.Fatalf("list onboarded: %v", err)
	}
	var h heydoctor.OpeningHours
	for d := range 5 {
		h.Day[d] = heydoctor.Span{Open: "0900", Close: "1800"}
	}
	h.Day[5] = heydoctor.Span{Open: "0900", Close: "1300"}
	for _, in := range list {
		if err := store.UpdateInstitutionHours(ctx, in.ID, h); err != nil {
			tb.Fatalf("set hours of %d: %v", in.ID, err)
		}
	}
}
