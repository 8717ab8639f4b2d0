package web

import (
	"net/http"
	"strings"

	"heydoctor"
	"heydoctor/internal/paths"
	"heydoctor/internal/queue"
)

// queuePhoneCookie keeps the patient's phone for their ticket's page only (Path is the
// page), HttpOnly, so the page can refresh itself without the phone in any URL.
const queuePhoneCookie = "hd_queue_phone"

type siteQueueForm struct {
	Name, Phone, ChildName, Note string
}

type siteQueueFormPage struct {
	In           *heydoctor.Institution
	Availability queue.Availability
	Estimate     string
	Form         siteQueueForm
	Errors       siteFieldErrors
}

// siteQueueInstitution returns an institution whose page may offer check-in.
func (s *Server) siteQueueInstitution(r *http.Request) (*heydoctor.Institution, *queue.Service, error) {
	svc, err := s.queueService()
	if err != nil {
		return nil, nil, err
	}
	in, err := s.findInstitution(r)
	if err != nil {
		return nil, nil, err
	}
	if !in.Onboarded {
		return nil, nil, heydoctor.Errorf(heydoctor.NotFound, "이 병원은 아직 모바일 접수를 받지 않아요. 전화로 문의해 주세요 (%s)", in.Phone)
	}
	return in, svc, nil
}

func (s *Server) renderQueueForm(w http.ResponseWriter, r *http.Request, status int, in *heydoctor.Institution, svc *queue.Service, p *siteQueueFormPage) error {
	a, err := svc.Available(r.Context(), in)
	if err != nil {
		return err
	}
	p.In, p.Availability = in, a
	if a.Open {
		if est, err := svc.EstimateFor(r.Context(), in.ID, a.Waiting); err == nil {
			p.Estimate = est.Label()
		}
	}
	return s.render(w, r, status, "site_queue", in.Name+" 모바일 접수", p)
}

// handleSiteQueueForm is "지금 접수": whether the clinic takes check-ins now, how many
// are waiting, and the form (name, phone, optional child's name, short reason).
func (s *Server) handleSiteQueueForm(w http.ResponseWriter, r *http.Request) error {
	in, svc, err := s.siteQueueInstitution(r)
	if err != nil {
		return err
	}
	return s.renderQueueForm(w, r, http.StatusOK, in, svc, &siteQueueFormPage{Errors: siteFieldErrors{}})
}

func (s *Server) handleSiteCheckIn(w http.ResponseWriter, r *http.Request) error {
	in, svc, err := s.siteQueueInstitution(r)
	if err != nil {
		return err
	}
	f := siteQueueForm{Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"), ChildName: r.PostFormValue("child_name"), Note: r.PostFormValue("note")}
	v, err := svc.CheckIn(r.Context(), queue.CheckInRequest{InstitutionID: in.ID, Name: f.Name, Phone: f.Phone, ChildName: f.ChildName, Note: f.Note,
		Channel: heydoctor.ChannelWeb, ClientAddr: clientIP(r)})
	if err != nil {
		p := &siteQueueFormPage{Form: f, Errors: siteFieldErrors{}}
		if heydoctor.KindOf(err) == heydoctor.TooMany {
			p.Errors["form"] = heydoctor.MessageOf(err)
		} else if !p.Errors.add(err) {
			return err
		}
		return s.renderQueueForm(w, r, httpStatus(err), in, svc, p)
	}
	s.setQueueCookie(w, r, v.Ticket)
	http.Redirect(w, r, paths.Ticket(v.Ticket.Code), http.StatusSeeOther)
	return nil
}

func (s *Server) setQueueCookie(w http.ResponseWriter, r *http.Request, t *heydoctor.Ticket) {
	http.SetCookie(w, &http.Cookie{Name: queuePhoneCookie, Value: t.Phone, Path: paths.Ticket(t.Code), MaxAge: 24 * 60 * 60,
		HttpOnly: true, Secure: s.isHTTPS(r), SameSite: http.SameSiteLaxMode})
}

type siteTicketPage struct {
	Code     string
	View     *queue.View
	Active   bool
	Waiting  bool
	MaskName string
	Phone    string
	Error    string
}

// handleSiteTicket is a patient's ticket page. It needs the phone: from the cookie set at
// check-in (or by the phone form), otherwise it asks for it.
func (s *Server) handleSiteTicket(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("ticket")
	c, err := r.Cookie(queuePhoneCookie)
	if err != nil || c.Value == "" {
		return s.render(w, r, http.StatusOK, "site_ticket", "내 순서", &siteTicketPage{Code: code})
	}
	svc, err := s.queueLookup(r)
	if err != nil {
		return err
	}
	v, err := svc.Status(r.Context(), code, c.Value)
	if err != nil {
		return s.ticketError(w, r, code, "", err)
	}
	return s.renderTicket(w, r, v)
}

func (s *Server) renderTicket(w http.ResponseWriter, r *http.Request, v *queue.View) error {
	w.Header().Set("Cache-Control", "no-store")
	p := &siteTicketPage{Code: v.Ticket.Code, View: v, Active: v.Ticket.Status.Active(), Waiting: v.Ticket.Status == heydoctor.TicketWaiting,
		MaskName: heydoctor.MaskName(v.Ticket.DisplayName())}
	return s.render(w, r, http.StatusOK, "site_ticket", "내 순서", p)
}

// handleSiteTicketPost takes the phone for a ticket, keeps it in the page's cookie and
// shows the page (a redirect, so refreshing never re-posts).
func (s *Server) handleSiteTicketPost(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.queueLookup(r)
	if err != nil {
		return err
	}
	code := r.PathValue("ticket")
	v, err := svc.Status(r.Context(), code, r.PostFormValue("phone"))
	if err != nil {
		return s.ticketError(w, r, code, r.PostFormValue("phone"), err)
	}
	s.setQueueCookie(w, r, v.Ticket)
	http.Redirect(w, r, paths.Ticket(v.Ticket.Code), http.StatusSeeOther)
	return nil
}

func (s *Server) handleSiteTicketCancel(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.queueLookup(r)
	if err != nil {
		return err
	}
	code := r.PathValue("ticket")
	phone := strings.TrimSpace(r.PostFormValue("phone"))
	if c, err := r.Cookie(queuePhoneCookie); phone == "" && err == nil {
		phone = c.Value
	}
	v, err := svc.Cancel(r.Context(), code, phone)
	if err != nil {
		return s.ticketError(w, r, code, "", err)
	}
	return s.renderTicket(w, r, v)
}

// ticketError shows a user error on the phone form of the ticket page; others go to the error page.
func (s *Server) ticketError(w http.ResponseWriter, r *http.Request, code, phone string, err error) error {
	switch heydoctor.KindOf(err) {
	case heydoctor.NotFound, heydoctor.Invalid, heydoctor.Conflict:
		return s.render(w, r, httpStatus(err), "site_ticket", "내 순서", &siteTicketPage{Code: code, Phone: phone, Error: heydoctor.MessageOf(err)})
	}
	return err
}

// takesCheckIns reports whether an institution's pages offer "지금 접수".
func (s *Server) takesCheckIns(r *http.Request, in *heydoctor.Institution) (bool, error) {
	if s.cfg.Queue == nil {
		return false, nil
	}
	return s.cfg.Queue.TakesCheckIns(r.Context(), in)
}
