package booking

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"unicode/utf8"

	"heydoctor"
	"heydoctor/internal/egress"
)

// Bounds of a webhook's signing secret, in characters.
const (
	minWebhookSecret = 16
	maxWebhookSecret = 128
)

// CreateWebhook registers an https endpoint of the admin's institution for reservation
// events, with its audit entry. Addresses inside private networks are refused, so that
// the console cannot be used to reach them. An empty secret gets a random one; the
// returned webhook carries it, to be shown once so that the receiver can verify
// signatures.
func (s *Service) CreateWebhook(ctx context.Context, st *heydoctor.Staff, url, secret string) (*heydoctor.Webhook, error) {
	if err := Authorize(st, PermWebhooks); err != nil {
		return nil, err
	}
	if err := egress.CheckURL(url); err != nil {
		return nil, heydoctor.FieldError("url", "%s", err)
	}
	if secret == "" {
		secret = randomSecret()
	}
	if n := utf8.RuneCountInString(secret); n < minWebhookSecret || n > maxWebhookSecret {
		return nil, heydoctor.FieldError("secret", "%d자에서 %d자 사이여야 해요", minWebhookSecret, maxWebhookSecret)
	}
	wh := &heydoctor.Webhook{InstitutionID: st.InstitutionID, URL: url, Secret: secret, Active: true}
	if err := s.store.CreateWebhook(ctx, wh, s.audit(st, "webhook.create", "webhook", 0, nil, map[string]string{"url": wh.URL})); err != nil {
		return nil, fmt.Errorf("create webhook: %w", err)
	}
	return wh, nil
}

// randomSecret is 32 random bytes in hex.
func randomSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// WebhookLog is an endpoint with its latest delivery attempts.
type WebhookLog struct {
	Webhook    heydoctor.Webhook
	Deliveries []heydoctor.Delivery
}

// webhookLogSize is how many deliveries of each endpoint Webhooks returns.
const webhookLogSize = 20

// Webhooks lists the admin's institution's endpoints, each with its latest deliveries.
func (s *Service) Webhooks(ctx context.Context, st *heydoctor.Staff) ([]WebhookLog, error) {
	if err := Authorize(st, PermWebhooks); err != nil {
		return nil, err
	}
	list, err := s.store.ListWebhooks(ctx, st.InstitutionID)
	if err != nil {
		return nil, fmt.Errorf("list webhooks of %d: %w", st.InstitutionID, err)
	}
	out := make([]WebhookLog, 0, len(list))
	for _, wh := range list {
		log, err := s.store.ListDeliveries(ctx, wh.ID, webhookLogSize)
		if err != nil {
			return nil, fmt.Errorf("list deliveries of webhook %d: %w", wh.ID, err)
		}
		out = append(out, WebhookLog{Webhook: wh, Deliveries: log})
	}
	return out, nil
}
