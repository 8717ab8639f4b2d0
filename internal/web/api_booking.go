package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"heydoctor"
	"heydoctor/internal/booking"
)

// dateRange reads from/to (YYYY-MM-DD in KST); from defaults to today and to to from+6.
func (s *Server) dateRange(r *http.Request) (from, to heydoctor.Date, err error) {
	q := r.URL.Query()
	from = heydoctor.DateOf(s.cfg.Now())
	if v := q.Get("from"); v != "" {
		if from, err = heydoctor.ParseDate(v); err != nil {
			return "", "", heydoctor.FieldError("from", "날짜 형식은 YYYY-MM-DD예요: %q", v)
		}
	}
	to = from.AddDays(6)
	if v := q.Get("to"); v != "" {
		if to, err = heydoctor.ParseDate(v); err != nil {
			return "", "", heydoctor.FieldError("to", "날짜 형식은 YYYY-MM-DD예요: %q", v)
		}
	}
	if to < from {
		return "", "", heydoctor.FieldError("to", "to는 from보다 앞설 수 없어요")
	}
	return from, to, nil
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, heydoctor.Errorf(heydoctor.NotFound, "찾을 수 없어요")
	}
	return id, nil
}

type slotJSON struct {
	Start string `json:"start"`
	End   string `json:"end"`
	Free  int    `json:"free"`
}

func toSlotsJSON(slots []heydoctor.Slot) []slotJSON {
	out := make([]slotJSON, len(slots))
	for i, sl := range slots {
		out[i] = slotJSON{Start: sl.Start.In(heydoctor.KST).Format(time.RFC3339), End: sl.End.In(heydoctor.KST).Format(time.RFC3339), Free: sl.Free}
	}
	return out
}

func (s *Server) handleDoctorSlots(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	from, to, err := s.dateRange(r)
	if err != nil {
		return err
	}
	slots, err := s.cfg.Booking.DoctorSlots(r.Context(), id, from, to)
	if err != nil {
		return err
	}
	return encode(w, http.StatusOK, map[string]any{"doctor_id": id, "items": toSlotsJSON(slots)})
}

func (s *Server) handleInstitutionSlots(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	from, to, err := s.dateRange(r)
	if err != nil {
		return err
	}
	dept := ""
	if v := r.URL.Query().Get("department"); v != "" {
		d, ok := heydoctor.LookupDepartment(v)
		if !ok {
			return heydoctor.FieldError("department", "알 수 없는 진료과예요: %q", v)
		}
		dept = d.Code
	}
	list, err := s.cfg.Booking.InstitutionSlots(r.Context(), id, dept, from, to)
	if err != nil {
		return err
	}
	type doctorSlots struct {
		Doctor doctorJSON `json:"doctor"`
		Slots  []slotJSON `json:"slots"`
	}
	items := make([]doctorSlots, 0, len(list))
	for _, ds := range list {
		items = append(items, doctorSlots{Doctor: toDoctorJSON(ds.Doctor), Slots: toSlotsJSON(ds.Slots)})
	}
	return encode(w, http.StatusOK, map[string]any{"institution_id": id, "items": items})
}

