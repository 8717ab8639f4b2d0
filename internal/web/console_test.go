package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"heydoctor"
	"heydoctor/internal/booking"
)

// addStaff creates a console account with a cheap hash (tests only).
func addStaff(t *testing.T, e *siteEnv, inst int64, login string, role heydoctor.Role) {
	t.Helper()
	hash, err := HashPassword("correct horse battery", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateStaff(context.Background(), &heydoctor.Staff{InstitutionID: inst, Login: login, PasswordHash: hash, Role: role}); err != nil {
		t.Fatal(err)
	}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// loginAs logs the env's client in and returns the page's CSRF token.
func loginAs(t *testing.T, e *siteEnv, login string) string {
	t.Helper()
	code, _, hdr := e.post(t, "/console/login", url.Values{"login": {login}, "password": {"correct horse battery"}, "next": {"/console?date=2026-11-25"}})
	if code != http.StatusSeeOther || hdr.Get("Location") != "/console?date=2026-11-25" {
		t.Fatalf("login %s = %d %v", login, code, hdr)
	}
	code, body, _ := e.get(t, "/console?date=2026-11-25")
	m := csrfRE.FindStringSubmatch(body)
	if code != 200 || m == nil {
		t.Fatalf("console page = %d, csrf %v", code, m)
	}
	return m[1]
}

func TestConsole(t *testing.T) {
	e := newSiteEnv(t)
	ctx := context.Background()
	onboarded, err := e.store.ListInstitutions(ctx, heydoctor.InstitutionFilter{Onboarded: true})
	if err != nil || len(onboarded) < 2 {
		t.Fatalf("onboarded: %v %v", onboarded, err)
	}
	mine, theirs := onboarded[0], onboarded[1]
	addStaff(t, e, mine.ID, "desk", heydoctor.RoleReception)
	addStaff(t, e, theirs.ID, "other", heydoctor.RoleAdmin)

	// A patient books at "mine" for tomorrow.
	doctors, _ := e.store.ListDoctors(ctx, mine.ID)
	book := booking.NewService(e.store, e.dir.Calendar(), e.clock.Now, nil)
	slots, err := book.DoctorSlots(ctx, doctors[0].ID, "2026-11-25", "2026-11-25")
	if err != nil || len(slots) == 0 {
		t.Fatalf("slots: %v", err)
	}
	res, _, err := book.Book(ctx, booking.BookRequest{DoctorID: doctors[0].ID, Start: slots[0].Start, Name: "최환자", Phone: "01055556666", Channel: heydoctor.ChannelWeb})
	if err != nil {
		t.Fatal(err)
	}

	// Not logged in: pages go to login and come back, the API says 401.
	code, _, hdr := e.get(t, "/console?date=2026-11-25")
	if code != http.StatusSeeOther || !strings.HasPrefix(hdr.Get("Location"), "/console/login?next=") {
		t.Errorf("anonymous console = %d %v", code, hdr.Get("Location"))
	}
	if code, _, _ := e.get(t, "/console/api/reservations"); code != 401 {
		t.Errorf("anonymous API = %d", code)
	}
	// Wrong password: the form again with the error next to the field, the login kept.
	code, body, _ := e.post(t, "/console/login", url.Values{"login": {"desk"}, "password": {"nope"}})
	if code != 401 || !strings.Contains(body, "아이디 또는 비밀번호가 맞지 않아요") || !strings.Contains(body, `value="desk"`) {
		t.Errorf("wrong password = %d", code)
	}

	csrf := loginAs(t, e, "desk")
	_, body, _ = e.get(t, "/console?date=2026-11-25")
	mustContain(t, body, "최환자", "병원 확인 대기", "확정")

	// Without the CSRF token the action is refused and nothing changes.
	action := fmt.Sprintf("/console/reservations/%d/confirm", res.ID)
	if code, _, _ := e.post(t, action, url.Values{"date": {"2026-11-25"}}); code != 403 {
		t.Errorf("confirm without CSRF = %d", code)
	}
	if code, _, hdr := e.post(t, action, url.Values{"csrf": {csrf}, "date": {"2026-11-25"}}); code != http.StatusSeeOther || okBanner(t, e, hdr) == "" {
		t.Errorf("confirm = %d %v", code, hdr.Get("Location"))
	}
	got, _ := e.store.FindReservationByID(ctx, res.ID)
	if got.Status != heydoctor.StatusConfirmed {
		t.Errorf("status after confirm = %s", got.Status)
	}
	// Reject needs a reason: refused with a message, nothing changes.
	if code, _, hdr := e.post(t, fmt.Sprintf("/console/reservations/%d/cancel", res.ID), url.Values{"csrf": {csrf}, "date": {"2026-11-25"}}); code != http.StatusSeeOther || errBanner(t, e, hdr) == "" {
		t.Errorf("cancel without reason = %d %v", code, hdr.Get("Location"))
	}
	// Attended only once the visit is near: move the clock to the appointment.
	e.clock.Set(slots[0].Start.Add(5 * time.Minute))
	if code, _, hdr := e.post(t, fmt.Sprintf("/console/reservations/%d/attended", res.ID), url.Values{"csrf": {csrf}, "date": {"2026-11-25"}}); code != http.StatusSeeOther || okBanner(t, e, hdr) == "" {
		t.Errorf("attended = %d %v", code, hdr.Get("Location"))
	}
	if got, _ := e.store.FindReservationByID(ctx, res.ID); got.Status != heydoctor.StatusAttended {
		t.Errorf("status after attended = %s", got.Status)
	}
	e.clock.Set(siteNow)
	// Reception may not change schedules.
	if code, _, hdr := e.post(t, fmt.Sprintf("/console/doctors/%d/schedule", doctors[0].ID), url.Values{"csrf": {csrf}, "plan": {"월 0900-1200"},
		"slot_minutes": {"15"}, "capacity": {"1"}, "horizon_days": {"30"}, "min_notice_minutes": {"30"}}); code != http.StatusSeeOther || errBanner(t, e, hdr) == "" {
		t.Errorf("reception schedule edit = %d %v", code, hdr.Get("Location"))
	}
	// The JSON API lists the day with the same rows.
	var list struct {
		Items []consoleRow `json:"items"`
	}
	req, _ := http.NewRequest("GET", e.ts.URL+"/console/api/reservations?date=2026-11-25", nil)
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	decodeJSON(t, resp, &list)
	if len(list.Items) != 1 || list.Items[0].Status != "attended" {
		t.Errorf("API day list = %+v", list.Items)
	}

	// Another institution's admin sees nothing of it and cannot touch it.
	e.post(t, "/console/logout", url.Values{"csrf": {csrf}})
	csrf = loginAs(t, e, "other")
	_, body, _ = e.get(t, "/console?date=2026-11-25")
	mustNotContain(t, body, "최환자")
	if code, _, hdr := e.post(t, fmt.Sprintf("/console/reservations/%d/cancel", res.ID), url.Values{"csrf": {csrf}, "date": {"2026-11-25"}, "reason": {"x"}}); code != http.StatusSeeOther || errBanner(t, e, hdr) == "" {
		t.Errorf("cross-institution cancel = %d %v", code, hdr.Get("Location"))
	}
	if got, _ := e.store.FindReservationByID(ctx, res.ID); got.Status != heydoctor.StatusAttended {
		t.Errorf("another institution changed the reservation: %s", got.Status)
	}
	if code, _, _ := e.get(t, fmt.Sprintf("/console/doctors/%d", doctors[0].ID)); code != 404 {
		t.Errorf("another institution's room page = %d", code)
	}
	// An admin may add a closure, and the directory shows it at once.
	if code, _, hdr := e.post(t, "/console/closures", url.Values{"csrf": {csrf}, "date": {"2026-11-27"}, "note": {"학회"}}); code != http.StatusSeeOther || errBanner(t, e, hdr) != "" {
		t.Errorf("closure = %d %v", code, hdr.Get("Location"))
	}
	if cl := e.dir.Closures(theirs.ID); len(cl) != 1 {
		t.Errorf("closures in directory = %v", cl)
	}
}

func TestConsoleLoginRateLimit(t *testing.T) {
	e := newSiteEnv(t)
	for i := 0; i < 5; i++ {
		e.post(t, "/console/login", url.Values{"login": {"ghost"}, "password": {"guess" + fmt.Sprint(i)}})
	}
	code, body, _ := e.post(t, "/console/login", url.Values{"login": {"ghost"}, "password": {"guess"}})
	if code != 429 || !strings.Contains(body, "15분") {
		t.Errorf("sixth attempt = %d", code)
	}
}

func decodeJSON(t *testing.T, resp *http.Response, out any) {
	t.Helper()
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if err := jsonNewDecoder(resp).Decode(out); err != nil {
		t.Fatal(err)
	}
}

// consoleJSON sends a console API request with the session cookie and CSRF header.
func consoleJSON(t *testing.T, e *siteEnv, method, path, csrf, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", csrf)
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestConsoleJSONAPI(t *testing.T) {
	e := newSiteEnv(t)
	ctx := context.Background()
	onboarded, _ := e.store.ListInstitutions(ctx, heydoctor.InstitutionFilter{Onboarded: true})
	addStaff(t, e, onboarded[0].ID, "boss", heydoctor.RoleAdmin)
	csrf := loginAs(t, e, "boss")

	code, body := consoleJSON(t, e, "POST", "/console/api/doctors", csrf, `{"name":"피부과 진료실","department":"피부과","is_room":true}`)
	if code != 201 || !strings.Contains(body, `"department":"피부과"`) {
		t.Fatalf("create room = %d %s", code, body)
	}
	var id int64
	fmt.Sscanf(body[strings.Index(body, `"id":`)+5:], "%d", &id)
	if code, body := consoleJSON(t, e, "POST", "/console/api/doctors", "wrong", `{"name":"x","department":"내과"}`); code != 403 {
		t.Errorf("wrong CSRF = %d %s", code, body)
	}
	for _, bad := range []struct{ body, field string }{
		{`{"blocks":[{"weekday":1,"start":"0900","end":"1200"},{"weekday":1,"start":"1100","end":"1300"}],"slot_minutes":15,"capacity":1,"horizon_days":30,"min_notice_minutes":30}`, "blocks"},
		{`{"blocks":[{"weekday":1,"start":"0900","end":"1200"}],"slot_minutes":0,"capacity":-1,"horizon_days":30,"min_notice_minutes":30}`, ""},
		{`{"blocks":[{"weekday":1,"start":"9시","end":"1200"}],"slot_minutes":15,"capacity":1,"horizon_days":30,"min_notice_minutes":30}`, ""},
	} {
		code, body := consoleJSON(t, e, "PUT", fmt.Sprintf("/console/api/doctors/%d/schedule", id), csrf, bad.body)
		if code != 400 || (bad.field != "" && !strings.Contains(body, `"field":"`+bad.field)) {
			t.Errorf("bad schedule %s = %d %s", bad.body, code, body)
		}
	}
	good := `{"blocks":[{"weekday":1,"start":"0900","end":"1230"},{"weekday":1,"start":"1330","end":"1800"}],"slot_minutes":20,"capacity":2,"horizon_days":14,"min_notice_minutes":60}`
	if code, body := consoleJSON(t, e, "PUT", fmt.Sprintf("/console/api/doctors/%d/schedule", id), csrf, good); code != 200 {
		t.Errorf("schedule = %d %s", code, body)
	}
	if code, body := consoleJSON(t, e, "GET", fmt.Sprintf("/console/api/doctors/%d/schedule", id), csrf, ""); code != 200 || !strings.Contains(body, `"capacity":2`) {
		t.Errorf("get schedule = %d %s", code, body)
	}
	if code, body := consoleJSON(t, e, "PUT", fmt.Sprintf("/console/api/doctors/%d/exceptions/2026-12-07", id), csrf, `{"closed":true,"note":"학회"}`); code != 200 {
		t.Errorf("exception = %d %s", code, body)
	}
	if code, _ := consoleJSON(t, e, "DELETE", fmt.Sprintf("/console/api/doctors/%d/exceptions/2026-12-07", id), csrf, ""); code != 204 {
		t.Errorf("delete exception = %d", code)
	}
	if code, body := consoleJSON(t, e, "PUT", "/console/api/closures/2026-12-31", csrf, `{"open":"0900","close":"1300","note":"단축 진료"}`); code != 200 {
		t.Errorf("closure = %d %s", code, body)
	}
	if code, body := consoleJSON(t, e, "PUT", "/console/api/hours", csrf, `{"days":[{"open":"0900","close":"1800"},{"open":"0900","close":"1800"},{},{},{},{},{},{}]}`); code != 200 {
		t.Errorf("hours = %d %s", code, body)
	}
	if code, body := consoleJSON(t, e, "PUT", "/console/api/hours", csrf, `{"days":[{"open":"25:00","close":"1800"},{},{},{},{},{},{},{}]}`); code != 400 {
		t.Errorf("bad hours = %d %s", code, body)
	}
	for _, u := range []string{"http://hospital.example/hook", "https://127.0.0.1/x", "https://10.1.2.3/x", "https://localhost/x", "https://user:pw@hospital.example/",
		// The independent tester's bypasses.
		"https://localhost./", "https://127.1/", "https://0x7f.0.0.1/", "https://0177.0.0.1/", "https://169.254.169.254./",
		"https://metadata.google.internal/", "https://100.64.0.1/", "https://[64:ff9b::7f00:1]/"} {
		if code, body := consoleJSON(t, e, "POST", "/console/api/webhooks", csrf, `{"url":"`+u+`"}`); code != 400 || !strings.Contains(body, `"field":"url"`) {
			t.Errorf("webhook %s = %d %s", u, code, body)
		}
	}
	code, body = consoleJSON(t, e, "POST", "/console/api/webhooks", csrf, `{"url":"https://emr.hospital.example/heydoctor"}`)
	if code != 201 || !strings.Contains(body, `"secret":"`) {
		t.Errorf("webhook = %d %s", code, body)
	}
	if code, body := consoleJSON(t, e, "GET", "/console/api/webhooks", csrf, ""); code != 200 || strings.Contains(body, `"secret"`) {
		t.Errorf("webhook list = %d %s (must not show the secret again)", code, body)
	}
	if code, body := consoleJSON(t, e, "GET", "/console/api/audit", csrf, ""); code != 200 || !strings.Contains(body, "schedule") || !strings.Contains(body, "webhook.create") {
		t.Errorf("audit = %d %.300s", code, body)
	}
}

// TestConsoleSpanForms: the exception and closure forms read "HHMM-HHMM" with one rule
// (hours.ParseSpan): a span without its "-" is refused with a message and nothing is
// stored; a good span is kept.
func TestConsoleSpanForms(t *testing.T) {
	e := newSiteEnv(t)
	ctx := context.Background()
	inst := siteDemoHospital(t, e)
	addStaff(t, e, inst.ID, "boss", heydoctor.RoleAdmin)
	csrf := loginAs(t, e, "boss")
	doctors, err := e.store.ListDoctors(ctx, inst.ID)
	if err != nil || len(doctors) == 0 {
		t.Fatalf("doctors: %v", err)
	}
	exceptions := fmt.Sprintf("/console/doctors/%d/exceptions", doctors[0].ID)
	for _, tt := range []struct{ path, hours string }{{exceptions, "0900"}, {exceptions, "0900~1300"}, {"/console/closures", "0900"}, {"/console/closures", "0900 1300"}} {
		code, _, hdr := e.post(t, tt.path, url.Values{"csrf": {csrf}, "date": {"2026-12-09"}, "hours": {tt.hours}})
		if bad := errBanner(t, e, hdr); code != http.StatusSeeOther || !strings.Contains(bad, "0900-1300처럼") {
			t.Errorf("POST %s hours=%q = %d, error banner %q", tt.path, tt.hours, code, bad)
		}
	}
	if exc, _ := e.store.ListExceptions(ctx, doctors[0].ID, "2026-12-09", "2026-12-09"); len(exc) != 0 {
		t.Errorf("a refused exception was stored: %+v", exc)
	}
	if cl, _ := e.store.ListClosures(ctx, inst.ID, "2026-12-09"); len(cl) != 0 {
		t.Errorf("a refused closure was stored: %+v", cl)
	}
	for _, path := range []string{exceptions, "/console/closures"} {
		code, _, hdr := e.post(t, path, url.Values{"csrf": {csrf}, "date": {"2026-12-09"}, "hours": {" 0900 - 1300 "}})
		if ok := okBanner(t, e, hdr); code != http.StatusSeeOther || ok == "" {
			t.Errorf("POST %s with a good span = %d, ok banner %q", path, code, ok)
		}
	}
	exc, _ := e.store.ListExceptions(ctx, doctors[0].ID, "2026-12-09", "2026-12-09")
	if len(exc) != 1 || len(exc[0].Blocks) != 1 || exc[0].Blocks[0].Start != "0900" || exc[0].Blocks[0].End != "1300" {
		t.Errorf("stored exception = %+v", exc)
	}
	cl, _ := e.store.ListClosures(ctx, inst.ID, "2026-12-09")
	if len(cl) != 1 || cl[0].Hours != (heydoctor.Span{Open: "0900", Close: "1300"}) {
		t.Errorf("stored closure = %+v", cl)
	}
}
