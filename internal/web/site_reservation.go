package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"heydoctor"
	"heydoctor/internal/booking"
	"heydoctor/internal/paths"
)

type siteLookupForm struct {
	Code, Phone string
}

type siteLookupPage struct {
	Form   siteLookupForm
	Errors siteFieldErrors
}

type siteReservationPage struct {
	R          *heydoctor.Reservation
	Code       string
	Phone      string // normalised digits, carried in hidden fields (never in a URL)
	Just       bool   // just booked: the confirmation
	Message    string // what just happened
	StatusText string
	StatusNote string
	StatusCls  string
	When       string
	Place      string
	Address    string
	Tel        template.URL
	Doctor     string
	Demo       bool
	Active     bool
	Days       []siteDay
	Date       string
	Slots      []siteSlot
	Errors     siteFieldErrors
}

// siteStatusWords says where a reservation is, in words and with a shape, never colour alone.
func siteStatusWords(st heydoctor.ReservationStatus) (text, note, class string) {
	switch st {
	case heydoctor.StatusRequested:
		return "⏳ 병원 확인 대기 중", "병원에서 확인하면 예약이 확정돼요. 이 페이지에서 예약 번호와 전화번호로 확인할 수 있어요.", "unknown"
	case heydoctor.StatusConfirmed:
		return "✓ 예약 확정", "예약 시간 10분 전까지 병원에 도착해 주세요.", "open"
	case heydoctor.StatusAttended:
		return "✓ 진료 완료", "", "closed"
	case heydoctor.StatusNoShow:
		return "✕ 방문하지 않음", "", "closed"
	case heydoctor.StatusCancelled:
		return "✕ 취소됨", "", "closed"
	case heydoctor.StatusRejected:
		return "✕ 병원에서 받을 수 없다고 알려 왔어요", "다른 시간이나 다른 병원으로 다시 예약해 주세요.", "closed"
	}
	return string(st), "", "unknown"
}

func (s *Server) siteReservationPage(r *heydoctor.Reservation, phone string, just bool) *siteReservationPage {
	p := &siteReservationPage{R: r, Code: r.Code, Phone: phone, Just: just, When: siteDateTime(r.Start), Active: r.Status.Active(), Errors: siteFieldErrors{}}
	p.StatusText, p.StatusNote, p.StatusCls = siteStatusWords(r.Status)
	if in := r.Institution; in != nil {
		p.Place, p.Address, p.Demo = in.Name, in.Address, in.Demo
		if tel := siteTel(in.Phone); tel != "" {
			p.Tel = tel
		}
	}
	if r.Doctor != nil {
		p.Doctor = r.Doctor.Name
		p.Demo = p.Demo || r.Doctor.Demo
	}
	return p
}

// siteLookupInput reads code and phone from a posted form.
func siteLookupInput(r *http.Request) (siteLookupForm, error) {
	if err := r.ParseForm(); err != nil {
		return siteLookupForm{}, siteFormError(err)
	}
	f := siteLookupForm{Code: strings.TrimSpace(r.PostForm.Get("code")), Phone: strings.TrimSpace(r.PostForm.Get("phone"))}
	if len(f.Code) > 32 {
		f.Code = f.Code[:32]
	}
	if len(f.Phone) > 40 {
		f.Phone = f.Phone[:40]
	}
	return f, nil
}

func (s *Server) handleSiteLookupForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "site_lookup", "내 예약", &siteLookupPage{Errors: siteFieldErrors{}})
}

// provenReservation is a reservation its patient proved with its code and phone.
type provenReservation struct {
	res   *heydoctor.Reservation
	form  siteLookupForm
	phone string // normalised
	svc   *booking.Service
}

// changed is the reservation after a change, with the institution and room the change's
// answer may leave out.
func (pr *provenReservation) changed(out *heydoctor.Reservation) *heydoctor.Reservation {
	if out.Institution == nil {
		out.Institution = pr.res.Institution
	}
	if out.Doctor == nil {
		out.Doctor = pr.res.Doctor
	}
	return out
}

