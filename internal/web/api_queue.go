package web

import (
	"net/http"
	"strings"
	"time"

	"heydoctor"
	"heydoctor/internal/paths"
	"heydoctor/internal/queue"
)

// queueService returns the check-in service, or Unavailable when the server runs without one.
func (s *Server) queueService() (*queue.Service, error) {
	if s.cfg.Queue == nil {
		return nil, heydoctor.Errorf(heydoctor.Unavailable, "지금은 모바일 접수를 쓸 수 없어요. 병원에 전화해 주세요")
	}
	return s.cfg.Queue, nil
}

// queueLookup returns the check-in service after counting one ticket lookup against the
// client's address.
func (s *Server) queueLookup(r *http.Request) (*queue.Service, error) {
	svc, err := s.queueService()
	if err != nil {
		return nil, err
	}
	return svc, svc.AllowLookup(clientIP(r))
}

type estimateJSON struct {
	MinMinutes int    `json:"min_minutes"`
	MaxMinutes int    `json:"max_minutes"`
	Label      string `json:"label"`
	FromPace   bool   `json:"from_todays_pace"`
}

type ticketJSON struct {
	Ticket          string        `json:"ticket"`
	Number          int           `json:"number"`
	Status          string        `json:"status"`
	StatusLabel     string        `json:"status_label"`
	Ahead           int           `json:"ahead"`
	Estimate        *estimateJSON `json:"estimate,omitempty"`
	Soon            bool          `json:"soon"`
	Message         string        `json:"message"`
	Day             string        `json:"day"`
	InstitutionID   int64         `json:"institution_id"`
	InstitutionName string        `json:"institution_name"`
	Demo            bool          `json:"demo"`
	StatusURL       string        `json:"status_url"`
	CheckedInAt     string        `json:"checked_in_at"`
}

func (s *Server) toTicketJSON(v *queue.View) ticketJSON {
	t := v.Ticket
	j := ticketJSON{Ticket: t.Code, Number: t.Number, Status: string(t.Status), StatusLabel: t.Status.Label(), Ahead: v.Ahead, Soon: v.Soon,
		Message: v.Message, Day: string(t.Day), InstitutionID: t.InstitutionID, Demo: t.Demo, StatusURL: s.ticketURL(t.Code),
		CheckedInAt: t.CreatedAt.In(heydoctor.KST).Format(time.RFC3339)}
	if v.Institution != nil {
		j.InstitutionName = v.Institution.Name
	}
	if t.Status == heydoctor.TicketWaiting {
		j.Estimate = &estimateJSON{MinMinutes: int(v.Estimate.Min.Minutes()), MaxMinutes: int(v.Estimate.Max.Minutes()), Label: v.Estimate.Label(), FromPace: v.Estimate.FromPace}
	}
	return j
}

// ticketURL is the patient's status page; it asks for the phone before showing anything.
func (s *Server) ticketURL(code string) string {
	return strings.TrimRight(s.cfg.BaseURL, "/") + paths.Ticket(code)
}

type checkInJSON struct {
	Name      string `json:"name"`
	Phone     string `json:"phone"`
	ChildName string `json:"child_name"`
	Note      string `json:"note"`
}

func (s *Server) handleAPIQueueAvailability(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.queueService()
	if err != nil {
		return err
	}
	in, err := s.findInstitution(r)
	if err != nil {
		return err
	}
	a, err := svc.Available(r.Context(), in)
	if err != nil {
		return err
	}
	return encode(w, http.StatusOK, map[string]any{"institution_id": in.ID, "open": a.Open, "reason": a.Reason, "waiting": a.Waiting,
		"paused": a.Settings.Paused, "demo": in.Demo})
}

func (s *Server) handleAPICheckIn(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.queueService()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	body, err := decode[checkInJSON](w, r)
	if err != nil {
		return err
	}
	v, err := svc.CheckIn(r.Context(), queue.CheckInRequest{InstitutionID: id, Name: body.Name, Phone: body.Phone, ChildName: body.ChildName,
		Note: body.Note, Channel: heydoctor.ChannelAPI, ClientAddr: clientIP(r)})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/queue/"+v.Ticket.Code)
	return encode(w, http.StatusCreated, s.toTicketJSON(v))
}

func (s *Server) handleAPITicket(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.queueLookup(r)
	if err != nil {
		return err
	}
	v, err := svc.Status(r.Context(), r.PathValue("ticket"), r.Header.Get("X-Phone"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return encode(w, http.StatusOK, s.toTicketJSON(v))
}

func (s *Server) handleAPICancelTicket(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.queueLookup(r)
	if err != nil {
		return err
	}
	v, err := svc.Cancel(r.Context(), r.PathValue("ticket"), r.Header.Get("X-Phone"))
	if err != nil {
		return err
	}
	return encode(w, http.StatusOK, s.toTicketJSON(v))
}
