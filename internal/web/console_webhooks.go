package web

import (
	"encoding/json"
	"net/http"
	"unicode/utf8"

	"heydoctor"
	"heydoctor/internal/booking"
	"heydoctor/internal/egress"
)

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
