package web

// siteRoutes is the public website a patient opens from a KakaoTalk link or a search
// result. Every page works without JavaScript; only the map and "내 위치 사용" need it.
//
// Department pages live at /departments/{code} (D001 …), the URLs the chatbot links to.
// The original service's /categories/{slug}/sughospital links redirect there (301):
// nae→D001 내과, so→D002 소아청소년과, ebi→D013 이비인후과, jeong→D008 정형외과,
// pi→D005 피부과, an→D012 안과, san→D011 산부인과.
func (s *Server) siteRoutes(mux *routeMux) {
	mux.Handle("GET /hospitals", s.page(s.handleSiteHospitals))
	mux.Handle("GET /hospitals/{id}", s.page(s.handleSiteInstitution))
	mux.Handle("GET /departments/{code}", s.page(s.handleSiteDepartment))
	mux.Handle("GET /categories/{slug}/sughospital", s.page(s.handleSiteLegacy))

	// Booking and "my reservation": code and phone always travel in POST bodies.
	mux.Handle("GET /hospitals/{id}/book", s.page(s.handleSiteBook))
	mux.Handle("POST /hospitals/{id}/book", s.limitBody(maxPageBody, s.page(s.handleSiteBookPost)))
	mux.Handle("GET /reservations/lookup", s.page(s.handleSiteLookupForm))
	mux.Handle("POST /reservations/lookup", s.limitBody(maxPageBody, s.page(s.handleSiteLookup)))
	mux.Handle("POST /reservations/cancel", s.limitBody(maxPageBody, s.page(s.handleSiteCancel)))
	mux.Handle("POST /reservations/reschedule", s.limitBody(maxPageBody, s.page(s.handleSiteReschedule)))
	mux.Handle("POST /reservations/ics", s.limitBody(maxPageBody, s.page(s.handleSiteICS)))

	// The chat without JavaScript; chat.js upgrades it to POST /api/v1/chat.
	mux.Handle("GET /chat", s.page(s.handleSiteChat))
	mux.Handle("POST /chat", s.limitBody(maxPageBody, s.page(s.handleSiteChatPost)))
}
