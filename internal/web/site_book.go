package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"heydoctor"
	"heydoctor/internal/booking"
)

// Booking form limits. The booking service checks the same fields again; these keep a
// hostile form from reaching it at all.
const (
	siteBookDays  = 14 // days offered in the day picker
	siteMaxKey    = 64
	siteMaxIDText = 20
)

type siteDay struct {
	Value, Label string
	Free         int
	Selected     bool
}

type siteSlot struct {
	Value, Label string
	Checked      bool
}

// siteBookForm is what the patient typed, kept when the form comes back with errors.
type siteBookForm struct {
	Name, Phone, Note, Start, Key string
}

type siteBookPage struct {
	In           *heydoctor.Institution
	Doctors      []siteDoctor
	Doctor       *siteDoctor
	Days         []siteDay
	Date         string
	DateLabel    string
	Slots        []siteSlot
	Alternatives bool
	Form         siteBookForm
	Errors       siteFieldErrors
	Confirm      bool // the hospital confirms each booking
}

// siteBooking returns the booking service, or an Unavailable error when the server runs without one.
func (s *Server) siteBooking() (*booking.Service, error) {
	if s.cfg.Booking == nil {
		return nil, heydoctor.Errorf(heydoctor.Unavailable, "지금은 온라인 예약을 쓸 수 없어요. 병원에 전화해 주세요")
	}
	return s.cfg.Booking, nil
}

// siteBookable returns an institution that takes online bookings, with its active doctors and rooms.
func (s *Server) siteBookable(r *http.Request) (*heydoctor.Institution, []siteDoctor, error) {
	in, err := s.findInstitution(r)
	if err != nil {
		return nil, nil, err
	}
	if !in.Onboarded {
		return nil, nil, heydoctor.Errorf(heydoctor.NotFound, "이 병원은 아직 온라인 예약을 받지 않아요. 전화로 예약해 주세요 (%s)", in.Phone)
	}
	doctors, err := s.siteDoctors(r, in)
	if err != nil {
		return nil, nil, err
	}
	return in, doctors, nil
}

// pickDoctor finds the doctor named by a form value among the institution's.
func pickDoctor(doctors []siteDoctor, v string) (*siteDoctor, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, heydoctor.FieldError("doctor", "의료진이나 진료실을 골라 주세요")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err == nil && len(v) <= siteMaxIDText {
		for i := range doctors {
			if doctors[i].ID == id {
				return &doctors[i], nil
			}
		}
	}
	return nil, heydoctor.FieldError("doctor", "이 병원에서 예약할 수 있는 의료진이나 진료실이 아니에요. 목록에서 골라 주세요")
}

// handleSiteBook is the booking page: doctor or room and day first (a GET form), then
// that day's free times with the patient's name, phone and note (the POST form).
func (s *Server) handleSiteBook(w http.ResponseWriter, r *http.Request) error {
	in, doctors, err := s.siteBookable(r)
	if err != nil {
		return err
	}
	p := &siteBookPage{In: in, Doctors: doctors, Errors: siteFieldErrors{}, Confirm: in.Booking.RequireConfirmation,
		Form: siteBookForm{Key: randomHex(16)}}
	q := r.URL.Query()
	if v := q.Get("doctor"); v != "" {
		if p.Doctor, err = pickDoctor(doctors, v); err != nil {
			p.Errors.add(err)
		}
	} else if len(doctors) == 1 {
		p.Doctor = &doctors[0]
	}
	p.Date = strings.TrimSpace(q.Get("date"))
	status := http.StatusOK
	if err := s.siteFillSlots(r, p); err != nil {
		return err
	}
	if len(p.Errors) > 0 {
		status = http.StatusBadRequest
	}
	return s.render(w, r, status, "site_book", in.Name+" 예약", p)
}

// siteFillSlots fills the day picker and, with a doctor chosen, the day's free times.
// Without a chosen day it opens the first day that has any.
func (s *Server) siteFillSlots(r *http.Request, p *siteBookPage) error {
	svc, err := s.siteBooking()
	if err != nil {
		return err
	}
	today := heydoctor.DateOf(s.cfg.Now())
	if p.Date != "" {
		d, err := heydoctor.ParseDate(p.Date)
		if err != nil || d < today || d > today.AddDays(siteBookDays-1) {
			p.Errors["date"] = "예약할 수 있는 날짜 중에서 골라 주세요"
			p.Date = ""
		}
	}
	free := map[heydoctor.Date][]heydoctor.Slot{}
	if p.Doctor != nil {
		slots, err := svc.DoctorSlots(r.Context(), p.Doctor.ID, today, today.AddDays(siteBookDays-1))
		if err != nil {
			if !p.Errors.add(err) && heydoctor.KindOf(err) != heydoctor.NotFound {
				return err
			}
		}
		for _, sl := range slots {
			if sl.Free > 0 {
				d := heydoctor.DateOf(sl.Start)
				free[d] = append(free[d], sl)
			}
		}
	}
	for i := range siteBookDays {
		d := today.AddDays(i)
		if p.Date == "" && p.Doctor != nil && len(free[d]) > 0 && p.Errors["date"] == "" {
			p.Date = string(d)
		}
		p.Days = append(p.Days, siteDay{Value: string(d), Label: siteDateLabel(d), Free: len(free[d])})
	}
	for i := range p.Days {
		p.Days[i].Selected = p.Days[i].Value == p.Date
	}
	if p.Date != "" {
		p.DateLabel = siteDateLabel(heydoctor.Date(p.Date))
		for _, sl := range free[heydoctor.Date(p.Date)] {
			v := sl.Start.UTC().Format(time.RFC3339)
			p.Slots = append(p.Slots, siteSlot{Value: v, Label: sl.Start.In(heydoctor.KST).Format("15:04"), Checked: v == p.Form.Start})
		}
	}
	return nil
}

