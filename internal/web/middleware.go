package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"heydoctor"
	"heydoctor/internal/chat"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	clientIPKey
)

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush lets server-sent events through the wrapper.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// requestID returns the id of the request, for logs and error pages.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// clientIP returns the client address after trusted-proxy resolution.
func clientIP(r *http.Request) string {
	ip, _ := r.Context().Value(clientIPKey).(string)
	return ip
}

// randomHex returns n random bytes in hex: request ids, chat sessions, session and
// CSRF tokens, form idempotency keys.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// plainToken reports whether s is minLen to maxLen letters, digits, '-' or '_': what an
// id that came from a client (an upstream request id, a chat session) may look like.
func plainToken(s string, minLen, maxLen int) bool {
	if len(s) < minLen || len(s) > maxLen {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// resolveClient finds the real client address: the peer, unless the peer is a trusted
// proxy, in which case X-Forwarded-For is walked from the right, skipping trusted hops.
// It also says whether the original request came over HTTPS.
func resolveClient(r *http.Request, trusted []netip.Prefix) (ip string, https bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	https = r.TLS != nil
	peer, err := netip.ParseAddr(host)
	if err != nil || !isTrusted(peer, trusted) {
		return host, https
	}
	if proto := r.Header.Get("X-Forwarded-Proto"); proto != "" {
		https = strings.EqualFold(strings.TrimSpace(proto), "https")
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	client := host
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		client = a.String()
		if !isTrusted(a, trusted) {
			break
		}
	}
	return client, https
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	a = a.Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// instrument wraps the whole mux: request id, client address, security headers, panic
// recovery, metrics by route pattern and the access log.
func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		// An upstream id (from nginx) is kept only when it is short and plain.
		if !plainToken(id, 1, 64) {
			id = randomHex(8)
		}
		ip, https := resolveClient(r, s.cfg.TrustedProxies)
		ctx := context.WithValue(context.WithValue(r.Context(), requestIDKey, id), clientIPKey, ip)
		if s.cfg.BaseURL == "" {
			ctx = chat.WithBaseURL(ctx, requestBase(r, https))
		}
		r = r.WithContext(ctx)

		h := w.Header()
		h.Set("X-Request-Id", id)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
		if https {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}

		sw := &statusWriter{ResponseWriter: w}
		s.metrics.inflight.Inc()
		defer func() {
			s.metrics.inflight.Dec()
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "request_id", id, "route", r.Pattern, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if sw.status == 0 {
					s.writeError(sw, r, heydoctor.Errorf(heydoctor.Internal, "internal"))
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			d := time.Since(start)
			s.metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(status)).Inc()
			s.metrics.duration.WithLabelValues(route, r.Method).Observe(d.Seconds())
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelWarn
			}
			// The access log carries no query strings or bodies: they may hold health details.
			s.log.Log(r.Context(), level, "request", "method", r.Method, "route", route, "status", status,
				"duration_ms", float64(d.Microseconds())/1000, "bytes", sw.bytes, "remote", ip, "request_id", id)
		}()
		next.ServeHTTP(sw, r)
	})
}

// limitBody bounds request bodies for a group of routes; an oversized one is answered
// 413 in the format of its surface (a page, or JSON under /api/).
func (s *Server) limitBody(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > n {
			w.Header().Set("Connection", "close")
			s.writeError(w, r, errTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}

// requestBase is the public URL a request came in on, for links when no base URL is
// configured: the scheme as resolveClient found it (a trusted proxy's X-Forwarded-Proto)
// and the Host header, which nginx passes on. A Host that is not a plain host[:port]
// gives "", and replies then carry no links rather than a forged one.
func requestBase(r *http.Request, https bool) string {
	host := r.Host
	if host == "" || len(host) > 255 || strings.Trim(strings.ToLower(host), "abcdefghijklmnopqrstuvwxyz0123456789.-:[]") != "" {
		return ""
	}
	if https {
		return "https://" + host
	}
	return "http://" + host
}

// baseURL is the site's public URL for links: the configured one, else the request's.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/")
	}
	return chat.BaseURLFrom(r.Context())
}
