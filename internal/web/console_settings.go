package web

import (
	"fmt"
	"net/http"
	"strings"

	"heydoctor"
	"heydoctor/internal/hours"
)

type settingsPage struct {
	consoleBase
	Closures []heydoctor.Closure
	Days     []dayHoursJSON
}

func (s *Server) handleConsoleSettings(w http.ResponseWriter, r *http.Request) error {
	base, err := s.consoleBase(r, "settings")
	if err != nil {
		return err
	}
	p := settingsPage{consoleBase: base, Days: weekRows(base.Institution.Hours, -1)}
	if p.Closures, err = s.cfg.Booking.Closures(r.Context(), base.Staff, heydoctor.DateOf(s.cfg.Now())); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "console_settings", "휴진·진료시간", p)
}

func (s *Server) handleConsoleClosure(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	day, err := heydoctor.ParseDate(r.PostFormValue("date"))
	if err != nil {
		return s.consoleRedirectErr(w, r, "/console/settings", heydoctor.FieldError("date", "날짜를 골라 주세요"))
	}
	if r.PostFormValue("delete") == "1" {
		err = s.cfg.Booking.DeleteClosure(r.Context(), st, day)
	} else {
		c := heydoctor.Closure{InstitutionID: st.InstitutionID, Date: day, Note: r.PostFormValue("note")}
		if h := strings.TrimSpace(r.PostFormValue("hours")); h != "" {
			if c.Hours, err = hours.ParseSpan(h); err != nil {
				return s.consoleRedirectErr(w, r, "/console/settings", heydoctor.FieldError("hours", "0900-1300처럼 적어 주세요"))
			}
		}
		err = s.cfg.Booking.SetClosure(r.Context(), st, c)
	}
	if err != nil {
		return s.consoleRedirectErr(w, r, "/console/settings", err)
	}
	s.refreshDirectory(r)
	s.redirectFlash(w, r, "/console/settings", flashOK, "저장했어요")
	return nil
}

func (s *Server) handleConsoleHours(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	var h heydoctor.OpeningHours
	for i := range h.Day {
		h.Day[i] = heydoctor.Span{Open: strings.TrimSpace(r.PostFormValue(fmt.Sprintf("open%d", i))), Close: strings.TrimSpace(r.PostFormValue(fmt.Sprintf("close%d", i)))}
	}
	if err := s.cfg.Booking.UpdateHours(r.Context(), st, h); err != nil {
		return s.consoleRedirectErr(w, r, "/console/settings", err)
	}
	s.refreshDirectory(r)
	s.redirectFlash(w, r, "/console/settings", flashOK, "진료시간을 저장했어요")
	return nil
}

type closureJSON struct {
	Open  string `json:"open"`
	Close string `json:"close"`
	Note  string `json:"note"`
}

func (s *Server) handleAPIPutClosure(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	day, err := pathDate(r)
	if err != nil {
		return err
	}
	in, err := decode[closureJSON](w, r)
	if err != nil {
		return err
	}
	c := heydoctor.Closure{InstitutionID: st.InstitutionID, Date: day, Hours: heydoctor.Span{Open: in.Open, Close: in.Close}, Note: in.Note}
	if err := s.cfg.Booking.SetClosure(r.Context(), st, c); err != nil {
		return err
	}
	s.refreshDirectory(r)
	return encode(w, http.StatusOK, in)
}

func (s *Server) handleAPIDeleteClosure(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	day, err := pathDate(r)
	if err != nil {
		return err
	}
	if err := s.cfg.Booking.DeleteClosure(r.Context(), st, day); err != nil {
		return err
	}
	s.refreshDirectory(r)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type hoursJSON struct {
	// Days are Monday..Sunday and public holidays, as HHMM open/close pairs; empty is closed.
	Days [8]heydoctor.Span `json:"days"`
}

func (s *Server) handleAPIPutHours(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	in, err := decode[hoursJSON](w, r)
	if err != nil {
		return err
	}
	if err := s.cfg.Booking.UpdateHours(r.Context(), st, heydoctor.OpeningHours{Day: in.Days}); err != nil {
		return err
	}
	s.refreshDirectory(r)
	return encode(w, http.StatusOK, in)
}
