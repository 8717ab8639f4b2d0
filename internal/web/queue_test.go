package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"heydoctor"
)

// queueHospital is the demo hospital whose check-in queue follows its hours (open at the
// tests' clock).
func queueHospital(tb testing.TB, e *siteEnv) *heydoctor.Institution {
	tb.Helper()
	list, err := e.store.ListInstitutions(context.Background(), heydoctor.InstitutionFilter{NameQuery: "시화병원", Onboarded: true})
	if err != nil || len(list) == 0 {
		tb.Fatalf("demo hospital: %v (%d found)", err, len(list))
	}
	return list[0]
}

func TestQueueAPI(t *testing.T) {
	t.Parallel()
	e := newAPIEnv(t)
	in := queueHospital(t, e.siteEnv)
	path := fmt.Sprintf("/api/v1/institutions/%d/queue", in.ID)
	var got ticketJSON
	code, body := e.do(t, "POST", path, `{"name":"김하나","phone":"010-2222-3333","note":"열이 나요"}`, nil, &got)
	if code != http.StatusCreated || got.Number != 1 || got.Ahead != 0 || !got.Soon || got.Ticket == "" ||
		got.StatusURL != "http://example.test/queue/"+got.Ticket || got.Estimate == nil || !got.Demo {
		t.Fatalf("check-in = %d %s", code, body)
	}
	if strings.Contains(body, "열이 나요") || strings.Contains(body, "01022223333") {
		t.Errorf("check-in answer repeats the reason or the phone: %s", body)
	}
	tests := []struct {
		name   string
		method string
		path   string
		body   string
		hdr    map[string]string
		status int
		piece  string
	}{
		{"second active ticket", "POST", path, `{"name":"김하나","phone":"01022223333"}`, nil, 409, "이미 있어요"},
		{"missing name", "POST", path, `{"phone":"01022224444"}`, nil, 400, `"field":"name"`},
		{"unknown field", "POST", path, `{"name":"김","phone":"01022224444","ssn":"x"}`, nil, 400, `"field":"ssn"`},
		{"not onboarded", "POST", "/api/v1/institutions/1/queue", `{"name":"김","phone":"01022224444"}`, nil, 404, "not_found"},
		{"status", "GET", "/api/v1/queue/" + got.Ticket, "", map[string]string{"X-Phone": "010 2222 3333"}, 200, `"status":"waiting"`},
		{"status, wrong phone", "GET", "/api/v1/queue/" + got.Ticket, "", map[string]string{"X-Phone": "01099998888"}, 404, "not_found"},
		{"status, no phone", "GET", "/api/v1/queue/" + got.Ticket, "", nil, 400, `"field":"phone"`},
		{"cancel", "DELETE", "/api/v1/queue/" + got.Ticket, "", map[string]string{"X-Phone": "01022223333"}, 200, `"status":"cancelled"`},
		{"cancel again", "DELETE", "/api/v1/queue/" + got.Ticket, "", map[string]string{"X-Phone": "01022223333"}, 409, "conflict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := e.do(t, tt.method, tt.path, tt.body, tt.hdr, nil)
			if code != tt.status || !strings.Contains(body, tt.piece) {
				t.Errorf("%s %s = %d %s; want %d with %q", tt.method, tt.path, code, body, tt.status, tt.piece)
			}
		})
	}
	// Paused by reception: a 409 in Korean.
	qs, _ := e.store.FindQueueSettings(context.Background(), in.ID)
	qs.Paused = true
	if err := e.store.SaveQueueSettings(context.Background(), &qs); err != nil {
		t.Fatal(err)
	}
	if code, body := e.do(t, "POST", path, `{"name":"박","phone":"01033334444"}`, nil, nil); code != 409 || !strings.Contains(body, "잠시 멈췄어요") {
		t.Errorf("paused check-in = %d %s", code, body)
	}
	qs.Paused = false
	if err := e.store.SaveQueueSettings(context.Background(), &qs); err != nil {
		t.Fatal(err)
	}
	// Past the limits: 429. The phone has tried twice (once refused as a second ticket);
	// three more pass, the sixth attempt in the hour is refused.
	for i := range 4 {
		code, body := e.do(t, "POST", path, `{"name":"김하나","phone":"01022223333"}`, nil, &got)
		if i == 3 {
			if code != 429 || !strings.Contains(body, "too_many_requests") {
				t.Errorf("check-in past the limit = %d %s", code, body)
			}
			break
		}
		if code != 201 {
			t.Fatalf("check-in %d = %d %s", i, code, body)
		}
		e.do(t, "DELETE", "/api/v1/queue/"+got.Ticket, "", map[string]string{"X-Phone": "01022223333"}, nil)
	}
}

var ticketPathRE = regexp.MustCompile(`^/queue/([A-Z0-9]+)$`)

