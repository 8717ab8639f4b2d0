// Package web serves HeyDoctor over HTTP: the website, the JSON API, the staff console
// and the KakaoTalk skill endpoint. routes.go lists every URL.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"heydoctor"
	"heydoctor/internal/booking"
	"heydoctor/internal/chat"
	"heydoctor/internal/directory"
	"heydoctor/internal/queue"
	"heydoctor/internal/triage"
)

// Config is what the web layer is built from; run wires it.
type Config struct {
	Logger         *slog.Logger
	Registry       *prometheus.Registry
	TrustedProxies []netip.Prefix
	BaseURL        string
	KakaoJSKey     string
	Now            func() time.Time

	// Ready reports whether the service can serve; by default, the Database answers and
	// its schema is this binary's.
	Ready func(context.Context) error
	// Database is what Ready asks by default.
	Database Database
	// Kakao handles POST /kakao/skill.
	Kakao http.Handler
	// Directory answers nearby and open-now searches from memory.
	Directory *directory.Directory
	// Sessions keeps the staff console's accounts and sessions.
	Sessions Sessions
	// Triage analyses symptom descriptions.
	Triage *triage.Engine
	// Chat answers the web chat (the same engine as KakaoTalk).
	Chat Responder
	// Booking takes and manages reservations.
	Booking *booking.Service
	// Queue runs same-day check-in (모바일 접수).
	Queue *queue.Service
	// PasswordCost is the bcrypt cost of staff passwords (default PasswordCost).
	PasswordCost int
}

// Sessions is where staff accounts and their console sessions are kept; internal/sqlstore
// implements it. Everything else the handlers read or change goes through the services.
type Sessions interface {
	FindStaffByLogin(ctx context.Context, login string) (*heydoctor.Staff, error)
	CreateSession(ctx context.Context, se *heydoctor.Session) error
	// FindSession returns a live session and its live staff account, Unauthorized otherwise.
	FindSession(ctx context.Context, tokenHash string) (*heydoctor.Session, *heydoctor.Staff, error)
	DeleteSession(ctx context.Context, tokenHash string) error
}

// Database is the state /readyz reports by default; internal/sqlstore implements it.
type Database interface {
	Ping(ctx context.Context) error
	// CheckSchema fails when the schema is not this binary's.
	CheckSchema(ctx context.Context) error
}

// Responder answers one chat turn.
type Responder interface {
	Respond(ctx context.Context, in chat.Input) (chat.Reply, error)
}

// Server is HeyDoctor's HTTP server.
type Server struct {
	cfg     Config
	log     *slog.Logger
	metrics *Metrics
	pages   *pages
	handler http.Handler
	// patterns lists every registered route pattern, in registration order.
	patterns []string
	srv      *http.Server
	ln       net.Listener
	logins   *loginLimits

	dummyOnce sync.Once
	dummyHash string
}

// NewServer builds the server and its routes.
func NewServer(cfg Config) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.PasswordCost == 0 {
		cfg.PasswordCost = PasswordCost
	}
	if cfg.Ready == nil && cfg.Database != nil {
		db := cfg.Database
		cfg.Ready = func(ctx context.Context) error {
			if err := db.Ping(ctx); err != nil {
				return err
			}
			return db.CheckSchema(ctx)
		}
	}
	p, err := newPages()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, metrics: NewMetrics(cfg.Registry), pages: p, logins: newLoginLimits(cfg.Now)}
	s.handler = s.instrument(s.routes())
	return s, nil
}

// Handler returns the whole HTTP surface, for tests and for a TLS front.
func (s *Server) Handler() http.Handler { return s.handler }

// Listen binds addr (":0" picks a free port); Addr then tells which.
func (s *Server) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.ln = ln
	return nil
}

// Addr is the bound address after Listen.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// HTTPServer returns an http.Server for the handler with HeyDoctor's timeouts.
func (s *Server) HTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// Serve serves on the listener until ctx is done, then shuts down gracefully within
// shutdownTimeout. serveFn lets the caller serve TLS instead.
func (s *Server) Serve(ctx context.Context, shutdownTimeout time.Duration, serveFn func(*http.Server, net.Listener) error) error {
	s.srv = s.HTTPServer(s.handler)
	if serveFn == nil {
		serveFn = (*http.Server).Serve
	}
	errc := make(chan error, 1)
	go func() { errc <- serveFn(s.srv, s.ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := s.srv.Shutdown(sctx); err != nil {
		return err
	}
	return nil
}

// isAPI tells whether a request wants JSON errors.
func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/kakao/") ||
		strings.HasPrefix(r.URL.Path, "/console/api/")
}

// writeError renders err in the format of the surface: JSON under /api/, a page elsewhere.
// Internal details go to the log only.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := httpStatus(err)
	if status >= 500 {
		s.log.Error("request failed", "request_id", requestID(r.Context()), "route", r.Pattern, "err", err)
	} else {
		s.log.Debug("request refused", "request_id", requestID(r.Context()), "route", r.Pattern, "status", status, "err", err)
	}
	msg := heydoctor.MessageOf(err)
	if status == http.StatusRequestEntityTooLarge {
		msg = "요청 본문이 너무 큽니다"
	}
	if isAPI(r) {
		var body apiError
		body.Error.Code = heydoctor.KindOf(err).String()
		if status == http.StatusRequestEntityTooLarge {
			body.Error.Code = "too_large"
		}
		body.Error.Message = msg
		body.Error.Field = heydoctor.FieldOf(err)
		encode(w, status, body)
		return
	}
	s.renderError(w, r, status, msg)
}

// api adapts a handler that returns an error into an http.Handler for the JSON API. A
// body announced larger than any route takes is refused before the handler runs.
func (s *Server) api(fn func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxJSONBody {
			w.Header().Set("Connection", "close")
			s.writeError(w, r, errTooLarge)
			return
		}
		if err := fn(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// page adapts a page handler the same way, rendering errors as pages.
func (s *Server) page(fn func(http.ResponseWriter, *http.Request) error) http.Handler {
	return s.api(fn)
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) error {
	return encode(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.cfg.Ready(ctx); err != nil {
			s.log.Warn("not ready", "err", err)
			return encode(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": heydoctor.MessageOf(err)})
		}
	}
	return encode(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{Registry: s.cfg.Registry})
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) error {
	return heydoctor.Errorf(heydoctor.NotFound, "페이지를 찾을 수 없습니다")
}
