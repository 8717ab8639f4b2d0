package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"heydoctor"
)

// siteDemoHospital returns the demo-onboarded hospital the tests book at.
func siteDemoHospital(tb testing.TB, e *siteEnv) *heydoctor.Institution {
	tb.Helper()
	list, err := e.store.ListInstitutions(context.Background(), heydoctor.InstitutionFilter{NameQuery: "센트럴병원", Onboarded: true})
	if err != nil || len(list) == 0 {
		tb.Fatalf("demo hospital: %v (%d found)", err, len(list))
	}
	return list[0]
}

func TestSitePages(t *testing.T) {
	t.Parallel()
	e := newSiteEnv(t)
	in := siteDemoHospital(t, e)
	near := "lat=37.3400&lng=126.7335"
	tests := []struct {
		name   string
		path   string
		status int
		want   []string
		bad    []string
	}{
		{"home", "/", 200, []string{"어디가 아프세요?", `href="/departments/D001"`, "내과", "/static/app."}, nil},
		{"results without location asks", "/hospitals?open=now", 200, []string{"어디 근처에서 찾을까요?", `name="q"`, "내 위치 사용", "한국공학대학교(시흥) 주변"}, []string{`class="results"`}},
		{"place lookup lists places", "/hospitals?q=%EC%A0%95", 200, []string{"정왕동", "lat="}, nil},
		{"an exact place goes to its results", "/hospitals?q=%EC%A0%95%EC%99%95%EB%8F%99&department=D001", 303, []string{"lat=37.", "place=%EC%8B%9C%ED%9D%A5%EC%8B%9C+%EC%A0%95%EC%99%95%EB%8F%99", "department=D001"}, nil},
		{"place lookup finds nothing", "/hospitals?q=zzzz", 200, []string{"맞는 장소를 찾지 못했어요"}, nil},
		{"ER search shows 119 first and widens to 50 km", "/hospitals?" + near + "&er=1", 200, []string{`class="emergency" role="alert"`, `href="tel:119"`, "50km 안에 없어요"}, nil},
		{"results near", "/hospitals?" + near, 200, []string{`class="results"`, `id="map-data"`, "km", "진료시간은 변동될 수 있으니"}, nil},
		{"results open 내과", "/hospitals?" + near + "&department=D001&open=now", 200, []string{"진료중 · 18:00까지", `value="D001" selected`, "지금 진료 중인 곳만", `href="tel:`}, []string{"진료 종료 ·", "정보 없음"}},
		{"results pharmacy kind", "/hospitals?" + near + "&kind=pharmacy", 200, []string{`value="pharmacy" selected`}, nil},
		{"results er", "/hospitals?" + near + "&er=1", 200, []string{"응급실"}, nil},
		// The site writes the filters as the API spells them (open_at=now, er=true) and still
		// reads its older spelling (open=now, er=1) from old links: both give the same page.
		{"home links use the API spelling", "/", 200, []string{`href="/hospitals?open_at=now&amp;near=me"`, `href="/hospitals?er=true&amp;near=me"`}, []string{"open=now", "er=1"}},
		{"results open 내과, API spelling", "/hospitals?" + near + "&department=D001&open_at=now", 200, []string{"진료중 · 18:00까지", `value="D001" selected`, "지금 진료 중인 곳만", `href="tel:`, `name="open_at" value="now" checked`}, []string{"진료 종료 ·", "정보 없음"}},
		{"results open=1, old spelling", "/hospitals?" + near + "&department=D001&open=1", 200, []string{"진료중 · 18:00까지", `name="open_at" value="now" checked`}, []string{"진료 종료 ·", "정보 없음"}},
		{"results er, API spelling", "/hospitals?" + near + "&er=true", 200, []string{`class="emergency" role="alert"`, `name="er" value="true" checked`}, nil},
		{"old links get new-spelling hidden filters", "/hospitals?q=%EC%A0%95&open=now&er=1", 200, []string{`name="open_at" value="now"`, `name="er" value="true"`}, []string{`name="open" `, `name="er" value="1"`}},
		{"bad department kept", "/hospitals?" + near + "&department=%EC%97%86%EB%8A%94%EA%B3%BC", 400, []string{"알 수 없는 진료과예요", `id="department-err"`, `aria-invalid="true"`}, []string{`class="results"`}},
		{"bad kind", "/hospitals?" + near + "&kind=spa", 400, []string{"병원, 의원, 약국 중에서 골라 주세요"}, nil},
		{"outside korea", "/hospitals?lat=51.5&lng=-0.12", 400, []string{"위치를 알 수 없어요", `value="51.5"`}, nil},
		{"not a number", "/hospitals?lat=abc&lng=1", 400, []string{"위치를 알 수 없어요", `value="abc"`}, nil},
		{"place too long", "/hospitals?q=" + longQuery(60), 400, []string{"50자까지"}, nil},
		{"department page", "/departments/D001?" + near, 200, []string{"<h1>내과 찾기</h1>", `action="/departments/D001"`}, []string{`id="department"`}},
		{"department page without location", "/departments/D002", 200, []string{"소아청소년과 찾기", "어디 근처에서 찾을까요?"}, nil},
		{"unknown department", "/departments/D999", 404, []string{"페이지를 찾을 수 없어요", "그런 진료과는 없어요", "처음으로"}, nil},
		{"institution", fmt.Sprintf("/hospitals/%d", in.ID), 200, []string{in.Name, "진료시간은 변동될 수 있으니 방문 전 전화로 확인하세요", "카카오맵에서 보기", "네이버 지도에서 보기", "예약하기", "내과 1진료실", "데모", `class="today"`}, nil},
		{"institution unknown", "/hospitals/999999999", 404, []string{"찾을 수 없", "처음으로"}, nil},
		{"institution bad id", "/hospitals/abc", 404, []string{"의료기관을 찾을 수 없어요"}, nil},
		{"404 page in site look", "/no/such/page", 404, []string{"페이지를 찾을 수 없어요", `class="top"`, "/static/app."}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body, h := e.get(t, tc.path)
			if status != tc.status {
				t.Errorf("GET %s status = %d, want %d", tc.path, status, tc.status)
			}
			if ct := h.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			mustContain(t, body, tc.want...)
			mustNotContain(t, body, tc.bad...)
			mustNotContain(t, body, "goroutine", "runtime error", "sql:", "<script>")
		})
	}
}