func TestQueuePages(t *testing.T) {
	t.Parallel()
	e := newSiteEnv(t)
	in := queueHospital(t, e)
	code, body, _ := e.get(t, fmt.Sprintf("/hospitals/%d", in.ID))
	if code != 200 {
		t.Fatalf("institution page = %d", code)
	}
	mustContain(t, body, fmt.Sprintf(`href="/hospitals/%d/queue"`, in.ID), "지금 접수")
	_, body, _ = e.get(t, "/departments/D001?lat=37.3400&lng=126.7335")
	mustContain(t, body, fmt.Sprintf(`href="/hospitals/%d/queue"`, in.ID))
	code, body, _ = e.get(t, fmt.Sprintf("/hospitals/%d/queue", in.ID))
	if code != 200 {
		t.Fatalf("check-in page = %d", code)
	}
	mustContain(t, body, "지금 기다리는 사람 <strong>0명</strong>", `name="child_name"`, "데모")
	// A form error keeps what was typed.
	code, body, _ = e.post(t, fmt.Sprintf("/hospitals/%d/queue", in.ID), url.Values{"name": {"홍길동"}, "phone": {"12"}})
	if code != 400 {
		t.Errorf("bad phone = %d", code)
	}
	mustContain(t, body, `value="홍길동"`, "올바른 전화번호가 아니에요")

	code, _, hdr := e.post(t, fmt.Sprintf("/hospitals/%d/queue", in.ID), url.Values{"name": {"홍길동"}, "phone": {"010-5555-6666"}, "child_name": {"홍아기"}, "note": {"기침"}})
	m := ticketPathRE.FindStringSubmatch(hdr.Get("Location"))
	if code != http.StatusSeeOther || m == nil {
		t.Fatalf("check-in = %d, Location %q", code, hdr.Get("Location"))
	}
	ticketPath := m[0]
	code, body, hdr = e.get(t, ticketPath)
	if code != 200 || len(body) > 20<<10 || hdr.Get("Cache-Control") != "no-store" {
		t.Errorf("status page = %d, %d bytes, cache %q", code, len(body), hdr.Get("Cache-Control"))
	}
	mustContain(t, body, `class="ticket-number">1<`, "곧 차례예요", `data-refresh="10"`, "홍*기", "접수 취소")
	mustNotContain(t, body, "01055556666", "010-5555-6666", "기침", "홍아기")

	// Without the cookie (another browser) the page asks for the phone first.
	other := &http.Client{CheckRedirect: e.client.CheckRedirect}
	jar, _ := cookiejar.New(nil)
	other.Jar = jar
	resp, err := other.Get(e.ts.URL + ticketPath)
	if err != nil {
		t.Fatal(err)
	}
	body = readAll(t, resp)
	mustContain(t, body, "내 순서 보기", `name="phone"`)
	mustNotContain(t, body, "곧 차례예요", "홍*기")
	resp, err = other.PostForm(e.ts.URL+ticketPath, url.Values{"phone": {"01055556667"}})
	if err != nil {
		t.Fatal(err)
	}
	if body = readAll(t, resp); resp.StatusCode != 404 || !strings.Contains(body, "찾을 수 없어요") {
		t.Errorf("wrong phone = %d", resp.StatusCode)
	}

	// Reception sees the ticket with its reason; the TV shows the masked name only.
	addStaff(t, e, in.ID, "desk", heydoctor.RoleReception)
	csrf := loginAs(t, e, "desk")
	code, body, _ = e.get(t, "/console/queue")
	if code != 200 {
		t.Fatalf("reception board = %d", code)
	}
	mustContain(t, body, "홍길동", "(아이: 홍아기)", "방문 이유: 기침", "다음 환자 호출", `id="day-list"`)
	code, _, hdr = e.post(t, "/console/queue/walk-in", url.Values{"csrf": {csrf}, "name": {"김현장"}})
	if code != http.StatusSeeOther || !strings.Contains(hdr.Get("Location"), "ok=") {
		t.Fatalf("walk-in = %d %v", code, hdr)
	}
	code, body, hdr = e.get(t, "/console/queue?partial=1")
	if code != 200 || hdr.Get("X-List-Version") == "" {
		t.Errorf("board fragment = %d %v", code, hdr)
	}
	mustContain(t, body, "김현장", "2번째")
	mustNotContain(t, body, "<html")
	code, body, _ = e.get(t, "/console/queue/tv")
	if code != 200 {
		t.Fatalf("waiting-room screen = %d", code)
	}
	mustContain(t, body, "홍*기", "김*장", `data-refresh="10"`)
	mustNotContain(t, body, "홍길동", "홍아기", "기침", "010-5555-6666", "김현장")
	if code, _, hdr := e.post(t, "/console/queue/next", url.Values{"csrf": {csrf}}); code != http.StatusSeeOther || !strings.Contains(hdr.Get("Location"), url.QueryEscape("1번 홍아기님 호출")) {
		t.Errorf("call next = %d %v", code, hdr.Get("Location"))
	}
	if code, _, hdr := e.post(t, "/console/queue/next", url.Values{}); code != http.StatusForbidden && !strings.Contains(hdr.Get("Location"), "err=") {
		t.Errorf("call without csrf = %d", code)
	}
	// The patient's page follows: called.
	e.client.Jar.SetCookies(mustURL(t, e.ts.URL+ticketPath), []*http.Cookie{{Name: queuePhoneCookie, Value: "01055556666", Path: ticketPath}})
	_, body, _ = e.get(t, ticketPath)
	mustContain(t, body, "지금 차례예요")
	// Cancel from the page.
	code, body, _ = e.post(t, ticketPath+"/cancel", url.Values{})
	if code != 200 {
		t.Errorf("cancel = %d", code)
	}
	mustContain(t, body, "접수가 취소되었어요")
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
