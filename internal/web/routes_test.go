package web

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"strconv"
	"strings"
	"testing"

	"heydoctor"
)

// The kinds of user who can reach a route: a patient (no session), reception and admin staff
// of the hospital that owns the fixtures, and an admin of another hospital.
const (
	asPatient   = "patient"
	asReception = "reception"
	asAdmin     = "admin"
	asOther     = "other-hospital"
)

var routeUsers = []string{asPatient, asReception, asAdmin, asOther}

// routeWant is what one kind of user gets: a status and a piece of the body (or, for a
// redirect, of the Location header).
type routeWant struct {
	status int
	piece  string
}

// routeCase requests one registered GET pattern. The path may use {inst} (the owning
// hospital), {doctor} (one of its rooms) and {asset} (a hashed static file name). want
// is by kind of user; the "" entry applies to every kind without its own entry.
type routeCase struct {
	pattern string
	path    string
	header  map[string]string
	want    map[string]routeWant
}

func everyone(status int, piece string) map[string]routeWant {
	return map[string]routeWant{"": {status, piece}}
}

// staffOnly is a console page: a patient is sent to the login page, staff of any hospital
// see their own hospital's page.
func staffOnly(piece string) map[string]routeWant {
	return map[string]routeWant{asPatient: {http.StatusSeeOther, "/console/login?next="}, "": {http.StatusOK, piece}}
}

// staffAPI is a console JSON route for every staff role.
func staffAPI(piece string) map[string]routeWant {
	return map[string]routeWant{asPatient: {http.StatusUnauthorized, `"unauthorized"`}, "": {http.StatusOK, piece}}
}

// adminAPI is a console JSON route for admins only.
func adminAPI(piece string) map[string]routeWant {
	return map[string]routeWant{
		asPatient:   {http.StatusUnauthorized, `"unauthorized"`},
		asReception: {http.StatusForbidden, `"forbidden"`},
		"":          {http.StatusOK, piece},
	}
}

