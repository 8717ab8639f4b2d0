package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"heydoctor"
)

// FuzzSiteSearch checks that any query string yields a form and field errors, never a
// panic, and that a query without errors is one the search can run.
func FuzzSiteSearch(f *testing.F) {
	for _, s := range []string{
		"lat=37.3400&lng=126.7335&department=D001&open=now",
		"lat=37.34&lng=126.73&kind=pharmacy&er=1",
		"q=%EC%A0%95%EC%99%95%EB%8F%99&department=%EB%82%B4%EA%B3%BC",
		"lat=NaN&lng=Inf", "lat=1e400&lng=-0", "department=D999&kind=spa&er=maybe",
		"lat=37.5&lng=", "place=%ff%fe&q=" + strings.Repeat("a", 80),
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	fixed, _ := heydoctor.LookupDepartment("D002")
	f.Fuzz(func(t *testing.T, raw string, dept bool) {
		q, _ := url.ParseQuery(raw)
		var d *heydoctor.Department
		if dept {
			d = &fixed
		}
		form, errs := parseSiteSearch(q, d)
		if utf8.RuneCountInString(form.Q) > siteMaxPlaceRunes || utf8.RuneCountInString(form.Place) > siteMaxPlaceRunes {
			t.Errorf("place text over the limit kept: %q %q", form.Q, form.Place)
		}
		if len(errs) > 0 {
			return
		}
		if dept && form.Department != "D002" {
			t.Errorf("department page lost its department: %q", form.Department)
		}
		if form.Department != "" {
			if _, ok := heydoctor.LookupDepartment(form.Department); !ok {
				t.Errorf("unknown department accepted: %q", form.Department)
			}
		}
		if form.Kind != "" && !heydoctor.InstitutionKind(form.Kind).Valid() {
			t.Errorf("unknown kind accepted: %q", form.Kind)
		}
		if form.Lat != "" || form.Lng != "" {
			lat, err1 := strconv.ParseFloat(form.Lat, 64)
			lng, err2 := strconv.ParseFloat(form.Lng, 64)
			if err1 != nil || err2 != nil || !heydoctor.InKorea(lat, lng) {
				t.Errorf("bad location accepted: %q %q", form.Lat, form.Lng)
			}
		}
	})
}

// FuzzSitePages throws hostile queries and form bodies at the real pages: every answer
// is a page below 500, with no internal detail.
func FuzzSitePages(f *testing.F) {
	e := newSiteEnv(f)
	in := siteDemoHospital(f, e)
	h := e.srv.Handler()
	book := fmt.Sprintf("/hospitals/%d/book", in.ID)
	seeds := []struct{ method, path, body string }{
		{"GET", "/hospitals", "lat=37.34&lng=126.7335&department=D001&open=now"},
		{"GET", "/hospitals", "q=%EC%A0%95%EC%99%95"},
		{"GET", "/departments/D001", "lat=37.34&lng=126.7335&kind=clinic"},
		{"GET", book, "doctor=1&date=2026-11-26"},
		{"POST", book, "doctor=1&start=2026-11-26T00%3A00%3A00Z&name=%EA%B9%80&phone=010-1234-5678&key=abcdefabcdefabcdef"},
		{"POST", "/reservations/lookup", "code=ABCD2345&phone=01012345678&date=2026-11-27"},
		{"POST", "/reservations/reschedule", "code=ABCD2345&phone=01012345678&start=x"},
		{"POST", "/reservations/cancel", "code=ABCD2345&phone=01012345678&reason=%ff"},
		{"POST", "/chat", "text=%EB%B0%B0%EA%B0%80+%EC%95%84%ED%8C%8C%EC%9A%94"},
		{"POST", "/chat", "choice=dept%3AD001&label=x"},
	}
	for _, s := range seeds {
		f.Add(s.method == "POST", s.path, s.body)
	}
	f.Fuzz(func(t *testing.T, post bool, path, body string) {
		switch {
		case path == book, path == "/hospitals", strings.HasPrefix(path, "/departments/"), strings.HasPrefix(path, "/reservations/"), path == "/chat":
		default:
			return
		}
		if _, err := url.ParseRequestURI(path); err != nil || strings.ContainsAny(path, "?# ") {
			return
		}
		var req *http.Request
		if post {
			req = httptest.NewRequest("POST", path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req = httptest.NewRequest("GET", path+"?"+url.PathEscape(body), nil)
			req.URL.RawQuery = body
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q = %d:\n%s", req.Method, path, body, rec.Code, siteMain(rec.Body.String()))
		}
		mustNotContain(t, rec.Body.String(), "goroutine ", "runtime error", "sql: ", "SQLITE")
	})
}
