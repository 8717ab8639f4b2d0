package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"heydoctor"
	"heydoctor/internal/limit"
)

// Staff sessions.
const (
	sessionCookie = "hd_staff"
	sessionTTL    = 12 * time.Hour
)

type staffKey struct{}

type staffSession struct {
	staff *heydoctor.Staff
	csrf  string
	// flash and flashErr are the message the previous console form left for this page.
	flash, flashErr string
}

// currentFlash returns the message the previous console form left for this page.
func currentFlash(ctx context.Context) (ok, bad string) {
	s, _ := ctx.Value(staffKey{}).(*staffSession)
	if s == nil {
		return "", ""
	}
	return s.flash, s.flashErr
}

// currentStaff returns the logged-in account of a console request.
func currentStaff(ctx context.Context) (*heydoctor.Staff, string) {
	s, _ := ctx.Value(staffKey{}).(*staffSession)
	if s == nil {
		return nil, ""
	}
	return s.staff, s.csrf
}

func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// isHTTPS tells whether the client reached us over HTTPS (directly or via a trusted proxy).
func (s *Server) isHTTPS(r *http.Request) bool {
	_, https := resolveClient(r, s.cfg.TrustedProxies)
	return https
}

// requireStaff lets a request through only with a live session; pages go to the login
// form (and come back after it), the console API answers 401. Unsafe methods must carry
// the session's CSRF token (form field csrf or header X-CSRF-Token) and a same-origin Origin.
func (s *Server) requireStaff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		var se *heydoctor.Session
		var st *heydoctor.Staff
		if err == nil && len(c.Value) == 64 {
			se, st, err = s.cfg.Sessions.FindSession(r.Context(), hashToken(c.Value))
		} else {
			err = heydoctor.Errorf(heydoctor.Unauthorized, "로그인이 필요해요")
		}
		if err != nil {
			if heydoctor.KindOf(err) != heydoctor.Unauthorized {
				s.writeError(w, r, err)
				return
			}
			if isAPI(r) || r.Method != http.MethodGet {
				s.writeError(w, r, heydoctor.Errorf(heydoctor.Unauthorized, "로그인이 필요해요. 다시 로그인해 주세요."))
				return
			}
			http.Redirect(w, r, "/console/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !sameOrigin(r) {
				s.writeError(w, r, heydoctor.Errorf(heydoctor.Forbidden, "다른 사이트에서 온 요청은 받지 않아요"))
				return
			}
			token := r.Header.Get("X-CSRF-Token")
			if err := r.ParseForm(); err != nil && token == "" {
				if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
					s.writeError(w, r, errTooLarge)
					return
				}
			}
			if token == "" {
				token = r.PostFormValue("csrf")
			}
			if subtle.ConstantTimeCompare([]byte(token), []byte(se.CSRF)) != 1 {
				s.writeError(w, r, heydoctor.Errorf(heydoctor.Forbidden, "보안 토큰이 맞지 않아요. 페이지를 새로고침해 주세요."))
				return
			}
		}
		w.Header().Set("Cache-Control", "no-store")
		sess := &staffSession{staff: st, csrf: se.CSRF}
		if r.Method == http.MethodGet && !isAPI(r) {
			sess.flash, sess.flashErr = s.takeFlash(w, r, se.CSRF)
		}
		ctx := context.WithValue(r.Context(), staffKey{}, sess)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// sameOrigin accepts requests whose Origin (or Referer) is this host; browsers always send
// Origin on cross-site POSTs, so a missing one means a same-site form or a non-browser.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		origin = r.Header.Get("Referer")
	}
	if origin == "" || origin == "null" {
		return origin == ""
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// Login limits. Every attempt is reserved before the password is checked, so concurrent
// guesses cannot all slip past a count taken before any of them failed. A login is
// limited per login name and client address together, never per name alone, so that
// guesses from elsewhere cannot lock its owner out; a client address is limited across
// all names as well. Both back off: each time a key reaches its limit again it waits
// twice as long, up to a day. Per process: replicas multiply the limits, still far too
// slow to guess a password.
const (
	loginPerName    = 5
	loginPerAddr    = 30
	loginWindow     = 15 * time.Minute
	loginMaxBackoff = 24 * time.Hour
)

type loginLimits struct {
	byName, byAddr *limit.Limiter
}

func newLoginLimits(now func() time.Time) *loginLimits {
	return &loginLimits{
		byName: limit.New(loginPerName, loginWindow, now).WithBackoff(loginMaxBackoff),
		byAddr: limit.New(loginPerAddr, loginWindow, now).WithBackoff(loginMaxBackoff),
	}
}

func tooManyLogins(retry time.Duration) error {
	minutes := int((retry + time.Minute - 1) / time.Minute)
	if minutes < 1 {
		minutes = 1
	}
	when := fmt.Sprintf("%d분", minutes)
	if minutes >= 120 {
		when = fmt.Sprintf("%d시간", (minutes+59)/60)
	}
	return heydoctor.Errorf(heydoctor.TooMany, "로그인 시도가 너무 많아요. %s 뒤에 다시 시도해 주세요.", when)
}

// login checks credentials and opens a session; it returns the cookie to set.
func (s *Server) login(r *http.Request, login, password string) (*http.Cookie, error) {
	now := s.cfg.Now()
	addr := limit.AddrKey(clientIP(r))
	nameKey := strings.ToLower(login) + "\x00" + addr
	if ok, retry := s.logins.byAddr.Allow(addr); !ok {
		return nil, tooManyLogins(retry)
	}
	if ok, retry := s.logins.byName.Allow(nameKey); !ok {
		return nil, tooManyLogins(retry)
	}
	st, err := s.cfg.Sessions.FindStaffByLogin(r.Context(), login)
	if err != nil && heydoctor.KindOf(err) != heydoctor.NotFound {
		return nil, err
	}
	hash := ""
	if st != nil && !st.Disabled {
		hash = st.PasswordHash
	}
	if !s.checkPassword(hash, password) {
		return nil, heydoctor.FieldError("password", "아이디 또는 비밀번호가 맞지 않아요")
	}
	s.logins.byName.Reset(nameKey)
	token := randomHex(32)
	se := &heydoctor.Session{TokenHash: hashToken(token), StaffID: st.ID, CSRF: randomHex(32)[:43], CreatedAt: now, ExpiresAt: now.Add(sessionTTL)}
	if err := s.cfg.Sessions.CreateSession(r.Context(), se); err != nil {
		return nil, err
	}
	s.log.Info("staff login", "staff_id", st.ID, "institution_id", st.InstitutionID)
	return &http.Cookie{Name: sessionCookie, Value: token, Path: "/console", MaxAge: int(sessionTTL.Seconds()),
		HttpOnly: true, Secure: s.isHTTPS(r), SameSite: http.SameSiteStrictMode}, nil
}

// safeNext keeps post-login redirects on this site's console.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/console") && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\") {
		return next
	}
	return "/console"
}