// routeCases has a row for every GET pattern in routes(); TestEveryGETRoute fails when a
// registered GET route has none.
var routeCases = []routeCase{
	{pattern: "GET /healthz", path: "/healthz", want: everyone(200, `"ok"`)},
	{pattern: "GET /readyz", path: "/readyz", want: everyone(200, `"ready"`)},
	{pattern: "GET /metrics", path: "/metrics", want: everyone(200, "heydoctor_http_request_duration_seconds")},
	{pattern: "GET /{$}", path: "/", want: everyone(200, "<title>HeyDoctor 헤이닥터</title>")},
	{pattern: "GET /static/{file}", path: "/static/{asset}", want: everyone(200, "font-family")},
	{pattern: "GET /api/v1/departments", path: "/api/v1/departments", want: everyone(200, `"name":"내과"`)},
	{pattern: "GET /api/v1/institutions", path: "/api/v1/institutions?lat=37.3400&lng=126.7335", want: everyone(200, `"items":[`)},
	{pattern: "GET /api/v1/institutions/{id}", path: "/api/v1/institutions/{inst}", want: everyone(200, `"id":{inst}`)},
	{pattern: "GET /api/v1/places", path: "/api/v1/places?q=시흥", want: everyone(200, `"name":"시흥시"`)},
	{pattern: "GET /api/v1/doctors/{id}/slots", path: "/api/v1/doctors/{doctor}/slots?date=2026-11-26", want: everyone(200, `"doctor_id":{doctor}`)},
	{pattern: "GET /api/v1/institutions/{id}/slots", path: "/api/v1/institutions/{inst}/slots?date=2026-11-26", want: everyone(200, `"institution_id":{inst}`)},
	{pattern: "GET /api/v1/reservations/{code}", path: "/api/v1/reservations/ABCD2345", want: everyone(400, `"field":"phone"`)},
	{pattern: "GET /api/v1/reservations/{code}", path: "/api/v1/reservations/ABCD2345", header: map[string]string{"X-Phone": "010-1234-5678"},
		want: everyone(404, `"not_found"`)},
	{pattern: "GET /api/v1/reservations/{code}/ics", path: "/api/v1/reservations/ABCD2345/ics", want: everyone(400, `"field":"phone"`)},
	{pattern: "GET /hospitals", path: "/hospitals?lat=37.3400&lng=126.7335", want: everyone(200, "<title>병원 찾기 ·")},
	{pattern: "GET /hospitals/{id}", path: "/hospitals/{inst}", want: everyone(200, "<title>의료법인 남촌의료재단 시화병원 ·")},
	{pattern: "GET /departments/{code}", path: "/departments/D001", want: everyone(200, "<title>내과 ·")},
	{pattern: "GET /categories/{slug}/sughospital", path: "/categories/nae/sughospital", want: everyone(301, "/departments/D001")},
	{pattern: "GET /hospitals/{id}/book", path: "/hospitals/{inst}/book", want: everyone(200, "<title>의료법인 남촌의료재단 시화병원 예약 ·")},
	{pattern: "GET /reservations/lookup", path: "/reservations/lookup", want: everyone(200, "<title>내 예약 ·")},
	{pattern: "GET /chat", path: "/chat", want: everyone(200, "<title>증상 상담 ·")},
	{pattern: "GET /console/login", path: "/console/login", want: everyone(200, "<title>직원 로그인 ·")},
	{pattern: "GET /console", path: "/console?date=2026-11-25", want: staffOnly("<title>예약 관리 ·")},
	{pattern: "GET /console/doctors", path: "/console/doctors", want: staffOnly("<title>진료실·일정 ·")},
	{pattern: "GET /console/doctors/{id}", path: "/console/doctors/{doctor}", want: map[string]routeWant{
		asPatient: {http.StatusSeeOther, "/console/login?next="},
		asOther:   {http.StatusNotFound, "<title>404 ·"},
		"":        {http.StatusOK, "진료실 ·"},
	}},
	{pattern: "GET /console/settings", path: "/console/settings", want: staffOnly("<title>휴진·진료시간 ·")},
	{pattern: "GET /console/floods", path: "/console/floods", want: staffOnly("<title>몰린 예약 ·")},
	{pattern: "GET /console/api/reservations", path: "/console/api/reservations?date=2026-11-25", want: staffAPI(`"date":"2026-11-25"`)},
	{pattern: "GET /console/api/doctors", path: "/console/api/doctors", want: staffAPI(`"items":[`)},
	{pattern: "GET /console/api/audit", path: "/console/api/audit", want: adminAPI(`"items":`)},
	{pattern: "GET /console/api/doctors/{id}/schedule", path: "/console/api/doctors/{doctor}/schedule", want: map[string]routeWant{
		asPatient: {http.StatusUnauthorized, `"unauthorized"`},
		asOther:   {http.StatusNotFound, `"not_found"`},
		"":        {http.StatusOK, `"blocks":[`},
	}},
	{pattern: "GET /api/v1/institutions/{id}/queue", path: "/api/v1/institutions/{inst}/queue", want: everyone(200, `"open":true`)},
	{pattern: "GET /api/v1/queue/{ticket}", path: "/api/v1/queue/ABCD2345", want: everyone(400, `"field":"phone"`)},
	{pattern: "GET /api/v1/queue/{ticket}", path: "/api/v1/queue/ABCD2345", header: map[string]string{"X-Phone": "010-1234-5678"},
		want: everyone(404, `"not_found"`)},
	{pattern: "GET /hospitals/{id}/queue", path: "/hospitals/{inst}/queue", want: everyone(200, "<title>의료법인 남촌의료재단 시화병원 모바일 접수 ·")},
	{pattern: "GET /queue/{ticket}", path: "/queue/ABCD2345", want: everyone(200, "<title>내 순서 ·")},
	{pattern: "GET /console/queue", path: "/console/queue", want: staffOnly("<title>접수 대기열 ·")},
	{pattern: "GET /console/queue/tv", path: "/console/queue/tv", want: staffOnly("<title>대기 화면 ·")},
	{pattern: "GET /console/api/webhooks", path: "/console/api/webhooks", want: adminAPI(`"items":`)},
	{pattern: "/api/", path: "/api/v1/nowhere", want: everyone(404, `"not_found"`)},
	{pattern: "/", path: "/nowhere", want: everyone(404, "<title>404 ·")},
}

