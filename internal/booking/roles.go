package booking

import "heydoctor"

// Permission is a kind of staff operation.
type Permission string

// Staff permissions.
const (
	// PermConsole: sign in and read the console's pages of one's own institution (the
	// rooms, their plans and exceptions, closures, hours).
	PermConsole Permission = "console"
	// PermReservations: the day list, confirm, reject, cancel, attended, no-show,
	// reschedule, and cancelling a flood of bookings at once.
	PermReservations Permission = "reservations"
	PermDoctors      Permission = "doctors"    // add and edit doctors and rooms
	PermSchedules    Permission = "schedules"  // weekly working plans
	PermExceptions   Permission = "exceptions" // a doctor's leave days and extra days
	PermClosures     Permission = "closures"   // days the institution is closed or has other hours
	PermHours        Permission = "hours"      // published weekly opening hours
	PermWebhooks     Permission = "webhooks"
	PermAudit        Permission = "audit"
	// PermQueue: today's same-day check-in queue (call, arrived, done, walk-ins, moves, pause).
	PermQueue         Permission = "queue"
	PermQueueSettings Permission = "queue_settings" // check-in on or off, cap, cut-off
)

// permissions is the one table of which role may do what. Reception runs the day's
// reservations; everything that changes what patients can book is the admin's.
var permissions = map[Permission][]heydoctor.Role{
	PermConsole:       {heydoctor.RoleAdmin, heydoctor.RoleReception},
	PermReservations:  {heydoctor.RoleAdmin, heydoctor.RoleReception},
	PermDoctors:       {heydoctor.RoleAdmin},
	PermSchedules:     {heydoctor.RoleAdmin},
	PermExceptions:    {heydoctor.RoleAdmin},
	PermClosures:      {heydoctor.RoleAdmin},
	PermHours:         {heydoctor.RoleAdmin},
	PermWebhooks:      {heydoctor.RoleAdmin},
	PermAudit:         {heydoctor.RoleAdmin},
	PermQueue:         {heydoctor.RoleAdmin, heydoctor.RoleReception},
	PermQueueSettings: {heydoctor.RoleAdmin},
}

// Can reports whether a live staff account may do p; the console uses it to show only
// the controls that will work.
func Can(st *heydoctor.Staff, p Permission) bool {
	return Authorize(st, p) == nil
}

// Authorize checks that a staff account is live and its role may do p.
func Authorize(st *heydoctor.Staff, p Permission) error {
	if st == nil || st.Disabled || st.InstitutionID == 0 {
		return heydoctor.Errorf(heydoctor.Unauthorized, "로그인이 필요해요")
	}
	for _, r := range permissions[p] {
		if st.Role == r {
			return nil
		}
	}
	return heydoctor.Errorf(heydoctor.Forbidden, "이 계정의 권한으로는 할 수 없는 일이에요")
}
