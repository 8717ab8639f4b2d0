package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"heydoctor"
	"heydoctor/internal/booking"
)

// serveFrom sends a request straight to the handler as a client at addr.
func serveFrom(tb testing.TB, h http.Handler, addr, method, path, contentType, body string, hdr map[string]string) (int, string) {
	tb.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	req.RemoteAddr = addr + ":40000"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(b)
}

var kakaoCodeRE = regexp.MustCompile(`예약번호: ([A-Z0-9]+)`)

// kakaoBook walks one KakaoTalk booking as user and returns its code (or the last reply).
func kakaoBook(t *testing.T, e *apiEnv, user, name, phone string) (code, last string) {
	t.Helper()
	r := kakaoTurn(t, e, user, "처음으로", "")
	r = kakaoTurn(t, e, user, "내과 찾기", choiceValue(t, r, "내과 찾기"))
	if strings.Contains(responseText(r), "어디 근처") {
		r = kakaoTurn(t, e, user, "정왕동", "")
	}
	r = kakaoTurn(t, e, user, "예약", choiceValue(t, r, "예약"))
	r = kakaoTurn(t, e, user, "내과", choiceValue(t, r, "내과"))
	r = kakaoTurn(t, e, user, "날짜", choiceValue(t, r, "11/26"))
	kakaoTurn(t, e, user, "시간", choiceValue(t, r, ":"))
	kakaoTurn(t, e, user, name, "")
	r = kakaoTurn(t, e, user, phone, "")
	r = kakaoTurn(t, e, user, "예약하기", choiceValue(t, r, "예약하기"))
	text := responseText(r)
	if m := kakaoCodeRE.FindStringSubmatch(text); m != nil {
		return m[1], text
	}
	return "", text
}

// TestKakaoSameNameAndPhone: two KakaoTalk users booking as 홍길동 with one phone each
// see only their own booking under 내 예약; one sees the other's only after proving it
// with the code and phone.
func TestKakaoSameNameAndPhone(t *testing.T) {
	e := newAPIEnv(t)
	first, text := kakaoBook(t, e, "kakao-first", "홍길동", "010-7777-8888")
	if first == "" {
		t.Fatalf("first booking: %s", text)
	}
	second, text := kakaoBook(t, e, "kakao-second", "홍길동", "010-7777-8888")
	if second == "" {
		t.Fatalf("second booking: %s", text)
	}
	mine := func(user string) string { return responseText(kakaoTurn(t, e, user, "내 예약", "")) }
	if got := mine("kakao-first"); !strings.Contains(got, first) || strings.Contains(got, second) {
		t.Errorf("first user's list: want %s only, got %s", first, got)
	}
	if got := mine("kakao-second"); !strings.Contains(got, second) || strings.Contains(got, first) {
		t.Errorf("second user's list: want %s only, got %s", second, got)
	}
	// A cancel button for someone else's code does nothing.
	r := kakaoTurn(t, e, "kakao-second", "예약 취소", "cancel:"+first)
	if strings.Contains(responseText(r), "취소했어요") {
		t.Errorf("second user cancelled the first user's booking: %s", responseText(r))
	}

	// Linking with a wrong phone fails; with the code and phone it works.
	link := func(user, code, phone string) string {
		r := kakaoTurn(t, e, user, "내 예약", "")
		kakaoTurn(t, e, user, "다른 예약 불러오기", choiceValue(t, r, "불러오기"))
		kakaoTurn(t, e, user, code, "")
		return responseText(kakaoTurn(t, e, user, phone, ""))
	}
	if got := link("kakao-second", first, "010-1111-2222"); strings.Contains(got, "불러왔어요") {
		t.Errorf("link with a wrong phone: %s", got)
	}
	if got := link("kakao-second", first, "010-7777-8888"); !strings.Contains(got, "불러왔어요") || !strings.Contains(got, first) {
		t.Errorf("link with code and phone: %s", got)
	}
	if got := mine("kakao-first"); strings.Contains(got, second) {
		t.Errorf("linking gave the first user the second's booking: %s", got)
	}
}

