package web

import "net/http"

// maxPageBody bounds form posts; JSON bodies have maxJSONBody and the Kakao skill its own.
const maxPageBody = 64 << 10

// routes is the whole URL surface of HeyDoctor; nothing registers a route anywhere else.
// Every request first passes instrument (request id, client address, security headers,
// panic recovery, metrics, access log). After that each group has its own chain:
//
//	operations, JSON API     api(h)                                    (decode bounds JSON bodies)
//	site pages               page(h)
//	site form posts          limitBody(maxPageBody, page(h))
//	console pages            limitBody(maxPageBody, requireStaff(page(h)))  (session + CSRF)
//	console JSON API         limitBody(maxPageBody, requireStaff(api(h)))
//	Kakao skill              cfg.Kakao (checks the shared secret, then bounds the body, then decodes)
func (s *Server) routes() http.Handler {
	mux := &routeMux{ServeMux: http.NewServeMux()}
	defer func() { s.patterns = mux.patterns }()

	type handler = func(http.ResponseWriter, *http.Request) error
	form := func(h handler) http.Handler { return s.limitBody(maxPageBody, s.page(h)) }
	staff := func(h http.Handler) http.Handler { return s.limitBody(maxPageBody, s.requireStaff(h)) }
	staffPage := func(h handler) http.Handler { return staff(s.page(h)) }
	staffAPI := func(h handler) http.Handler { return staff(s.api(h)) }

	// Operations.
	mux.Handle("GET /healthz", s.api(s.handleHealthz))
	mux.Handle("GET /readyz", s.api(s.handleReadyz))
	mux.Handle("GET /metrics", s.metricsHandler())

	// KakaoTalk skill.
	if s.cfg.Kakao != nil {
		mux.Handle("POST /kakao/skill", s.cfg.Kakao)
	}

	// JSON API.
	mux.Handle("GET /api/v1/departments", s.api(s.handleDepartments))
	mux.Handle("GET /api/v1/institutions", s.api(s.handleInstitutions))
	mux.Handle("GET /api/v1/institutions/{id}", s.api(s.handleInstitution))
	mux.Handle("GET /api/v1/places", s.api(s.handlePlaces))
	mux.Handle("POST /api/v1/triage", s.api(s.handleTriage))
	mux.Handle("POST /api/v1/chat", s.api(s.handleChat))
	mux.Handle("GET /api/v1/doctors/{id}/slots", s.api(s.handleDoctorSlots))
	mux.Handle("GET /api/v1/institutions/{id}/slots", s.api(s.handleInstitutionSlots))
	mux.Handle("POST /api/v1/reservations", s.api(s.handleCreateReservation))
	mux.Handle("GET /api/v1/reservations/{code}", s.api(s.handleGetReservation))
	mux.Handle("DELETE /api/v1/reservations/{code}", s.api(s.handleCancelReservation))
	mux.Handle("PATCH /api/v1/reservations/{code}", s.api(s.handleRescheduleReservation))
	mux.Handle("GET /api/v1/reservations/{code}/ics", s.api(s.handleReservationICS))

	// Same-day check-in (모바일 접수), JSON API. The phone number never travels in a URL:
	// the API takes it in X-Phone, the pages in a POST body or an HttpOnly cookie scoped
	// to the ticket's page.
	mux.Handle("GET /api/v1/institutions/{id}/queue", s.api(s.handleAPIQueueAvailability))
	mux.Handle("POST /api/v1/institutions/{id}/queue", s.api(s.handleAPICheckIn))
	mux.Handle("GET /api/v1/queue/{ticket}", s.api(s.handleAPITicket))
	mux.Handle("DELETE /api/v1/queue/{ticket}", s.api(s.handleAPICancelTicket))

	// The public website a patient opens from a KakaoTalk link or a search result. Every
	// page works without JavaScript; only the map and "내 위치 사용" need it.
	//
	// Department pages live at /departments/{code} (D001 …), the URLs the chatbot links to.
	// The original service's /categories/{slug}/sughospital links redirect there (301):
	// nae→D001 내과, so→D002 소아청소년과, ebi→D013 이비인후과, jeong→D008 정형외과,
	// pi→D005 피부과, an→D012 안과, san→D011 산부인과.
	mux.Handle("GET /{$}", s.page(s.handleHome))
	mux.Handle("GET /static/{file}", s.page(s.handleStatic))
	mux.Handle("GET /hospitals", s.page(s.handleSiteHospitals))
	mux.Handle("GET /hospitals/{id}", s.page(s.handleSiteInstitution))
	mux.Handle("GET /departments/{code}", s.page(s.handleSiteDepartment))
	mux.Handle("GET /categories/{slug}/sughospital", s.page(s.handleSiteLegacy))

	// Booking and "my reservation": code and phone always travel in POST bodies.
	mux.Handle("GET /hospitals/{id}/book", s.page(s.handleSiteBook))
	mux.Handle("POST /hospitals/{id}/book", form(s.handleSiteBookPost))
	mux.Handle("GET /reservations/lookup", s.page(s.handleSiteLookupForm))
	mux.Handle("POST /reservations/lookup", form(s.handleSiteLookup))
	mux.Handle("POST /reservations/cancel", form(s.handleSiteCancel))
	mux.Handle("POST /reservations/reschedule", form(s.handleSiteReschedule))
	mux.Handle("POST /reservations/ics", form(s.handleSiteICS))

	// Same-day check-in, the patient's pages.
	mux.Handle("GET /hospitals/{id}/queue", s.page(s.handleSiteQueueForm))
	mux.Handle("POST /hospitals/{id}/queue", form(s.handleSiteCheckIn))
	mux.Handle("GET /queue/{ticket}", s.page(s.handleSiteTicket))
	mux.Handle("POST /queue/{ticket}", form(s.handleSiteTicketPost))
	mux.Handle("POST /queue/{ticket}/cancel", form(s.handleSiteTicketCancel))

	// The chat without JavaScript; chat.js upgrades it to POST /api/v1/chat.
	mux.Handle("GET /chat", s.page(s.handleSiteChat))
	mux.Handle("POST /chat", form(s.handleSiteChatPost))

	// Staff console: HTML pages that work without JavaScript, all behind requireStaff
	// except login.
	mux.Handle("GET /console/login", s.page(s.handleLoginForm))
	mux.Handle("POST /console/login", form(s.handleLogin))
	mux.Handle("POST /console/logout", staffPage(s.handleLogout))
	mux.Handle("GET /console", staffPage(s.handleConsoleDay))
	mux.Handle("POST /console/reservations/{id}/{action}", staffPage(s.handleConsoleAction))
	mux.Handle("GET /console/doctors", staffPage(s.handleConsoleDoctors))
	mux.Handle("POST /console/doctors", staffPage(s.handleConsoleSaveDoctor))
	mux.Handle("GET /console/doctors/{id}", staffPage(s.handleConsoleDoctor))
	mux.Handle("POST /console/doctors/{id}", staffPage(s.handleConsoleSaveDoctor))
	mux.Handle("POST /console/doctors/{id}/schedule", staffPage(s.handleConsoleSchedule))
	mux.Handle("POST /console/doctors/{id}/exceptions", staffPage(s.handleConsoleException))
	mux.Handle("GET /console/settings", staffPage(s.handleConsoleSettings))
	mux.Handle("POST /console/closures", staffPage(s.handleConsoleClosure))
	mux.Handle("POST /console/hours", staffPage(s.handleConsoleHours))
	mux.Handle("GET /console/floods", staffPage(s.handleConsoleFloods))
	mux.Handle("POST /console/floods/cancel", staffPage(s.handleConsoleCancelFlood))

	// Reception's queue board.
	mux.Handle("GET /console/queue", staffPage(s.handleConsoleQueue))
	mux.Handle("GET /console/queue/tv", staffPage(s.handleConsoleQueueTV))
	mux.Handle("POST /console/queue/next", staffPage(s.handleConsoleQueueNext))
	mux.Handle("POST /console/queue/walk-in", staffPage(s.handleConsoleWalkIn))
	mux.Handle("POST /console/queue/pause", staffPage(s.handleConsoleQueuePause))
	mux.Handle("POST /console/queue/settings", staffPage(s.handleConsoleQueueSettings))
	mux.Handle("POST /console/queue/tickets/{id}/move", staffPage(s.handleConsoleQueueMove))
	mux.Handle("POST /console/queue/tickets/{id}/{action}", staffPage(s.handleConsoleQueueAction))

	// Staff console JSON API: the same rules as the HTML forms (admin role for rooms,
	// schedules, exceptions, closures, hours and webhooks, own institution only, every
	// change audited).
	mux.Handle("GET /console/api/reservations", staffAPI(s.handleAPIConsoleReservations))
	mux.Handle("POST /console/api/reservations/{id}/reschedule", staffAPI(s.handleAPIConsoleReschedule))
	mux.Handle("POST /console/api/reservations/{id}/{action}", staffAPI(s.handleAPIConsoleAction))
	mux.Handle("GET /console/api/doctors", staffAPI(s.handleAPIConsoleDoctors))
	mux.Handle("GET /console/api/audit", staffAPI(s.handleAPIConsoleAudit))
	mux.Handle("POST /console/api/doctors", staffAPI(s.handleAPISaveDoctor))
	mux.Handle("PUT /console/api/doctors/{id}", staffAPI(s.handleAPISaveDoctor))
	mux.Handle("GET /console/api/doctors/{id}/schedule", staffAPI(s.handleAPIGetSchedule))
	mux.Handle("PUT /console/api/doctors/{id}/schedule", staffAPI(s.handleAPIPutSchedule))
	mux.Handle("PUT /console/api/doctors/{id}/exceptions/{date}", staffAPI(s.handleAPIPutException))
	mux.Handle("DELETE /console/api/doctors/{id}/exceptions/{date}", staffAPI(s.handleAPIDeleteException))
	mux.Handle("PUT /console/api/closures/{date}", staffAPI(s.handleAPIPutClosure))
	mux.Handle("DELETE /console/api/closures/{date}", staffAPI(s.handleAPIDeleteClosure))
	mux.Handle("PUT /console/api/hours", staffAPI(s.handleAPIPutHours))
	mux.Handle("GET /console/api/webhooks", staffAPI(s.handleAPIWebhooks))
	mux.Handle("POST /console/api/webhooks", staffAPI(s.handleAPICreateWebhook))

	// Anything else: 404 in the format of the surface.
	mux.Handle("/api/", s.api(s.handleNotFound))
	mux.Handle("/", s.page(s.handleNotFound))
	return mux
}

// routeMux is an http.ServeMux that remembers the patterns registered on it, so that a
// test can walk every route and a route nobody renders is found.
type routeMux struct {
	*http.ServeMux
	patterns []string
}

func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}
