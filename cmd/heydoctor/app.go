package main

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
	"heydoctor/internal/demo"
	"heydoctor/internal/directory"
	"heydoctor/internal/hours"
	"heydoctor/internal/kakao"
	"heydoctor/internal/queue"
	"heydoctor/internal/sqlstore"
	"heydoctor/internal/triage"
	"heydoctor/internal/web"
)

// directoryPoll is how often each replica asks the database whether the directory
// changed: one small query when nothing did, the changed institutions when staff edited
// some, so that an edit shows on every replica within two seconds.
const directoryPoll = time.Second

// app holds the engines built once in serve and the background loops they run.
type app struct {
	dir     *directory.Directory
	triage  *triage.Engine
	booking *booking.Service
	queue   *queue.Service
	chat    *chat.Engine
	kakao   http.Handler
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

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

// buildApp makes the directory, triage, chat, booking and Kakao engines and starts
// their background loops.
func buildApp(ctx context.Context, cfg *config, store *sqlstore.Store, log *slog.Logger, reg *prometheus.Registry) (*app, error) {
	a := &app{}
	cal := hours.NewCalendar()
	a.dir = directory.New(store, cal, log, time.Now)
	// The directory load reads the database and the triage model trains on the CPU: do
	// both at once, so a start takes the longer of the two.
	var dirErr error
	var loading sync.WaitGroup
	loading.Go(func() { dirErr = a.dir.Refresh(ctx) })
	var err error
	a.triage, err = triage.New()
	loading.Wait()
	if dirErr != nil {
		return nil, fmt.Errorf("load directory: %w", dirErr)
	}
	if err != nil {
		return nil, fmt.Errorf("load triage knowledge base: %w", err)
	}

	transitions := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "heydoctor_reservation_transitions_total", Help: "Reservation state changes by new status.",
	}, []string{"status"})
	deliveries := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "heydoctor_webhook_deliveries_total", Help: "Webhook delivery attempts by result.",
	}, []string{"result"})
	skill := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "heydoctor_kakao_skill_duration_seconds", Help: "Time to answer a Kakao skill request (Kakao gives up at 5 s).",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2, 3, 4, 5},
	})
	reg.MustRegister(transitions, deliveries, skill)
	for _, st := range []heydoctor.ReservationStatus{heydoctor.StatusRequested, heydoctor.StatusConfirmed, heydoctor.StatusAttended,
		heydoctor.StatusNoShow, heydoctor.StatusCancelled, heydoctor.StatusRejected} {
		transitions.WithLabelValues(string(st))
	}
	for _, r := range []string{"delivered", "retry", "failed"} {
		deliveries.WithLabelValues(r)
	}

	a.booking = booking.NewService(store, cal, time.Now, log)
	limits := booking.DefaultLimits
	limits.AddrPerHour = cfg.bookingsPerAddr
	a.booking.SetLimits(limits)
	a.booking.OnTransition = func(status string) { transitions.WithLabelValues(status).Inc() }
	a.queue = queue.NewService(store, a.dir, time.Now, log)
	dispatcher := booking.NewDispatcher(store, nil, log, time.Now)
	dispatcher.OnDelivery = func(result string) { deliveries.WithLabelValues(result).Inc() }

	a.chat = chat.NewEngine(a.triage, a.dir, a.booking, store, cfg.BaseURL, time.Now, log)
	a.chat.Queue = a.queue
	a.kakao = &kakao.Handler{Secret: cfg.KakaoSecret, BotIDs: cfg.botIDs(), Responder: a.chat, Logger: log,
		OnLatency: func(d time.Duration) { skill.Observe(d.Seconds()) }}
	institutions := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "heydoctor_directory_institutions_loaded", Help: "Institutions in the in-memory nearby index.",
	}, func() float64 { return float64(a.dir.Len()) })
	reg.MustRegister(institutions, newDirectoryCollector(store))

	// Start-up (seeding, the directory load, training the triage model) leaves garbage
	// several times the size of what stays; hand it back before serving.
	debug.FreeOSMemory()

	bg, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	a.goRun(func() { a.dir.Run(bg, directoryPoll) })
	a.goRun(func() { dispatcher.Run(bg) })
	a.goRun(func() { sweepConversations(bg, store, log) })
	return a, nil
}

func (a *app) goRun(fn func()) {
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		fn()
	}()
}

func (a *app) close() {
	a.cancel()
	a.wg.Wait()
}

func (a *app) webConfig(cfg *config, log *slog.Logger, reg *prometheus.Registry, store *sqlstore.Store) web.Config {
	return web.Config{
		Logger:         log,
		Registry:       reg,
		TrustedProxies: cfg.proxies,
		BaseURL:        cfg.BaseURL,
		KakaoJSKey:     cfg.KakaoJSKey,
		Kakao:          a.kakao,
		Directory:      a.dir,
		Store:          store,
		Triage:         a.triage,
		Chat:           a.chat,
		Booking:        a.booking,
		Queue:          a.queue,
	}
}

// directoryCollector exports directory counts and import freshness from the database at
// scrape time, so every replica reports the shared truth.
type directoryCollector struct {
	store     *sqlstore.Store
	countDesc *prometheus.Desc
	lastDesc  *prometheus.Desc
}

func newDirectoryCollector(store *sqlstore.Store) *directoryCollector {
	return &directoryCollector{
		store:     store,
		countDesc: prometheus.NewDesc("heydoctor_directory_institutions", "Operating institutions in the directory by kind.", []string{"kind"}, nil),
		lastDesc:  prometheus.NewDesc("heydoctor_directory_last_import_timestamp_seconds", "When public data was last imported (Unix time; 0 if never).", nil, nil),
	}
}

func (c *directoryCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.countDesc
	ch <- c.lastDesc
}

func (c *directoryCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if counts, err := c.store.CountInstitutions(ctx); err == nil {
		for _, k := range []heydoctor.InstitutionKind{heydoctor.KindHospital, heydoctor.KindClinic, heydoctor.KindPharmacy} {
			ch <- prometheus.MustNewConstMetric(c.countDesc, prometheus.GaugeValue, float64(counts[k]), string(k))
		}
	}
	if t, err := c.store.LastImport(ctx); err == nil {
		v := 0.0
		if !t.IsZero() {
			v = float64(t.Unix())
		}
		ch <- prometheus.MustNewConstMetric(c.lastDesc, prometheus.GaugeValue, v)
	}
}

// sweepConversations deletes expired conversations (and with them any booking details
// typed into the chat) every few minutes.
func sweepConversations(ctx context.Context, store *sqlstore.Store, log *slog.Logger) {
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

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
