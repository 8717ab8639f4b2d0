package sqlstore_test

import (
	"heydoctor/internal/booking"
	"heydoctor/internal/queue"
	"heydoctor/internal/sqlstore"
)

// The services declare what they need of the database; Store must keep offering it.
var (
	_ booking.Store         = (*sqlstore.Store)(nil)
	_ booking.DeliveryStore = (*sqlstore.Store)(nil)
	_ queue.Store           = (*sqlstore.Store)(nil)
)