// TestBookingFloodSurfaces: a flood is refused with 429 in each surface's format, in
// Korean: JSON on the API, an HTML page on the website, a reply on KakaoTalk.
func TestBookingFloodSurfaces(t *testing.T) {
	e := newAPIEnv(t)
	lim := booking.DefaultLimits
	doctor, _ := firstSlot(t, e)
	var slots struct {
		Items []slotJSON `json:"items"`
	}
	if code, body := e.do(t, "GET", fmt.Sprintf("/api/v1/doctors/%d/slots?from=2026-11-26&to=2026-11-30", doctor), "", nil, &slots); code != 200 || len(slots.Items) < 30 {
		t.Fatalf("slots = %d %s", code, body)
	}
	h := e.srv.Handler()
	book := func(addr string, i int, phone string) (int, string) {
		body := fmt.Sprintf(`{"doctor_id":%d,"start":%q,"name":"홍길동","phone":%q}`, doctor, slots.Items[i].Start, phone)
		return serveFrom(t, h, addr, "POST", "/api/v1/reservations", "application/json", body, nil)
	}
	t.Run("api phone", func(t *testing.T) {
		for i := range lim.PhoneActiveInstitution {
			if code, body := book(fmt.Sprintf("203.0.113.%d", i+1), i, "010-5555-0000"); code != 201 {
				t.Fatalf("booking %d = %d %s", i, code, body)
			}
		}
		code, body := book("203.0.113.50", lim.PhoneActiveInstitution, "010-5555-0000")
		if code != http.StatusTooManyRequests || !strings.Contains(body, `"code":"too_many_requests"`) || !strings.Contains(body, `"field":"phone"`) || !strings.Contains(body, "전화번호") {
			t.Errorf("one phone over its share = %d %s", code, body)
		}
	})
	t.Run("api address", func(t *testing.T) {
		var code int
		var body string
		n := 0
		for i := 10; i < 30 && code != http.StatusTooManyRequests; i++ {
			code, body = book("198.51.100.9", i, fmt.Sprintf("010-6666-%04d", i))
			n++
		}
		if code != http.StatusTooManyRequests || n != lim.AddrPerHour+1 || !strings.Contains(body, "예약이 너무 많아요") {
			t.Errorf("one address: refused after %d with %d %s; want after %d", n, code, body, lim.AddrPerHour)
		}
	})
	t.Run("website", func(t *testing.T) {
		in := siteDemoHospital(t, e.siteEnv)
		path, doctor, slots, _ := siteOpenBooking(t, e.siteEnv, in, "2026-11-27")
		var code int
		var body string
		n := 0
		for i := 0; i < len(slots) && code != http.StatusTooManyRequests; i++ {
			form := url.Values{"doctor": {doctor}, "start": {slots[i]}, "name": {"홍길동"}, "phone": {fmt.Sprintf("010-4444-%04d", i)}, "key": {fmt.Sprintf("flood-form-key-%04d", i)}}
			code, body = serveFrom(t, h, "192.0.2.77", "POST", path, "application/x-www-form-urlencoded", form.Encode(), nil)
			n++
		}
		if code != http.StatusTooManyRequests || n != lim.AddrPerHour+1 || !strings.Contains(body, "<html") || !strings.Contains(body, "예약이 너무 많아요") {
			t.Errorf("website flood: refused after %d with %d\n%s", n, code, siteMain(body))
		}
	})
	t.Run("kakao", func(t *testing.T) {
		var text string
		for i := range lim.KakaoActive {
			code, text := kakaoBook(t, e, "kakao-flood", "홍길동", fmt.Sprintf("010-3333-%04d", i))
			if code == "" {
				t.Fatalf("kakao booking %d: %s", i, text)
			}
		}
		_, text = kakaoBook(t, e, "kakao-flood", "홍길동", "010-3333-9999")
		if !strings.Contains(text, "이 계정으로 잡힌 예약이 이미") {
			t.Errorf("kakao flood reply: %s", text)
		}
	})
}

// TestLookupLimits: wrong phones for one code are limited from anywhere, and failed
// lookups are limited per address; the API answers 429 in JSON, the website a page.
func TestLookupLimits(t *testing.T) {
	e := newAPIEnv(t)
	lim := booking.DefaultLimits
	doctor, start := firstSlot(t, e)
	var r reservationJSON
	if code, raw := e.do(t, "POST", "/api/v1/reservations", fmt.Sprintf(`{"doctor_id":%d,"start":%q,"name":"김하나","phone":"010-1234-5678"}`, doctor, start), nil, &r); code != 201 {
		t.Fatalf("book = %d %s", code, raw)
	}
	h := e.srv.Handler()
	guess := func(addr, code, phone string) (int, string) {
		form := url.Values{"code": {code}, "phone": {phone}}
		return serveFrom(t, h, addr, "POST", "/reservations/lookup", "application/x-www-form-urlencoded", form.Encode(), nil)
	}
	t.Run("per code from many addresses", func(t *testing.T) {
		for i := range lim.LookupFailsPerCode {
			if code, _ := guess(fmt.Sprintf("203.0.113.%d", i+1), r.Code, fmt.Sprintf("010-0000-%04d", i)); code != http.StatusNotFound {
				t.Fatalf("guess %d = %d, want 404", i, code)
			}
		}
		code, body := guess("203.0.113.200", r.Code, "010-0000-9999")
		if code != http.StatusTooManyRequests || !strings.Contains(body, "잘못 조회한 횟수가 너무 많아요") {
			t.Errorf("guess past the limit = %d\n%s", code, siteMain(body))
		}
		code, body = serveFrom(t, h, "203.0.113.201", "GET", "/api/v1/reservations/"+r.Code, "", "", map[string]string{"X-Phone": "010-0000-9998"})
		if code != http.StatusTooManyRequests || !strings.Contains(body, `"code":"too_many_requests"`) {
			t.Errorf("API guess past the limit = %d %s", code, body)
		}
	})
	t.Run("per address over many codes", func(t *testing.T) {
		n, code := 0, 0
		for i := 0; i < 40 && code != http.StatusTooManyRequests; i++ {
			code, _ = guess("198.51.100.33", "ZZZZ"+string("ABCDEFGHJK"[i/10])+string("ABCDEFGHJK"[i%10]), "010-0000-0000")
			n++
		}
		if code != http.StatusTooManyRequests || n != lim.LookupFailsPerClient+1 {
			t.Errorf("one address: refused after %d (%d), want after %d", n, code, lim.LookupFailsPerClient)
		}
		// Another address is not held back.
		if code, _ := guess("198.51.100.34", "ZZZZ9999", "010-0000-0000"); code != http.StatusNotFound {
			t.Errorf("another address = %d, want 404", code)
		}
	})
}