// siteLookup finds the reservation for a posted code and phone, or renders the lookup form
// again with the mistake next to its field (and returns nil).
func (s *Server) siteLookup(w http.ResponseWriter, r *http.Request) (*provenReservation, error) {
	svc, err := s.siteBooking()
	if err != nil {
		return nil, err
	}
	f, err := siteLookupInput(r)
	if err != nil {
		return nil, err
	}
	p := &siteLookupPage{Form: f, Errors: siteFieldErrors{}}
	if f.Code == "" {
		p.Errors["code"] = "예약 번호를 입력해 주세요"
	}
	if f.Phone == "" {
		p.Errors["phone"] = "예약할 때 쓴 전화번호를 입력해 주세요"
	}
	limited := false
	if len(p.Errors) == 0 {
		res, err := svc.Lookup(r.Context(), patientClient(r), f.Code, f.Phone)
		if err == nil {
			phone, _ := booking.NormalizePhone(f.Phone)
			return &provenReservation{res: res, form: f, phone: phone, svc: svc}, nil
		}
		limited = heydoctor.KindOf(err) == heydoctor.TooMany
		if heydoctor.KindOf(err) == heydoctor.NotFound || limited {
			p.Errors["code"] = heydoctor.MessageOf(err)
		} else if !p.Errors.add(err) {
			return nil, err
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	status := http.StatusBadRequest
	if p.Errors["code"] != "" && f.Code != "" && f.Phone != "" {
		status = http.StatusNotFound
	}
	if limited {
		status = http.StatusTooManyRequests
	}
	return nil, s.render(w, r, status, "site_lookup", "내 예약", p)
}

// handleSiteLookup shows a reservation found by code and phone (both in the body, never
// in the URL) with what the patient can do: download it, cancel it or pick another time.
// A date in the form lists that day's free times for rescheduling.
func (s *Server) handleSiteLookup(w http.ResponseWriter, r *http.Request) error {
	pr, err := s.siteLookup(w, r)
	if err != nil || pr == nil {
		return err
	}
	p := s.siteReservationPage(pr.res, pr.phone, false)
	p.Date = strings.TrimSpace(r.PostForm.Get("date"))
	return s.renderReservation(w, r, http.StatusOK, p)
}

// renderReservation fills the reschedule picker for an active reservation and renders it.
func (s *Server) renderReservation(w http.ResponseWriter, r *http.Request, status int, p *siteReservationPage) error {
	if p.Active && !p.Just {
		svc, err := s.siteBooking()
		if err != nil {
			return err
		}
		today := heydoctor.DateOf(s.cfg.Now())
		if p.Date != "" {
			if d, err := heydoctor.ParseDate(p.Date); err != nil || d < today || d > today.AddDays(siteBookDays-1) {
				p.Errors["date"] = "예약할 수 있는 날짜 중에서 골라 주세요"
				p.Date = ""
			}
		}
		for i := range siteBookDays {
			d := today.AddDays(i)
			p.Days = append(p.Days, siteDay{Value: string(d), Label: siteDateLabel(d), Selected: string(d) == p.Date})
		}
		if p.Date != "" && p.Slots == nil {
			d := heydoctor.Date(p.Date)
			slots, err := svc.DoctorSlots(r.Context(), p.R.DoctorID, d, d)
			if err != nil && !p.Errors.add(err) && heydoctor.KindOf(err) != heydoctor.NotFound {
				return err
			}
			for _, sl := range slots {
				if sl.Free > 0 && !sl.Start.Equal(p.R.Start) {
					p.Slots = append(p.Slots, siteSlot{Value: sl.Start.UTC().Format(time.RFC3339), Label: sl.Start.In(heydoctor.KST).Format("15:04")})
				}
			}
		}
	}
	if !p.Active {
		for _, k := range []string{"cancel", "start"} {
			if m := p.Errors[k]; m != "" {
				p.Errors["form"] = m
			}
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, status, "site_reservation", "예약 "+p.Code, p)
}

func (s *Server) handleSiteCancel(w http.ResponseWriter, r *http.Request) error {
	pr, err := s.siteLookup(w, r)
	if err != nil || pr == nil {
		return err
	}
	reason := r.PostForm.Get("reason")
	out, err := pr.svc.CancelByPatient(r.Context(), patientClient(r), pr.form.Code, pr.form.Phone, reason)
	if err != nil {
		p := s.siteReservationPage(pr.res, pr.phone, false)
		if !p.Errors.add(err) {
			return err
		}
		if p.Errors["reason"] == "" {
			p.Errors["cancel"], p.Errors["form"] = p.Errors["form"], ""
		}
		return s.renderReservation(w, r, httpStatus(err), p)
	}
	p := s.siteReservationPage(pr.changed(out), pr.phone, false)
	p.Message = "예약을 취소했어요."
	return s.renderReservation(w, r, http.StatusOK, p)
}

func (s *Server) handleSiteReschedule(w http.ResponseWriter, r *http.Request) error {
	pr, err := s.siteLookup(w, r)
	if err != nil || pr == nil {
		return err
	}
	p := s.siteReservationPage(pr.res, pr.phone, false)
	p.Date = strings.TrimSpace(r.PostForm.Get("date"))
	v := strings.TrimSpace(r.PostForm.Get("start"))
	start, perr := time.Parse(time.RFC3339, v)
	if v == "" || perr != nil || len(v) > 40 {
		p.Errors["start"] = "바꿀 시간을 골라 주세요"
		return s.renderReservation(w, r, http.StatusBadRequest, p)
	}
	out, err := pr.svc.RescheduleByPatient(r.Context(), patientClient(r), pr.form.Code, pr.form.Phone, start)
	if err != nil {
		var ce *booking.ConflictError
		if errors.As(err, &ce) {
			p.Errors["start"] = "방금 다른 분이 그 시간을 예약했어요. 아래의 다른 시간 중에서 골라 주세요"
			p.Slots = siteAlternatives(ce.Alternatives)
			return s.renderReservation(w, r, http.StatusConflict, p)
		}
		if !p.Errors.add(err) {
			return err
		}
		if p.Errors["form"] != "" {
			p.Errors["start"], p.Errors["form"] = p.Errors["form"], ""
		}
		return s.renderReservation(w, r, httpStatus(err), p)
	}
	p = s.siteReservationPage(pr.changed(out), pr.phone, false)
	p.Message = "예약 시간을 " + p.When + "(으)로 바꿨어요."
	return s.renderReservation(w, r, http.StatusOK, p)
}

// handleSiteICS downloads the reservation as a calendar file. It is a POST with the code
// and phone in the body, like the lookup, so that no URL ever unlocks a reservation.
func (s *Server) handleSiteICS(w http.ResponseWriter, r *http.Request) error {
	pr, err := s.siteLookup(w, r)
	if err != nil || pr == nil {
		return err
	}
	res := pr.res
	base := s.baseURL(r)
	if base != "" {
		base += paths.Lookup()
	}
	body := booking.ICS(res, res.Institution, base)
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="heydoctor-%s.ics"`, safeFileCode(res.Code)))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
	return err
}

// safeFileCode keeps only letters and digits of a reservation code for a file name.
func safeFileCode(code string) string {
	var b strings.Builder
	for _, c := range code {
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}