type reservationJSON struct {
	Code        string `json:"code"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	Start       string `json:"start"`
	End         string `json:"end"`
	Sequence    int    `json:"sequence"`
	Reason      string `json:"reason,omitempty"`
	Institution *struct {
		ID      int64  `json:"id"`
		Name    string `json:"name"`
		Address string `json:"address"`
		Phone   string `json:"phone"`
		Demo    bool   `json:"demo"`
	} `json:"institution,omitempty"`
	Doctor *doctorJSON `json:"doctor,omitempty"`
	Name   string      `json:"name,omitempty"`
}

func toReservationJSON(r *heydoctor.Reservation) reservationJSON {
	j := reservationJSON{Code: r.Code, Status: string(r.Status), StatusLabel: r.Status.Label(),
		Start: r.Start.In(heydoctor.KST).Format(time.RFC3339), End: r.End.In(heydoctor.KST).Format(time.RFC3339), Sequence: r.Sequence, Reason: r.Reason}
	if r.Institution != nil {
		in := r.Institution
		j.Institution = &struct {
			ID      int64  `json:"id"`
			Name    string `json:"name"`
			Address string `json:"address"`
			Phone   string `json:"phone"`
			Demo    bool   `json:"demo"`
		}{in.ID, in.Name, in.Address, in.Phone, in.Demo}
	}
	if r.Doctor != nil {
		d := toDoctorJSON(r.Doctor)
		j.Doctor = &d
	}
	if r.Patient != nil {
		j.Name = r.Patient.Name
	}
	return j
}

type bookRequestJSON struct {
	DoctorID int64  `json:"doctor_id"`
	Start    string `json:"start"`
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Note     string `json:"note"`
}

func (b *bookRequestJSON) Validate() error {
	if b.DoctorID <= 0 {
		return heydoctor.FieldError("doctor_id", "의사 또는 진료실을 골라 주세요")
	}
	if _, err := time.Parse(time.RFC3339, b.Start); err != nil {
		return heydoctor.FieldError("start", "RFC3339 시각이어야 해요 (예: 2026-12-01T09:00:00+09:00)")
	}
	return nil
}

// handleCreateReservation books a slot. The Idempotency-Key header makes retries safe:
// the same key returns the same reservation (200) instead of booking again.
func (s *Server) handleCreateReservation(w http.ResponseWriter, r *http.Request) error {
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if len(key) > 128 {
		return heydoctor.FieldError("Idempotency-Key", "128자 이하여야 해요")
	}
	req, err := decode[bookRequestJSON](w, r)
	if err != nil {
		return err
	}
	start, _ := time.Parse(time.RFC3339, req.Start)
	res, created, err := s.cfg.Booking.Book(r.Context(), booking.BookRequest{DoctorID: req.DoctorID, Start: start, Name: req.Name,
		Phone: req.Phone, Note: req.Note, IdempotencyKey: key, Channel: heydoctor.ChannelAPI, ClientAddr: clientIP(r)})
	if err != nil {
		return conflictWithAlternatives(w, err)
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	w.Header().Set("Location", "/api/v1/reservations/"+res.Code)
	return encode(w, status, toReservationJSON(res))
}

// patientPhone takes the phone from the X-Phone header only: a phone number never
// travels in a URL, where access logs, proxies and browser history would keep it.
func patientPhone(r *http.Request) string {
	return r.Header.Get("X-Phone")
}

// patientClient is the client of a patient's request, for the lookup and booking limits.
func patientClient(r *http.Request) booking.Client {
	return booking.Client{Addr: clientIP(r)}
}

func (s *Server) handleGetReservation(w http.ResponseWriter, r *http.Request) error {
	res, err := s.cfg.Booking.Lookup(r.Context(), patientClient(r), r.PathValue("code"), patientPhone(r))
	if err != nil {
		return err
	}
	return encode(w, http.StatusOK, toReservationJSON(res))
}

func (s *Server) handleCancelReservation(w http.ResponseWriter, r *http.Request) error {
	res, err := s.cfg.Booking.CancelByPatient(r.Context(), patientClient(r), r.PathValue("code"), patientPhone(r), r.URL.Query().Get("reason"))
	if err != nil {
		return err
	}
	return encode(w, http.StatusOK, toReservationJSON(res))
}

type rescheduleJSON struct {
	Phone string `json:"phone"`
	Start string `json:"start"`
}

func (b *rescheduleJSON) Validate() error {
	if _, err := time.Parse(time.RFC3339, b.Start); err != nil {
		return heydoctor.FieldError("start", "RFC3339 시각이어야 해요 (예: 2026-12-01T09:00:00+09:00)")
	}
	return nil
}

func (s *Server) handleRescheduleReservation(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[rescheduleJSON](w, r)
	if err != nil {
		return err
	}
	start, _ := time.Parse(time.RFC3339, req.Start)
	phone := req.Phone
	if phone == "" {
		phone = patientPhone(r)
	}
	res, err := s.cfg.Booking.RescheduleByPatient(r.Context(), patientClient(r), r.PathValue("code"), phone, start)
	if err != nil {
		return conflictWithAlternatives(w, err)
	}
	return encode(w, http.StatusOK, toReservationJSON(res))
}

func (s *Server) handleReservationICS(w http.ResponseWriter, r *http.Request) error {
	res, err := s.cfg.Booking.Lookup(r.Context(), patientClient(r), r.PathValue("code"), patientPhone(r))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="heydoctor-`+res.Code+`.ics"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(booking.ICS(res, res.Institution, s.baseURL(r)))
	return err
}

// conflictWithAlternatives answers a taken slot with 409 and the next free slots to offer
// instead; any other error is returned for the error table.
func conflictWithAlternatives(w http.ResponseWriter, err error) error {
	var ce *booking.ConflictError
	if !errors.As(err, &ce) {
		return err
	}
	return encode(w, http.StatusConflict, map[string]any{
		"error":        map[string]string{"code": "conflict", "message": heydoctor.MessageOf(err)},
		"alternatives": toSlotsJSON(ce.Alternatives),
	})
}
