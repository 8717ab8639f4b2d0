package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"heydoctor"
)

var (
	flashRE      = regexp.MustCompile(`<p class="flash" role="status">([^<]*)</p>`)
	flashErrorRE = regexp.MustCompile(`<p class="field-error" role="alert">([^<]*)</p>`)
)

// followFlash follows a console redirect and returns the banners the page shows.
func followFlash(tb testing.TB, e *siteEnv, hdr http.Header) (ok, bad string) {
	tb.Helper()
	loc := hdr.Get("Location")
	if loc == "" {
		tb.Fatal("no redirect")
	}
	code, body, _ := e.get(tb, loc)
	if code != http.StatusOK {
		tb.Fatalf("GET %s = %d", loc, code)
	}
	if m := flashRE.FindStringSubmatch(body); m != nil {
		ok = m[1]
	}
	if m := flashErrorRE.FindStringSubmatch(body); m != nil {
		bad = m[1]
	}
	return ok, bad
}

func okBanner(tb testing.TB, e *siteEnv, hdr http.Header) string {
	tb.Helper()
	ok, _ := followFlash(tb, e, hdr)
	return ok
}

func errBanner(tb testing.TB, e *siteEnv, hdr http.Header) string {
	tb.Helper()
	_, bad := followFlash(tb, e, hdr)
	return bad
}

// TestConsoleBannersFromServer: banners never repeat text from the URL; a form's outcome
// reaches the next page once, from the server.
func TestConsoleBannersFromServer(t *testing.T) {
	e := newSiteEnv(t)
	inst := siteDemoHospital(t, e)
	addStaff(t, e, inst.ID, "boss", heydoctor.RoleAdmin)
	csrf := loginAs(t, e, "boss")
	for _, path := range []string{
		"/console?err=" + url.QueryEscape("보안 경고: 지금 010-0000-0000으로 전화하세요"),
		"/console?ok=" + url.QueryEscape("보안 경고: 지금 010-0000-0000으로 전화하세요"),
		"/console/settings?err=" + url.QueryEscape("보안 경고: 지금 010-0000-0000으로 전화하세요"),
	} {
		code, body, _ := e.get(t, path)
		if code != http.StatusOK || strings.Contains(body, "보안 경고") {
			t.Errorf("GET %s = %d, shows the URL's text: %v", path, code, strings.Contains(body, "보안 경고"))
		}
	}
	code, _, hdr := e.post(t, "/console/closures", url.Values{"csrf": {csrf}, "date": {"2026-11-31"}})
	if code != http.StatusSeeOther || strings.Contains(hdr.Get("Location"), "err=") {
		t.Fatalf("bad closure = %d %s", code, hdr.Get("Location"))
	}
	if ok, bad := followFlash(t, e, hdr); bad == "" || ok != "" {
		t.Errorf("refused form banners: ok %q, error %q", ok, bad)
	}
	// Shown once.
	if _, body, _ := e.get(t, "/console/settings"); flashErrorRE.MatchString(body) {
		t.Error("the banner came back on the next page")
	}
	code, _, hdr = e.post(t, "/console/closures", url.Values{"csrf": {csrf}, "date": {"2026-11-30"}, "note": {"학회"}})
	if ok, bad := followFlash(t, e, hdr); code != http.StatusSeeOther || ok == "" || bad != "" {
		t.Errorf("saved form = %d, banners: ok %q, error %q", code, ok, bad)
	}
	// A forged flash cookie is dropped.
	u, _ := url.Parse(e.ts.URL + "/console")
	e.client.Jar.SetCookies(u, []*http.Cookie{{Name: flashCookie, Value: "err.7KO066eIIOqyveqzoA.forged", Path: "/console"}})
	if _, body, _ := e.get(t, "/console"); strings.Contains(body, "보안 경고") {
		t.Error("a forged flash cookie was shown")
	}
}
