package web

import (
	"net/http"
	"strings"

	"heydoctor"
)

type loginPage struct {
	Next, Login, Error string
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "console_login", "직원 로그인", loginPage{Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	login := strings.TrimSpace(r.PostFormValue("login"))
	next := safeNext(r.PostFormValue("next"))
	cookie, err := s.login(r, login, r.PostFormValue("password"))
	if err != nil {
		k := heydoctor.KindOf(err)
		if k != heydoctor.Invalid && k != heydoctor.TooMany {
			return err
		}
		status := http.StatusUnauthorized
		if k == heydoctor.TooMany {
			status = http.StatusTooManyRequests
		}
		return s.render(w, r, status, "console_login", "직원 로그인", loginPage{Next: next, Login: login, Error: heydoctor.MessageOf(err)})
	}
	http.SetCookie(w, cookie)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.cfg.Sessions.DeleteSession(r.Context(), hashToken(c.Value)); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/console", MaxAge: -1, HttpOnly: true, Secure: s.isHTTPS(r), SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/console/login", http.StatusSeeOther)
	return nil
}
