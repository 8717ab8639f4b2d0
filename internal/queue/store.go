package queue

import (
	"context"
	"time"

	"heydoctor"
)

// Store is what the queue service keeps in the database: clinics, their check-in
// settings and the day's tickets. internal/sqlstore implements it.
type Store interface {
	FindInstitutionByID(ctx context.Context, id int64) (*heydoctor.Institution, error)
	ListDoctors(ctx context.Context, institutionID int64) ([]*heydoctor.Doctor, error)
	FindSchedule(ctx context.Context, doctorID int64) (*heydoctor.Schedule, error)

	FindQueueSettings(ctx context.Context, institutionID int64) (heydoctor.QueueSettings, error)
	SaveQueueSettings(ctx context.Context, qs *heydoctor.QueueSettings, audit ...*heydoctor.AuditEntry) error

	CreateTicket(ctx context.Context, t *heydoctor.Ticket, opt heydoctor.TicketCreate) error
	FindTicketByID(ctx context.Context, id int64) (*heydoctor.Ticket, error)
	FindTicketByCode(ctx context.Context, code string) (*heydoctor.Ticket, error)
	ListTickets(ctx context.Context, f heydoctor.TicketFilter) ([]*heydoctor.Ticket, error)
	CountTickets(ctx context.Context, institutionID int64, day heydoctor.Date, statuses ...heydoctor.TicketStatus) (int, error)
	TicketsAhead(ctx context.Context, t *heydoctor.Ticket) (int, error)
	ServiceTimes(ctx context.Context, institutionID int64, day heydoctor.Date) ([]time.Duration, error)
	UpdateTicket(ctx context.Context, id int64, c heydoctor.TicketChange) (*heydoctor.Ticket, error)
	UpdateFirstWaiting(ctx context.Context, institutionID int64, day heydoctor.Date, c heydoctor.TicketChange) (*heydoctor.Ticket, error)
}
