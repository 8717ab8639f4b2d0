package heydoctor

import "time"

// Role is what a staff account may do at its institution.
type Role string

// Roles: admins also manage doctors, schedules, hours and webhooks; reception handles reservations.
const (
	RoleAdmin     Role = "admin"
	RoleReception Role = "reception"
)

// Staff is a hospital employee's console account. It sees and changes only its own institution.
type Staff struct {
	ID            int64
	InstitutionID int64
	Login         string
	PasswordHash  string
	Role          Role
	Disabled      bool
	CreatedAt     time.Time
}

// AuditEntry records one staff action: who, what, when, and the state before and after.
type AuditEntry struct {
	ID            int64
	InstitutionID int64
	StaffID       int64
	Action        string
	Entity        string
	EntityID      int64
	Before, After string // JSON
	At            time.Time
}

// Conversation is one chat user's dialogue state, kept in the store so that any replica
// can answer the next message.
type Conversation struct {
	Channel   Channel
	UserKey   string
	State     []byte // the chat engine's own encoding
	UpdatedAt time.Time
	ExpiresAt time.Time
}

// Session is a logged-in console session. The token itself is never stored, only its hash.
type Session struct {
	TokenHash string
	StaffID   int64
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}