// handleSiteBookPost books the chosen time. The hidden key, made fresh for every form,
// makes a double submit (or a refresh of the confirmation) return the same reservation
// instead of booking twice. The confirmation is rendered in the response itself, so the
// phone number never travels in a URL; reloading it re-sends the same key and shows the
// same reservation.
func (s *Server) handleSiteBookPost(w http.ResponseWriter, r *http.Request) error {
	in, doctors, err := s.siteBookable(r)
	if err != nil {
		return err
	}
	svc, err := s.siteBooking()
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return siteFormError(err)
	}
	f := r.PostForm
	p := &siteBookPage{In: in, Doctors: doctors, Errors: siteFieldErrors{}, Confirm: in.Booking.RequireConfirmation,
		Form: siteBookForm{Name: f.Get("name"), Phone: f.Get("phone"), Note: f.Get("note"), Start: f.Get("start"), Key: f.Get("key")}}
	if len(p.Form.Key) > siteMaxKey || len(p.Form.Key) < 16 {
		p.Form.Key = randomHex(16) // a missing or odd key: this submit stands alone
	}
	p.Doctor, err = pickDoctor(doctors, f.Get("doctor"))
	if err != nil {
		p.Errors.add(err)
	}
	var start time.Time
	if p.Form.Start == "" {
		p.Errors["start"] = "예약할 시간을 골라 주세요"
	} else if start, err = time.Parse(time.RFC3339, p.Form.Start); err != nil || len(p.Form.Start) > 40 {
		p.Errors["start"] = "예약할 시간을 다시 골라 주세요"
		p.Form.Start = ""
	} else {
		p.Date = string(heydoctor.DateOf(start))
	}
	status := http.StatusBadRequest
	if len(p.Errors) == 0 {
		req := booking.BookRequest{DoctorID: p.Doctor.ID, Start: start, Name: p.Form.Name, Phone: p.Form.Phone, Note: p.Form.Note,
			IdempotencyKey: p.Form.Key, Channel: heydoctor.ChannelWeb, ClientAddr: clientIP(r)}
		res, _, err := svc.Book(r.Context(), req)
		if err == nil {
			if res.Institution == nil {
				res.Institution = in
			}
			phone, _ := booking.NormalizePhone(p.Form.Phone)
			w.Header().Set("Cache-Control", "no-store")
			return s.render(w, r, http.StatusOK, "site_reservation", "예약 완료", s.siteReservationPage(res, phone, true))
		}
		var ce *booking.ConflictError
		if errors.As(err, &ce) {
			p.Form.Start = ""
			if err := s.siteFillSlots(r, p); err != nil {
				return err
			}
			p.Errors["start"] = "방금 다른 분이 이 시간을 예약했어요. 아래의 다른 시간 중에서 골라 주세요"
			p.Alternatives = true
			p.Slots = siteAlternatives(ce.Alternatives)
		} else if !p.Errors.add(err) {
			return err
		} else if heydoctor.KindOf(err) == heydoctor.TooMany {
			status = http.StatusTooManyRequests
		}
	}
	if !p.Alternatives {
		if err := s.siteFillSlots(r, p); err != nil {
			return err
		}
	}
	if p.Alternatives {
		status = http.StatusConflict
	}
	return s.render(w, r, status, "site_book", in.Name+" 예약", p)
}

// siteFormError turns a form that could not be read into a user error; an oversized
// body keeps its own status.
func siteFormError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errTooLarge
	}
	return heydoctor.Errorf(heydoctor.Invalid, "보낸 양식을 읽을 수 없어요. 다시 시도해 주세요").WithErr(err)
}

// siteAlternatives offers the free times a taken slot's conflict suggests, each with its day.
func siteAlternatives(slots []heydoctor.Slot) []siteSlot {
	out := []siteSlot{}
	for _, sl := range slots {
		k := sl.Start.In(heydoctor.KST)
		out = append(out, siteSlot{Value: sl.Start.UTC().Format(time.RFC3339),
			Label: fmt.Sprintf("%d일(%s) %s", k.Day(), siteWeekday(k.Weekday()), k.Format("15:04"))})
	}
	return out
}
