package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"heydoctor"
)

// consoleBase is what every console page shows.
type consoleBase struct {
	Staff       *heydoctor.Staff
	CSRF        string
	Institution *heydoctor.Institution
	Nav         string
	Flash       string
	Error       string
}

func (s *Server) consoleBase(r *http.Request, nav string) (consoleBase, error) {
	st, csrf := currentStaff(r.Context())
	in, err := s.cfg.Booking.StaffInstitution(r.Context(), st)
	if err != nil {
		return consoleBase{}, err
	}
	ok, bad := currentFlash(r.Context())
	return consoleBase{Staff: st, CSRF: csrf, Institution: in, Nav: nav, Flash: ok, Error: bad}, nil
}

// writeFragment renders one template of a page alone, with its version in X-List-Version,
// for console.js to swap in when the list changed.
func (s *Server) writeFragment(w http.ResponseWriter, page, name string, data any, version string) error {
	var buf bytes.Buffer
	if err := s.pages.tmpl[page].ExecuteTemplate(&buf, name, data); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-List-Version", version)
	_, err := w.Write(buf.Bytes())
	return err
}

// consoleRedirectErr sends a refused form back to its page with the message; internal errors stay errors.
func (s *Server) consoleRedirectErr(w http.ResponseWriter, r *http.Request, back string, err error) error {
	if k := heydoctor.KindOf(err); k == heydoctor.Internal || k == heydoctor.Unavailable {
		return err
	}
	msg := heydoctor.MessageOf(err)
	if f := heydoctor.FieldOf(err); f != "" {
		msg = f + ": " + msg
	}
	s.redirectFlash(w, r, back, flashErr, msg)
	return nil
}

func formInt(r *http.Request, name string) (int, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, heydoctor.FieldError(name, "숫자를 적어 주세요")
	}
	return n, nil
}

func pathDate(r *http.Request) (heydoctor.Date, error) {
	d, err := heydoctor.ParseDate(r.PathValue("date"))
	if err != nil {
		return "", heydoctor.FieldError("date", "날짜 형식은 YYYY-MM-DD예요")
	}
	return d, nil
}

// refreshDirectory makes this replica show a staff edit at once; others follow within a poll.
func (s *Server) refreshDirectory(r *http.Request) {
	if err := s.cfg.Directory.Refresh(r.Context()); err != nil {
		s.log.Warn("directory refresh after staff edit", "err", err)
	}
}
