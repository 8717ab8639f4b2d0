package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeNationwide is the one test that loads the whole country: a fresh `heydoctor
// serve` on an empty SQLite database starts with the nationwide directory, and near
// 한국공학대학교 it finds what a new user would look for first.
func TestServeNationwide(t *testing.T) {
	db := filepath.Join(t.TempDir(), "heydoctor.db")
	// About 10 s on two cores; several times that under the race detector.
	base, logs := startServerWithin(t, 5*time.Minute, db, "--seed", "national")
	if !strings.Contains(logs.String(), "nationwide directory loaded") {
		t.Errorf("no progress lines for the first start:\n%s", logs.String())
	}
	type item struct {
		Name     string `json:"name"`
		TypeName string `json:"type_name"`
		Kind     string `json:"kind"`
		ER       bool   `json:"er"`
		Demo     bool   `json:"demo"`
		Distance int    `json:"distance_m"`
	}
	search := func(q url.Values) []item {
		t.Helper()
		q.Set("lat", "37.3400")
		q.Set("lng", "126.7335")
		code, _, body := get(t, base+"/api/v1/institutions?"+q.Encode())
		var list struct {
			Items []item `json:"items"`
		}
		if code != 200 || json.Unmarshal([]byte(body), &list) != nil {
			t.Fatalf("search %s = %d %s", q.Encode(), code, body)
		}
		return list.Items
	}
	wedMorning := time.Date(2026, 12, 2, 10, 0, 0, 0, time.FixedZone("KST", 9*3600)).Format(time.RFC3339)
	internal := search(url.Values{"department": {"D001"}, "open_at": {wedMorning}, "radius_m": {"3000"}, "limit": {"100"}})
	if len(internal) < 5 {
		t.Errorf("%d 내과 open on Wednesday 10:00 within 3 km, want at least 5", len(internal))
	}
	for _, in := range internal {
		if strings.Contains(in.TypeName, "요양병원") || strings.Contains(in.TypeName, "정신병원") {
			t.Errorf("내과 search lists %s (%s)", in.Name, in.TypeName)
		}
	}
	if got := search(url.Values{"kind": {"pharmacy"}, "radius_m": {"3000"}, "limit": {"100"}}); len(got) < 20 {
		t.Errorf("%d pharmacies within 3 km, want at least 20", len(got))
	}
	ers := search(url.Values{"er": {"true"}, "radius_m": {"20000"}, "limit": {"5"}})
	if len(ers) == 0 || ers[0].Kind != "hospital" || !ers[0].ER {
		t.Errorf("ERs within 20 km = %+v, want a hospital's", ers)
	}
	demo := 0
	for _, in := range search(url.Values{"radius_m": {"5000"}, "limit": {"100"}, "kind": {"hospital"}}) {
		if in.Demo {
			demo++
		}
	}
	if demo != 3 {
		t.Errorf("%d demo hospitals within 5 km, want 3", demo)
	}
	// The site and the chat accept the places people type.
	for _, place := range []string{"정왕동", "배곧동", "시흥시", "안산시 단원구", "강남구"} {
		code, hdr, _ := getNoRedirect(t, base+"/hospitals?q="+url.QueryEscape(place))
		if code != 303 || !strings.Contains(hdr.Get("Location"), "lat=") {
			t.Errorf("/hospitals?q=%s = %d %q, want its results", place, code, hdr.Get("Location"))
		}
	}
	code, _, body := get(t, base+"/hospitals?q="+url.QueryEscape("중앙동"))
	if code != 200 || strings.Count(body, "중앙동") < 3 {
		t.Errorf("중앙동 (in many cities) = %d; want a did-you-mean list", code)
	}
}

// getNoRedirect is get without following redirects.
func getNoRedirect(t *testing.T, u string) (int, http.Header, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}
