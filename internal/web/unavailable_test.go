package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestDatabaseGoneAtRunTime: with the database unreachable, /readyz says 503 and pages
// and the API answer 503 in their own format, never a panic or a 500.
func TestDatabaseGoneAtRunTime(t *testing.T) {
	e := newAPIEnv(t)
	e.store.Close()
	if code, body := e.do(t, "GET", "/readyz", "", nil, nil); code != 503 || !strings.Contains(body, "unavailable") {
		t.Errorf("/readyz = %d %s", code, body)
	}
	if code, body := e.do(t, "GET", "/api/v1/doctors/1/slots", "", nil, nil); code != 503 || !strings.Contains(body, `"code":"unavailable"`) {
		t.Errorf("API = %d %s", code, body)
	}
	if code, body := e.do(t, "POST", "/api/v1/chat", `{"text":"목이 아파요"}`, nil, nil); code != 503 {
		t.Errorf("chat = %d %s", code, body)
	}
	code, body := e.do(t, "GET", "/hospitals/999999", "", nil, nil)
	if code != 503 || !strings.Contains(body, "<html") {
		t.Errorf("page = %d %.200s", code, body)
	}
	// The Kakao skill still answers 200 with an apology Kakao can show.
	r := kakaoTurn(t, e, "down-user", "목이 아파요", "")
	if !strings.Contains(responseText(r), "죄송") && !strings.Contains(responseText(r), "잠시") {
		t.Errorf("kakao while the database is down: %s", responseText(r))
	}
}

// TestSiteWithoutBooking: a server built without the booking service answers the
// booking and reservation pages with 503 in the page format, never a panic.
func TestSiteWithoutBooking(t *testing.T) {
	e := newSiteEnv(t)
	in := siteDemoHospital(t, e)
	e.srv.cfg.Booking = nil
	form := url.Values{"code": {"ABCD2345"}, "phone": {"010-1234-5678"}, "reason": {"일정 변경"}, "start": {"2026-11-26T09:00:00+09:00"}}
	for _, path := range []string{"/reservations/lookup", "/reservations/cancel", "/reservations/reschedule", "/reservations/ics", fmt.Sprintf("/hospitals/%d/book", in.ID)} {
		code, body, _ := e.post(t, path, form)
		if code != http.StatusServiceUnavailable || !strings.Contains(body, "<html") {
			t.Errorf("POST %s = %d %.200s", path, code, body)
		}
	}
}
