package heydoctor

import "time"

// Webhook is an institution's endpoint for reservation and queue events.
type Webhook struct {
	ID            int64
	InstitutionID int64
	URL           string
	Secret        string
	Active        bool
	CreatedAt     time.Time
}

// Delivery is one event on its way to one webhook.
type Delivery struct {
	ID            int64     `json:"id"`
	WebhookID     int64     `json:"webhook_id"`
	URL           string    `json:"url"`
	Secret        string    `json:"-"`
	Event         string    `json:"event"`
	Body          string    `json:"body"`
	State         string    `json:"state"` // pending, delivered, failed
	Attempts      int       `json:"attempts"`
	NextAttemptAt time.Time `json:"next_attempt_at"`
	LastError     string    `json:"last_error,omitempty"`
	LastStatus    int       `json:"last_status,omitempty"`
}
