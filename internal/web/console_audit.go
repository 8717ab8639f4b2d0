package web

import "net/http"

func (s *Server) handleAPIConsoleAudit(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	list, err := s.cfg.Booking.Audit(r.Context(), st, 200)
	if err != nil {
		return err
	}
	return encode(w, http.StatusOK, map[string]any{"items": list})
}
