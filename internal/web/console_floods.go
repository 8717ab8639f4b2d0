package web

import (
	"fmt"
	"net/http"

	"heydoctor"
	"heydoctor/internal/booking"
)

type floodRow struct {
	Phone, Digits string
	Count, Names  int
	First, Last   string
}

type floodsPage struct {
	consoleBase
	Minimum int
	Floods  []floodRow
}

// handleConsoleFloods lists the phones that hold many upcoming bookings at the staff
// member's hospital, each with a button that cancels all of them.
func (s *Server) handleConsoleFloods(w http.ResponseWriter, r *http.Request) error {
	base, err := s.consoleBase(r, "floods")
	if err != nil {
		return err
	}
	list, err := s.cfg.Booking.Floods(r.Context(), base.Staff)
	if err != nil {
		return err
	}
	p := floodsPage{consoleBase: base, Minimum: booking.FloodMinimum}
	for _, c := range list {
		p.Floods = append(p.Floods, floodRow{Phone: booking.FormatPhone(c.Phone), Digits: c.Phone, Count: c.Count, Names: c.Names,
			First: c.First.In(heydoctor.KST).Format("1/2 15:04"), Last: c.Last.In(heydoctor.KST).Format("1/2 15:04")})
	}
	return s.render(w, r, http.StatusOK, "console_floods", "몰린 예약", p)
}

func (s *Server) handleConsoleCancelFlood(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	n, err := s.cfg.Booking.CancelPhone(r.Context(), st, r.PostFormValue("phone"), r.PostFormValue("reason"))
	if err != nil {
		return s.consoleRedirectErr(w, r, "/console/floods", err)
	}
	s.redirectFlash(w, r, "/console/floods", flashOK, fmt.Sprintf("예약 %d건을 취소했어요", n))
	return nil
}
