package web

import (
	"net/http"

	"heydoctor"
)

type webhookJSON struct {
	ID     int64  `json:"id,omitempty"`
	URL    string `json:"url"`
	Secret string `json:"secret,omitempty"`
	Active bool   `json:"active"`
}

func (s *Server) handleAPIWebhooks(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	list, err := s.cfg.Booking.Webhooks(r.Context(), st)
	if err != nil {
		return err
	}
	type item struct {
		webhookJSON
		Deliveries []heydoctor.Delivery `json:"deliveries"`
	}
	items := make([]item, 0, len(list))
	for _, l := range list {
		items = append(items, item{webhookJSON{ID: l.Webhook.ID, URL: l.Webhook.URL, Active: l.Webhook.Active}, l.Deliveries})
	}
	return encode(w, http.StatusOK, map[string]any{"items": items})
}

// handleAPICreateWebhook registers an https endpoint for reservation events (the rules
// are booking.Service.CreateWebhook's).
func (s *Server) handleAPICreateWebhook(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	in, err := decode[webhookJSON](w, r)
	if err != nil {
		return err
	}
	wh, err := s.cfg.Booking.CreateWebhook(r.Context(), st, in.URL, in.Secret)
	if err != nil {
		return err
	}
	// The secret is shown once, at creation, so that the receiver can verify signatures.
	return encode(w, http.StatusCreated, webhookJSON{ID: wh.ID, URL: wh.URL, Secret: wh.Secret, Active: true})
}