// TestEveryGETRoute requests every route registered for GET as each kind of user who can
// reach it, and fails for a registered GET route that has no row in routeCases.
func TestEveryGETRoute(t *testing.T) {
	t.Parallel()
	e := newSiteEnv(t)
	ctx := context.Background()
	onboarded, err := e.store.ListInstitutions(ctx, heydoctor.InstitutionFilter{NameQuery: "시화병원", Onboarded: true})
	if err != nil || len(onboarded) == 0 {
		t.Fatalf("demo hospital: %v (%d found)", err, len(onboarded))
	}
	mine := onboarded[0]
	others, err := e.store.ListInstitutions(ctx, heydoctor.InstitutionFilter{Onboarded: true})
	if err != nil {
		t.Fatal(err)
	}
	var theirs *heydoctor.Institution
	for _, in := range others {
		if in.ID != mine.ID {
			theirs = in
			break
		}
	}
	if theirs == nil {
		t.Fatal("the demo seed has only one onboarded hospital")
	}
	doctors, err := e.store.ListDoctors(ctx, mine.ID)
	if err != nil || len(doctors) == 0 {
		t.Fatalf("rooms of %d: %v", mine.ID, err)
	}
	addStaff(t, e, mine.ID, "desk", heydoctor.RoleReception)
	addStaff(t, e, mine.ID, "boss", heydoctor.RoleAdmin)
	addStaff(t, e, theirs.ID, "other", heydoctor.RoleAdmin)
	logins := map[string]string{asReception: "desk", asAdmin: "boss", asOther: "other"}

	fill := strings.NewReplacer(
		"{inst}", strconv.FormatInt(mine.ID, 10),
		"{doctor}", strconv.FormatInt(doctors[0].ID, 10),
		"{asset}", e.srv.pages.hashed["app.css"],
	).Replace

	covered := map[string]bool{}
	for _, c := range routeCases {
		covered[c.pattern] = true
	}
	for _, p := range e.srv.patterns {
		method, _, hasMethod := strings.Cut(p, " ")
		if (!hasMethod || method == http.MethodGet) && !covered[p] {
			t.Errorf("route %q has no row in routeCases", p)
		}
	}

	for _, user := range routeUsers {
		t.Run(user, func(t *testing.T) {
			jar, _ := cookiejar.New(nil)
			e.client.Jar = jar
			if login, ok := logins[user]; ok {
				loginAs(t, e, login)
			}
			for _, c := range routeCases {
				want, ok := c.want[user]
				if !ok {
					want = c.want[""]
				}
				path := fill(c.path)
				req, err := http.NewRequest(http.MethodGet, e.ts.URL+path, nil)
				if err != nil {
					t.Fatal(err)
				}
				for k, v := range c.header {
					req.Header.Set(k, v)
				}
				resp, err := e.client.Do(req)
				if err != nil {
					t.Fatalf("GET %s: %v", path, err)
				}
				body := readAll(t, resp)
				if resp.StatusCode != want.status {
					t.Errorf("%s GET %s = %d, want %d", user, path, resp.StatusCode, want.status)
					continue
				}
				got := body
				if resp.StatusCode >= 300 && resp.StatusCode < 400 {
					got = resp.Header.Get("Location")
				}
				if piece := fill(want.piece); !strings.Contains(got, piece) {
					t.Errorf("%s GET %s: body lacks %q", user, path, piece)
				}
			}
		})
	}
}