// TestPhoneNeverInURL: the API takes the phone from the X-Phone header or the body only;
// ?phone= unlocks nothing.
func TestPhoneNeverInURL(t *testing.T) {
	e := newAPIEnv(t)
	doctor, start := firstSlot(t, e)
	var r reservationJSON
	if code, raw := e.do(t, "POST", "/api/v1/reservations", fmt.Sprintf(`{"doctor_id":%d,"start":%q,"name":"김하나","phone":"010-1234-5678"}`, doctor, start), nil, &r); code != 201 {
		t.Fatalf("book = %d %s", code, raw)
	}
	for _, tt := range []struct{ method, path string }{
		{"GET", "/api/v1/reservations/" + r.Code + "?phone=01012345678"},
		{"GET", "/api/v1/reservations/" + r.Code + "/ics?phone=01012345678"},
		{"DELETE", "/api/v1/reservations/" + r.Code + "?phone=01012345678"},
	} {
		code, body := e.do(t, tt.method, tt.path, "", nil, nil)
		if code != http.StatusBadRequest || !strings.Contains(body, `"field":"phone"`) {
			t.Errorf("%s %s = %d %s; want 400 naming phone", tt.method, tt.path, code, body)
		}
	}
	if code, raw := e.do(t, "GET", "/api/v1/reservations/"+r.Code, "", map[string]string{"X-Phone": "010-1234-5678"}, nil); code != 200 {
		t.Errorf("header lookup = %d %s", code, raw)
	}
}

// TestConsoleFloods: reception sees a phone that holds many bookings and cancels them at
// once; a booking staff made for that phone is kept.
func TestConsoleFloods(t *testing.T) {
	e := newSiteEnv(t)
	ctx := context.Background()
	in := siteDemoHospital(t, e)
	addStaff(t, e, in.ID, "desk", heydoctor.RoleReception)
	doctors, err := e.store.ListDoctors(ctx, in.ID)
	if err != nil || len(doctors) == 0 {
		t.Fatalf("rooms: %v", err)
	}
	book := e.srv.cfg.Booking
	slots, err := book.DoctorSlots(ctx, doctors[0].ID, "2026-11-26", "2026-11-27")
	if err != nil || len(slots) < 5 {
		t.Fatalf("slots: %d %v", len(slots), err)
	}
	for i, ch := range []heydoctor.Channel{heydoctor.ChannelWeb, heydoctor.ChannelAPI, heydoctor.ChannelWeb, heydoctor.ChannelStaff} {
		if _, _, err := book.Book(ctx, booking.BookRequest{DoctorID: doctors[0].ID, Start: slots[i].Start, Name: fmt.Sprintf("장난%d", i), Phone: "010-4040-4040", Channel: ch}); err != nil {
			t.Fatalf("booking %d: %v", i, err)
		}
	}
	csrf := loginAs(t, e, "desk")
	code, body, _ := e.get(t, "/console/floods")
	if code != http.StatusOK {
		t.Fatalf("floods page = %d", code)
	}
	mustContain(t, siteMain(body), "010-4040-4040", "3건 모두 취소")
	code, _, hdr := e.post(t, "/console/floods/cancel", url.Values{"csrf": {csrf}, "phone": {"01040404040"}, "reason": {"장난 예약"}})
	if ok := okBanner(t, e, hdr); code != http.StatusSeeOther || ok != "예약 3건을 취소했어요" {
		t.Errorf("cancel the flood = %d, banner %q", code, ok)
	}
	list, err := book.DayList(ctx, &heydoctor.Staff{ID: 1, InstitutionID: in.ID, Role: heydoctor.RoleReception}, "2026-11-26", nil)
	if err != nil {
		t.Fatal(err)
	}
	left := map[heydoctor.ReservationStatus]int{}
	for _, r := range list {
		left[r.Status]++
	}
	if left[heydoctor.StatusCancelled] != 3 || left[heydoctor.StatusCancelled]+left[heydoctor.StatusRequested]+left[heydoctor.StatusConfirmed] != 4 {
		t.Errorf("after the cancel: %v; want 3 cancelled and the staff booking kept", left)
	}
	if _, body, _ := e.get(t, "/console/floods"); strings.Contains(body, "010-4040-4040") {
		t.Error("the cancelled flood is still listed")
	}
}
