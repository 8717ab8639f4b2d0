package web

import "net/http"

// maxPageBody bounds form posts; JSON bodies have maxJSONBody and the Kakao skill its own.
const maxPageBody = 64 << 10

// routes is the whole URL surface of HeyDoctor. Every request first passes instrument
// (request id, client address, security headers, panic recovery, metrics, access log).
func (s *Server) routes() http.Handler {
	mux := &routeMux{ServeMux: http.NewServeMux()}
	defer func() { s.patterns = mux.patterns }()

	// Operations.
	mux.Handle("GET /healthz", s.api(s.handleHealthz))
	mux.Handle("GET /readyz", s.api(s.handleReadyz))
	mux.Handle("GET /metrics", s.metricsHandler())

	// Website.
	mux.Handle("GET /{$}", s.page(s.handleHome))
	mux.Handle("GET /static/{file}", s.page(s.handleStatic))

	// KakaoTalk skill: the handler checks the shared secret, then bounds the body, then decodes.
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

	// The public website (site_routes.go) and the staff console (console.go).
	s.siteRoutes(mux)
	s.consoleRoutes(mux)
	s.queueRoutes(mux) // same-day check-in: API, patient pages, queue board (api_queue.go)

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
