package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"heydoctor"
	"heydoctor/internal/booking"
)

type consoleRow struct {
	ID       int64
	Time     string
	End      string
	Doctor   string
	Name     string
	Phone    string
	Note     string
	Status   string
	Label    string
	Channel  string
	Actions  []string
	Upcoming bool
}

type dayPage struct {
	consoleBase
	Date, Prev, Next, Today string
	Doctor                  int64
	Doctors                 []*heydoctor.Doctor
	Rows                    []consoleRow
	Requested               int
	Version                 string
	ActionLabels            map[string]string
}

// actionsFor lists what staff may do next with a reservation.
func actionsFor(r *heydoctor.Reservation) []string {
	switch r.Status {
	case heydoctor.StatusRequested:
		return []string{"confirm", "reject", "cancel"}
	case heydoctor.StatusConfirmed:
		return []string{"attended", "no_show", "cancel"}
	}
	return nil
}

var actionLabels = map[string]string{"confirm": "확정", "reject": "거절", "attended": "방문 완료", "no_show": "미방문", "cancel": "취소"}

func (s *Server) dayData(r *http.Request) (*dayPage, error) {
	base, err := s.consoleBase(r, "day")
	if err != nil {
		return nil, err
	}
	today := heydoctor.DateOf(s.cfg.Now())
	day := today
	if v := r.URL.Query().Get("date"); v != "" {
		if day, err = heydoctor.ParseDate(v); err != nil {
			return nil, heydoctor.FieldError("date", "날짜 형식은 YYYY-MM-DD예요")
		}
	}
	p := &dayPage{consoleBase: base, Date: string(day), Prev: string(day.AddDays(-1)), Next: string(day.AddDays(1)), Today: string(today), ActionLabels: actionLabels}
	p.Doctor, _ = strconv.ParseInt(r.URL.Query().Get("doctor"), 10, 64)
	if p.Doctors, err = s.cfg.Booking.Doctors(r.Context(), base.Staff); err != nil {
		return nil, err
	}
	list, err := s.cfg.Booking.DayList(r.Context(), base.Staff, day, nil)
	if err != nil {
		return nil, err
	}
	var version strings.Builder
	for _, res := range list {
		if p.Doctor != 0 && res.DoctorID != p.Doctor {
			continue
		}
		row := consoleRow{ID: res.ID, Time: res.Start.In(heydoctor.KST).Format("15:04"), End: res.End.In(heydoctor.KST).Format("15:04"),
			Status: string(res.Status), Label: res.Status.Label(), Channel: string(res.Channel), Note: res.Note, Actions: actionsFor(res)}
		if res.Doctor != nil {
			row.Doctor = res.Doctor.Name
		}
		if res.Patient != nil {
			row.Name, row.Phone = res.Patient.Name, booking.FormatPhone(res.Patient.Phone)
		}
		if res.Status == heydoctor.StatusRequested {
			p.Requested++
		}
		p.Rows = append(p.Rows, row)
		fmt.Fprintf(&version, "%d:%s:%d;", res.ID, res.Status, res.Sequence)
	}
	p.Version = hashToken(version.String())[:16]
	return p, nil
}

// handleConsoleDay is the reception's day view; ?partial=1 returns only the list, which
// console.js fetches every few seconds so new requests appear without a reload.
func (s *Server) handleConsoleDay(w http.ResponseWriter, r *http.Request) error {
	p, err := s.dayData(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("partial") == "1" {
		return s.writeFragment(w, "console", "list", p, p.Version)
	}
	return s.render(w, r, http.StatusOK, "console", "예약 관리", p)
}

func (s *Server) handleConsoleAction(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	action := r.PathValue("action")
	back := "/console?date=" + url.QueryEscape(r.PostFormValue("date"))
	if d := r.PostFormValue("doctor"); d != "" && d != "0" {
		back += "&doctor=" + url.QueryEscape(d)
	}
	var res *heydoctor.Reservation
	if action == "reschedule" {
		start, perr := time.ParseInLocation("2006-01-02T15:04", r.PostFormValue("start"), heydoctor.KST)
		if perr != nil {
			err = heydoctor.FieldError("start", "새 시간을 YYYY-MM-DDTHH:MM으로 적어 주세요")
		} else {
			res, err = s.cfg.Booking.RescheduleByStaff(r.Context(), st, id, start)
		}
	} else {
		res, err = s.cfg.Booking.Transition(r.Context(), st, id, booking.Action(action), r.PostFormValue("reason"))
	}
	if err != nil {
		if k := heydoctor.KindOf(err); k == heydoctor.Internal || k == heydoctor.Unavailable {
			return err
		}
		s.redirectFlash(w, r, back, flashErr, heydoctor.MessageOf(err))
		return nil
	}
	msg := fmt.Sprintf("%s %s님 예약: %s", res.Start.In(heydoctor.KST).Format("15:04"), patientName(res), res.Status.Label())
	s.redirectFlash(w, r, back, flashOK, msg)
	return nil
}

func patientName(r *heydoctor.Reservation) string {
	if r.Patient != nil {
		return r.Patient.Name
	}
	return ""
}

func (s *Server) handleAPIConsoleReservations(w http.ResponseWriter, r *http.Request) error {
	p, err := s.dayData(r)
	if err != nil {
		return err
	}
	return encode(w, http.StatusOK, map[string]any{"date": p.Date, "version": p.Version, "requested": p.Requested, "items": p.Rows})
}

type actionJSON struct {
	Reason string `json:"reason"`
}

func (s *Server) handleAPIConsoleAction(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req actionJSON
	if r.ContentLength != 0 {
		if req, err = decode[actionJSON](w, r); err != nil {
			return err
		}
	}
	res, err := s.cfg.Booking.Transition(r.Context(), st, id, booking.Action(r.PathValue("action")), req.Reason)
	if err != nil {
		return err
	}
	return encode(w, http.StatusOK, toReservationJSON(res))
}

func (s *Server) handleAPIConsoleReschedule(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	req, err := decode[rescheduleJSON](w, r)
	if err != nil {
		return err
	}
	start, _ := time.Parse(time.RFC3339, req.Start)
	res, err := s.cfg.Booking.RescheduleByStaff(r.Context(), st, id, start)
	if err != nil {
		return conflictWithAlternatives(w, err)
	}
	return encode(w, http.StatusOK, toReservationJSON(res))
}