func longQuery(n int) string {
	b := make([]byte, 0, n)
	for range n {
		b = append(b, 'a')
	}
	return string(b)
}

func TestSiteRedirects(t *testing.T) {
	t.Parallel()
	e := newSiteEnv(t)
	tests := []struct {
		path, want string
		status     int
	}{
		{"/categories/nae/sughospital", "/departments/D001", 301},
		{"/categories/so/sughospital", "/departments/D002", 301},
		{"/categories/ebi/sughospital?lat=37.34&lng=126.73", "/departments/D013?lat=37.34&lng=126.73", 301},
		{"/categories/jeong/sughospital", "/departments/D008", 301},
		{"/categories/pi/sughospital", "/departments/D005", 301},
		{"/categories/an/sughospital", "/departments/D012", 301},
		{"/categories/san/sughospital", "/departments/D011", 301},
		{"/categories/nope/sughospital", "", 404},
		{"/departments/%EB%82%B4%EA%B3%BC", "/departments/D001", 301},
		{"/departments/pediatrics", "/departments/D002", 301},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			resp, err := e.client.Get(e.ts.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tc.status)
			}
			if got := resp.Header.Get("Location"); got != tc.want {
				t.Errorf("Location = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestSiteWeight keeps the pages light for a phone on a slow network: the first HTML of
// home and results under 50 KB, and it logs what each page costs.
func TestSiteWeight(t *testing.T) {
	t.Parallel()
	e := newSiteEnv(t)
	assets := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
	for _, path := range []string{"/", "/hospitals", "/hospitals?lat=37.3400&lng=126.7335", "/hospitals?lat=37.3400&lng=126.7335&open=now&department=D001", "/departments/D001?lat=37.34&lng=126.7335"} {
		status, body, _ := e.get(t, path)
		if status != http.StatusOK {
			t.Fatalf("GET %s = %d", path, status)
		}
		if len(body) > 50<<10 {
			t.Errorf("GET %s: HTML is %d bytes, want under 50 KB", path, len(body))
		}
		var css, js int
		for _, m := range assets.FindAllStringSubmatch(body, -1) {
			_, b, _ := e.get(t, m[1])
			if regexp.MustCompile(`\.css$`).MatchString(m[1]) {
				css += len(b)
			} else {
				js += len(b)
			}
		}
		t.Logf("%-60s HTML %6d B, CSS %5d B, JS %5d B (own assets; the map library loads only when shown)", path, len(body), css, js)
	}
}

// TestSiteMapData checks the JSON block map.js reads: well-formed, the list's places, and
// the Kakao SDK only when a key is configured.
func TestSiteMapData(t *testing.T) {
	t.Parallel()
	e := newSiteEnv(t)
	re := regexp.MustCompile(`<script type="application/json" id="map-data">([^<]*)</script>`)
	_, body, _ := e.get(t, "/hospitals?lat=37.3400&lng=126.7335&department=D001")
	var got siteMapData
	if err := json.Unmarshal([]byte(match(t, re, body)), &got); err != nil {
		t.Fatalf("map data: %v", err)
	}
	if got.Provider != "leaflet" || got.Key != "" || len(got.Items) == 0 {
		t.Errorf("map data = %+v, want leaflet with items", got)
	}
	mustNotContain(t, body, "<script>")

	e.srv.cfg.KakaoJSKey = "test-kakao-key"
	_, body, _ = e.get(t, "/hospitals?lat=37.3400&lng=126.7335")
	if err := json.Unmarshal([]byte(match(t, re, body)), &got); err != nil {
		t.Fatalf("map data: %v", err)
	}
	if got.Provider != "kakao" || got.Key != "test-kakao-key" {
		t.Errorf("with a key: provider %q key %q, want kakao", got.Provider, got.Key)
	}
}

// TestSiteErrorPage checks that a failure inside a page shows the site's 500 page with
// a request id and none of the internal error.
func TestSiteErrorPage(t *testing.T) {
	t.Parallel()
	e := newSiteEnv(t)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/hospitals/1", nil)
	e.srv.writeError(rec, req, fmt.Errorf("find institution 1: %w", errors.New("sql: database is locked")))
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", rec.Code)
	}
	body := rec.Body.String()
	mustContain(t, body, "잠시 문제가 생겼어요", "처음으로", `class="top"`)
	mustNotContain(t, body, "sql:", "locked", "find institution")
}
