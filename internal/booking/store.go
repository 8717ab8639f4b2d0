package booking

import (
	"context"
	"time"

	"heydoctor"
)

// Store is what the booking service keeps in the database: institutions and their
// closures, doctors and their plans, reservations, webhooks and the audit log. internal/sqlstore implements it.
type Store interface {
	FindInstitutionByID(ctx context.Context, id int64) (*heydoctor.Institution, error)
	UpdateInstitutionHours(ctx context.Context, id int64, h heydoctor.OpeningHours, audit ...*heydoctor.AuditEntry) error
	ListClosures(ctx context.Context, institutionID int64, from heydoctor.Date) ([]heydoctor.Closure, error)
	SetClosure(ctx context.Context, c heydoctor.Closure, audit ...*heydoctor.AuditEntry) error
	DeleteClosure(ctx context.Context, institutionID int64, day heydoctor.Date, audit ...*heydoctor.AuditEntry) error

	FindDoctorByID(ctx context.Context, id int64) (*heydoctor.Doctor, error)
	ListDoctors(ctx context.Context, institutionID int64) ([]*heydoctor.Doctor, error)
	CreateDoctor(ctx context.Context, d *heydoctor.Doctor, audit ...*heydoctor.AuditEntry) error
	UpdateDoctor(ctx context.Context, d *heydoctor.Doctor, audit ...*heydoctor.AuditEntry) error
	FindSchedule(ctx context.Context, doctorID int64) (*heydoctor.Schedule, error)
	SetSchedule(ctx context.Context, sc *heydoctor.Schedule, audit ...*heydoctor.AuditEntry) error
	ListExceptions(ctx context.Context, doctorID int64, from, to heydoctor.Date) ([]heydoctor.ScheduleException, error)
	SetException(ctx context.Context, e *heydoctor.ScheduleException, audit ...*heydoctor.AuditEntry) error
	DeleteException(ctx context.Context, doctorID int64, day heydoctor.Date, audit ...*heydoctor.AuditEntry) error

	BookedCounts(ctx context.Context, doctorID int64, from, to time.Time) (map[int64]int, error)
	CreateReservation(ctx context.Context, r *heydoctor.Reservation, p *heydoctor.Patient, capacity int, ev *heydoctor.ReservationEvent, q heydoctor.ReservationQuota) (created bool, err error)
	FindReservationByID(ctx context.Context, id int64) (*heydoctor.Reservation, error)
	FindReservationByCode(ctx context.Context, code string) (*heydoctor.Reservation, error)
	ListReservations(ctx context.Context, f heydoctor.ReservationFilter) ([]*heydoctor.Reservation, error)
	UpdateReservation(ctx context.Context, id int64, c heydoctor.ReservationChange) (*heydoctor.Reservation, error)
	LinkReservation(ctx context.Context, owner string, reservationID int64) error
	PhoneFloods(ctx context.Context, institutionID int64, min, limit int) ([]heydoctor.PhoneCount, error)

	CreateWebhook(ctx context.Context, w *heydoctor.Webhook, audit ...*heydoctor.AuditEntry) error
	ListWebhooks(ctx context.Context, institutionID int64) ([]heydoctor.Webhook, error)
	ListDeliveries(ctx context.Context, webhookID int64, limit int) ([]heydoctor.Delivery, error)
	ListAudit(ctx context.Context, institutionID int64, limit int) ([]heydoctor.AuditEntry, error)
}

// DeliveryStore is the webhook delivery queue the Dispatcher works through.
// internal/sqlstore implements it.
type DeliveryStore interface {
	DueDeliveries(ctx context.Context, limit int) ([]heydoctor.Delivery, error)
	ClaimDelivery(ctx context.Context, d *heydoctor.Delivery, lease time.Duration) (bool, error)
	RecordAttempt(ctx context.Context, id int64, status int, errMsg string, delivered bool, next time.Time) error
}
