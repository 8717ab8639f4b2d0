package web

import (
	"net/http"

	"heydoctor/internal/booking"
)

func (s *Server) handleAPIConsoleAudit(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	if err := booking.Authorize(st, booking.PermAudit); err != nil {
		return err
	}
	list, err := s.cfg.Store.ListAudit(r.Context(), st.InstitutionID, 200)
	if err != nil {
		return err
	}
	return encode(w, http.StatusOK, map[string]any{"items": list})
}
