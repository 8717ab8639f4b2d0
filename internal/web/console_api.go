package web

import (
	"encoding/json"
	"net/http"
	"unicode/utf8"

	"heydoctor"
	"heydoctor/internal/booking"
	"heydoctor/internal/egress"
)

type doctorInput struct {
	Name       string `json:"name"`
	Department string `json:"department"`
	IsRoom     bool   `json:"is_room"`
	Active     *bool  `json:"active"`
}

func (s *Server) handleAPISaveDoctor(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	in, err := decode[doctorInput](w, r)
	if err != nil {
		return err
	}
	d := &heydoctor.Doctor{InstitutionID: st.InstitutionID, Name: in.Name, IsRoom: in.IsRoom, Active: in.Active == nil || *in.Active}
	dep, ok := heydoctor.LookupDepartment(in.Department)
	if !ok {
		return heydoctor.FieldError("department", "알 수 없는 진료과예요: %q", in.Department)
	}
	d.Department = dep.Code
	status := http.StatusCreated
	if r.PathValue("id") != "" {
		if d.ID, err = pathID(r, "id"); err != nil {
			return err
		}
		status = http.StatusOK
	}
	if err := s.cfg.Booking.SaveDoctor(r.Context(), st, d); err != nil {
		return err
	}
	return encode(w, status, toDoctorJSON(d))
}

type scheduleJSON struct {
	Blocks           []heydoctor.WorkBlock `json:"blocks"`
	SlotMinutes      int                   `json:"slot_minutes"`
	Capacity         int                   `json:"capacity"`
	HorizonDays      int                   `json:"horizon_days"`
	MinNoticeMinutes int                   `json:"min_notice_minutes"`
	OpenOnHolidays   bool                  `json:"open_on_holidays"`
}

func (s *Server) handleAPIGetSchedule(w http.ResponseWriter, r *http.Request) error {
	d, err := s.ownDoctor(r)
	if err != nil {
		return err
	}
	sc, err := s.cfg.Store.FindSchedule(r.Context(), d.ID)
	if err != nil {
		return err
	}
	return encode(w, http.StatusOK, scheduleJSON{Blocks: sc.Blocks, SlotMinutes: sc.SlotMinutes, Capacity: sc.Capacity,
		HorizonDays: sc.HorizonDays, MinNoticeMinutes: sc.MinNoticeMinutes, OpenOnHolidays: sc.OpenOnHolidays})
}

func (s *Server) handleAPIPutSchedule(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in, err := decode[scheduleJSON](w, r)
	if err != nil {
		return err
	}
	sc := &heydoctor.Schedule{DoctorID: id, Blocks: in.Blocks, SlotMinutes: in.SlotMinutes, Capacity: in.Capacity,
		HorizonDays: in.HorizonDays, MinNoticeMinutes: in.MinNoticeMinutes, OpenOnHolidays: in.OpenOnHolidays}
	if err := s.cfg.Booking.SaveSchedule(r.Context(), st, sc); err != nil {
		return err
	}
	return encode(w, http.StatusOK, scheduleJSON{Blocks: sc.Blocks, SlotMinutes: sc.SlotMinutes, Capacity: sc.Capacity,
		HorizonDays: sc.HorizonDays, MinNoticeMinutes: sc.MinNoticeMinutes, OpenOnHolidays: sc.OpenOnHolidays})
}

type exceptionJSON struct {
	Closed bool                  `json:"closed"`
	Blocks []heydoctor.WorkBlock `json:"blocks"`
	Note   string                `json:"note"`
}

func pathDate(r *http.Request) (heydoctor.Date, error) {
	d, err := heydoctor.ParseDate(r.PathValue("date"))
	if err != nil {
		return "", heydoctor.FieldError("date", "날짜 형식은 YYYY-MM-DD예요")
	}
	return d, nil
}

func (s *Server) handleAPIPutException(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	day, err := pathDate(r)
	if err != nil {
		return err
	}
	in, err := decode[exceptionJSON](w, r)
	if err != nil {
		return err
	}
	e := &heydoctor.ScheduleException{DoctorID: id, Date: day, Closed: in.Closed || len(in.Blocks) == 0, Blocks: in.Blocks, Note: in.Note}
	if err := s.cfg.Booking.SetException(r.Context(), st, e); err != nil {
		return err
	}
	return encode(w, http.StatusOK, exceptionJSON{Closed: e.Closed, Blocks: e.Blocks, Note: e.Note})
}

func (s *Server) handleAPIDeleteException(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	day, err := pathDate(r)
	if err != nil {
		return err
	}
	if err := s.cfg.Booking.DeleteException(r.Context(), st, id, day); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
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

type webhookJSON struct {
	ID     int64  `json:"id,omitempty"`
	URL    string `json:"url"`
	Secret string `json:"secret,omitempty"`
	Active bool   `json:"active"`
}

func (s *Server) handleAPIWebhooks(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	if err := booking.Authorize(st, booking.PermWebhooks); err != nil {
		return err
	}
	list, err := s.cfg.Store.ListWebhooks(r.Context(), st.InstitutionID)
	if err != nil {
		return err
	}
	type item struct {
		webhookJSON
		Deliveries []heydoctor.Delivery `json:"deliveries"`
	}
	items := make([]item, 0, len(list))
	for _, wh := range list {
		log, err := s.cfg.Store.ListDeliveries(r.Context(), wh.ID, 20)
		if err != nil {
			return err
		}
		items = append(items, item{webhookJSON{ID: wh.ID, URL: wh.URL, Active: wh.Active}, log})
	}
	return encode(w, http.StatusOK, map[string]any{"items": items})
}

// handleAPICreateWebhook registers an https endpoint for reservation events. Addresses
// inside private networks are refused, so the console cannot be used to reach them.
func (s *Server) handleAPICreateWebhook(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	if err := booking.Authorize(st, booking.PermWebhooks); err != nil {
		return err
	}
	in, err := decode[webhookJSON](w, r)
	if err != nil {
		return err
	}
	if err := checkWebhookURL(in.URL); err != nil {
		return err
	}
	secret := in.Secret
	if secret == "" {
		secret = randomHex(32)
	}
	if n := utf8.RuneCountInString(secret); n < 16 || n > 128 {
		return heydoctor.FieldError("secret", "16자에서 128자 사이여야 해요")
	}
	wh := &heydoctor.Webhook{InstitutionID: st.InstitutionID, URL: in.URL, Secret: secret, Active: true}
	after, _ := json.Marshal(map[string]string{"url": wh.URL})
	audit := &heydoctor.AuditEntry{InstitutionID: st.InstitutionID, StaffID: st.ID, Action: "webhook.create", Entity: "webhook", After: string(after)}
	if err := s.cfg.Store.CreateWebhook(r.Context(), wh, audit); err != nil {
		return err
	}
	// The secret is shown once, at creation, so that the receiver can verify signatures.
	return encode(w, http.StatusCreated, webhookJSON{ID: wh.ID, URL: wh.URL, Secret: secret, Active: true})
}

func checkWebhookURL(raw string) error {
	if err := egress.CheckURL(raw); err != nil {
		return heydoctor.FieldError("url", "%s", err)
	}
	return nil
}
