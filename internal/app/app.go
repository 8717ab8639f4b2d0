// Package app builds HeyDoctor's engines (the directory, triage, booking, check-in, the
// dialogue and the KakaoTalk skill), registers their metrics and runs their background
// loops. It is the one place they are put together: `heydoctor serve`, the benchmarks
// and the tests all build the service through New, so what a test exercises is what
// production runs.
//
// It stops short of the HTTP server (internal/web), so that web's own tests can build
// the engines here and the server around them without an import cycle.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"heydoctor"
	"heydoctor/internal/booking"
	"heydoctor/internal/chat"
	"heydoctor/internal/directory"
	"heydoctor/internal/hours"
	"heydoctor/internal/kakao"
	"heydoctor/internal/queue"
	"heydoctor/internal/triage"
)

// DirectoryPoll is how often each replica asks the database whether the directory
// changed: one small query when nothing did, the changed institutions when staff edited
// some, so that an edit shows on every replica within two seconds.
const DirectoryPoll = time.Second

// Store is the database as the engines use it; internal/sqlstore implements it.
type Store interface {
	directory.Store
	booking.Store
	booking.DeliveryStore
	queue.Store
	chat.Store
	// CountInstitutions and LastImport feed the directory metrics.
	CountInstitutions(ctx context.Context) (map[heydoctor.InstitutionKind]int, error)
	LastImport(ctx context.Context) (time.Time, error)
	// DeleteExpiredConversations drops conversations past their expiry.
	DeleteExpiredConversations(ctx context.Context) (int64, error)
}

// Config is what the engines are built from.
type Config struct {
	// BaseURL is the public URL of the site for links sent to KakaoTalk; "" takes it
	// from each request.
	BaseURL string
	// KakaoSecret and KakaoBotIDs guard /kakao/skill (empty: open to anyone, any bot).
	KakaoSecret string
	KakaoBotIDs []string
	// Limits are the booking limits (zero value: booking.DefaultLimits).
	Limits *booking.Limits
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger receives the engines' logs (default: discarded).
	Logger *slog.Logger
	// Registry receives the engines' metrics (default: a registry of their own).
	Registry *prometheus.Registry
}

// App is the running set of engines.
type App struct {
	Directory *directory.Directory
	Triage    *triage.Engine
	Booking   *booking.Service
	Queue     *queue.Service
	Chat      *chat.Engine
	// Kakao answers POST /kakao/skill.
	Kakao http.Handler
	// Dispatcher delivers webhooks.
	Dispatcher *booking.Dispatcher

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New loads the directory and the triage model, builds every engine on store, registers
// their metrics and starts their background loops (directory polling, webhook delivery,
// conversation expiry). Close stops the loops.
func New(ctx context.Context, cfg Config, store Store) (*App, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	log := cfg.Logger
	a := &App{}
	cal := hours.NewCalendar()
	a.Directory = directory.New(store, cal, log, cfg.Now)
	// The directory load reads the database and the triage model trains on the CPU: do
	// both at once, so a start takes the longer of the two.
	var dirErr error
	var loading sync.WaitGroup
	loading.Go(func() { dirErr = a.Directory.Refresh(ctx) })
	var err error
	a.Triage, err = triage.New()
	loading.Wait()
	if dirErr != nil {
		return nil, fmt.Errorf("load directory: %w", dirErr)
	}
	if err != nil {
		return nil, fmt.Errorf("load triage knowledge base: %w", err)
	}

	m, err := newMetrics(cfg.Registry, store, a)
	if err != nil {
		return nil, err
	}

	a.Booking = booking.NewService(store, cal, cfg.Now, log)
	limits := booking.DefaultLimits
	if cfg.Limits != nil {
		limits = *cfg.Limits
	}
	a.Booking.SetLimits(limits)
	a.Booking.OnTransition = func(status string) { m.transitions.WithLabelValues(status).Inc() }
	a.Queue = queue.NewService(store, a.Directory, cfg.Now, log)
	a.Dispatcher = booking.NewDispatcher(store, nil, log, cfg.Now)
	a.Dispatcher.OnDelivery = func(result string) { m.deliveries.WithLabelValues(result).Inc() }

	a.Chat = chat.NewEngine(a.Triage, a.Directory, a.Booking, store, cfg.BaseURL, cfg.Now, log)
	a.Chat.Queue = a.Queue
	a.Kakao = &kakao.Handler{Secret: cfg.KakaoSecret, BotIDs: cfg.KakaoBotIDs, Responder: a.Chat, Logger: log,
		OnLatency: func(d time.Duration) { m.skill.Observe(d.Seconds()) }}

	// Start-up (the directory load, training the triage model) leaves garbage several
	// times the size of what stays; hand it back before serving.
	debug.FreeOSMemory()

	bg, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	a.wg.Go(func() { a.Directory.Run(bg, DirectoryPoll) })
	a.wg.Go(func() { a.Dispatcher.Run(bg) })
	a.wg.Go(func() { sweepConversations(bg, store, log) })
	return a, nil
}

// Close stops the background loops and waits for them.
func (a *App) Close() {
	a.cancel()
	a.wg.Wait()
}

// sweepConversations deletes expired conversations (and with them any booking details
// typed into the chat) every few minutes.
func sweepConversations(ctx context.Context, store Store, log *slog.Logger) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := store.DeleteExpiredConversations(ctx); err != nil && ctx.Err() == nil {
				log.Warn("delete expired conversations", "err", err)
			}
		}
	}
}
