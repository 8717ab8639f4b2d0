package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// Console flash messages (what a form just did, or why it was refused) travel from the
// POST to the page it redirects to in a short-lived cookie signed with the session's CSRF
// secret, never in the URL: a link cannot make the console show words of its author's
// choosing, and any replica can verify it because the secret is in the database.
const (
	flashCookie = "hd_flash"
	flashMaxAge = 60
	maxFlash    = 1000
)

// flash kinds.
const (
	flashOK  = "ok"
	flashErr = "err"
)

func flashMAC(secret, kind, msg string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(kind + "\x00" + msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// redirectFlash redirects a console form to back with a message for the next page.
func (s *Server) redirectFlash(w http.ResponseWriter, r *http.Request, back, kind, msg string) {
	_, secret := currentStaff(r.Context())
	if secret != "" && msg != "" {
		if len(msg) > maxFlash {
			msg = msg[:maxFlash]
		}
		v := kind + "." + base64.RawURLEncoding.EncodeToString([]byte(msg)) + "." + flashMAC(secret, kind, msg)
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: v, Path: "/console", MaxAge: flashMaxAge,
			HttpOnly: true, Secure: s.isHTTPS(r), SameSite: http.SameSiteStrictMode})
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// takeFlash reads and clears the flash cookie of a console page request; a cookie that
// was not signed with this session's secret is dropped unread.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request, secret string) (ok, bad string) {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return "", ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/console", MaxAge: -1,
		HttpOnly: true, Secure: s.isHTTPS(r), SameSite: http.SameSiteStrictMode})
	parts := strings.Split(c.Value, ".")
	if len(parts) != 3 {
		return "", ""
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", ""
	}
	kind, msg := parts[0], string(b)
	if !hmac.Equal([]byte(parts[2]), []byte(flashMAC(secret, kind, msg))) {
		return "", ""
	}
	if kind == flashErr {
		return "", msg
	}
	return msg, ""
}
