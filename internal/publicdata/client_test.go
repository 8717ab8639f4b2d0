package publicdata

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The decoding key contains the characters that break when encoded twice.
const testKey = "abc+def/ghi=="

// fakeGateway is an httptest data.go.kr: each call is answered by the next handler in
// the script for its page, and every request is recorded.
type fakeGateway struct {
	mu       sync.Mutex
	requests []*http.Request
	pages    map[int][]func(w http.ResponseWriter)
}

func newFakeGateway(tb testing.TB, pages map[int][]func(w http.ResponseWriter)) (*fakeGateway, *httptest.Server) {
	tb.Helper()
	g := &fakeGateway{pages: pages}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.requests = append(g.requests, r)
		page, _ := strconv.Atoi(r.URL.Query().Get("pageNo"))
		script := g.pages[page]
		if len(script) == 0 {
			http.Error(w, "no script for page", http.StatusTeapot)
			return
		}
		g.pages[page] = script[1:]
		script[0](w)
	}))
	tb.Cleanup(srv.Close)
	return g, srv
}

func body(s string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) { fmt.Fprint(w, s) }
}

func status(code int, s string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) { w.WriteHeader(code); fmt.Fprint(w, s) }
}

// nmcPage renders an NMC FullDown XML page with the given hpids.
func nmcPage(total, rows int, ids ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><response><header><resultCode>00</resultCode><resultMsg>NORMAL SERVICE.</resultMsg></header><body><items>`)
	for _, id := range ids {
		fmt.Fprintf(&b, `<item><dutyAddr>서울특별시 중구 어딘가 %[1]s</dutyAddr><dutyDiv>C</dutyDiv><dutyName>의원 %[1]s</dutyName><dutyTime1s>900</dutyTime1s><dutyTime1c>1800</dutyTime1c><hpid>%[1]s</hpid><wgs84Lat>37.56</wgs84Lat><wgs84Lon>126.97</wgs84Lon></item>`, id)
	}
	fmt.Fprintf(&b, `</items><numOfRows>%d</numOfRows><pageNo>1</pageNo><totalCount>%d</totalCount></body></response>`, rows, total)
	return b.String()
}

func gatewayError(auth, code string) string {
	return `<OpenAPI_ServiceResponse><cmmMsgHeader><errMsg>SERVICE ERROR</errMsg><returnAuthMsg>` + auth +
		`</returnAuthMsg><returnReasonCode>` + code + `</returnReasonCode></cmmMsgHeader></OpenAPI_ServiceResponse>`
}

func newTestClient(srv *httptest.Server, slept *[]time.Duration) *Client {
	return &Client{
		BaseURL: srv.URL, ServiceKey: testKey, HTTP: srv.Client(), PageSize: 2,
		Rate: 10 * time.Millisecond, MaxRetries: 2,
		Sleep: func(d time.Duration) { *slept = append(*slept, d) },
	}
}

func hpids(res *Result) []string {
	var ids []string
	for _, in := range res.Institutions {
		ids = append(ids, in.HPID)
	}
	return ids
}

func TestFetchAllPagesAndRetries(t *testing.T) {
	g, srv := newFakeGateway(t, map[int][]func(http.ResponseWriter){
		1: {body(nmcPage(5, 2, "C1", "C2"))},
		2: {
			status(http.StatusBadGateway, "bad gateway"),
			body(gatewayError("LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR", "22")),
			body(nmcPage(5, 2, "C2", "C3")), // the dump shifted: C2 again
		},
		3: {body(nmcPage(5, 2, "C5"))}, // one item on the last page
	})
	var slept []time.Duration
	var progress [][2]int
	c := newTestClient(srv, &slept)
	res, err := c.FetchAll(context.Background(), OpNMCHospitals, url.Values{"_type": {"xml"}}, func(done, total int) {
		progress = append(progress, [2]int{done, total})
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"C1", "C2", "C3", "C5"}, hpids(res)); diff != "" {
		t.Errorf("hpids mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"page 2, item 1 (hpid C2) | duplicate hpid C2 (first seen at page 1, item 2 (hpid C2))"}, rejectionSummary(res.Rejected)); diff != "" {
		t.Errorf("rejections mismatch (-want +got):\n%s", diff)
	}
	if !res.FullRefresh || res.Scope != "nmc:hospital" || res.Total != 5 || res.Read != 5 {
		t.Errorf("full %v scope %q total %d read %d", res.FullRefresh, res.Scope, res.Total, res.Read)
	}
	if diff := cmp.Diff([][2]int{{2, 5}, {4, 5}, {5, 5}}, progress); diff != "" {
		t.Errorf("progress mismatch (-want +got):\n%s", diff)
	}
	ms := time.Millisecond
	wantSleeps := []time.Duration{10 * ms, time.Second, 10 * ms, 2 * time.Second, 10 * ms, 10 * ms}
	if diff := cmp.Diff(wantSleeps, slept); diff != "" {
		t.Errorf("sleeps mismatch (-want +got):\n%s", diff)
	}
	for _, r := range g.requests {
		if got := r.URL.Query().Get("serviceKey"); got != testKey {
			t.Errorf("server decoded key %q, want %q (encoded exactly once)", got, testKey)
		}
		if !strings.Contains(r.URL.RawQuery, "serviceKey="+url.QueryEscape(testKey)) {
			t.Errorf("raw query %q", r.URL.RawQuery)
		}
		if r.URL.Path != "/B552657/HsptlAsembySearchService/getHsptlMdcncFullDown" || r.URL.Query().Get("numOfRows") != "2" {
			t.Errorf("request %s", r.URL)
		}
	}
}

func TestFetchAllStopsOnAuthError(t *testing.T) {
	tests := []struct {
		name   string
		answer func(http.ResponseWriter)
	}{
		{"key not registered", body(gatewayError("SERVICE_KEY_IS_NOT_REGISTERED_ERROR", "30"))},
		{"unapproved service", status(http.StatusForbidden, "Forbidden")},
		{"result code 30 in JSON", body(`{"response":{"header":{"resultCode":"30","resultMsg":"SERVICE_KEY_IS_NOT_REGISTERED_ERROR"}}}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, srv := newFakeGateway(t, map[int][]func(http.ResponseWriter){1: {tt.answer, tt.answer, tt.answer}})
			var slept []time.Duration
			// The encoding key is accepted too: decoded first, then encoded once.
			c := newTestClient(srv, &slept)
			c.ServiceKey = url.QueryEscape(testKey)
			_, err := c.FetchAll(context.Background(), OpHIRAHospitals, url.Values{"sidoCd": {"110000"}}, nil, 1)
			var pe *PageError
			if !errors.As(err, &pe) || pe.Page != 1 {
				t.Fatalf("err = %v, want a PageError for page 1", err)
			}
			if len(g.requests) != 1 {
				t.Errorf("%d calls, want 1 (no retry on auth errors)", len(g.requests))
			}
			if got := g.requests[0].URL.Query(); got.Get("serviceKey") != testKey || got.Get("sidoCd") != "110000" {
				t.Errorf("query %v", got)
			}
		})
	}
}

func TestFetchAllResume(t *testing.T) {
	_, srv := newFakeGateway(t, map[int][]func(http.ResponseWriter){
		1: {body(nmcPage(4, 2, "C1", "C2"))},
		2: {status(500, "oops"), status(500, "oops"), status(500, "oops"), body(nmcPage(4, 2, "C3", "C4"))},
	})
	var slept []time.Duration
	c := newTestClient(srv, &slept)
	res, err := c.FetchAll(context.Background(), OpNMCPharmacies, nil, nil, 0)
	var pe *PageError
	if !errors.As(err, &pe) || pe.Page != 2 || !strings.Contains(err.Error(), "HTTP 500") {
		t.Fatalf("err = %v, want page 2 HTTP 500", err)
	}
	if diff := cmp.Diff([]string{"C1", "C2"}, hpids(res)); diff != "" || res.FullRefresh {
		t.Errorf("partial result full=%v, hpids mismatch (-want +got):\n%s", res.FullRefresh, diff)
	}
	res, err = c.FetchAll(context.Background(), OpNMCPharmacies, nil, nil, pe.Page)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"C3", "C4"}, hpids(res)); diff != "" {
		t.Errorf("resumed hpids mismatch (-want +got):\n%s", diff)
	}
	if res.FullRefresh {
		t.Error("a resumed download is not a full snapshot")
	}
}

func TestFetchAllKASIAndHIRA(t *testing.T) {
	single := `{"response":{"header":{"resultCode":"00","resultMsg":"NORMAL SERVICE."},"body":{"items":{"item":{"dateKind":"01","dateName":"개천절","isHoliday":"Y","locdate":20261003,"seq":1}},"numOfRows":100,"pageNo":1,"totalCount":1}}}`
	empty := `{"response":{"header":{"resultCode":"00","resultMsg":"NORMAL SERVICE."},"body":{"items":"","numOfRows":100,"pageNo":1,"totalCount":0}}}`
	t.Run("single item object", func(t *testing.T) {
		g, srv := newFakeGateway(t, map[int][]func(http.ResponseWriter){1: {body(single)}})
		var slept []time.Duration
		c := newTestClient(srv, &slept)
		c.PageSize = 0
		res, err := c.FetchAll(context.Background(), OpKASIHolidays, url.Values{"solYear": {"2026"}, "solMonth": {"10"}, "_type": {"json"}}, nil, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Holidays) != 1 || res.Holidays[0].Date != "2026-10-03" || res.Holidays[0].Name != "개천절" {
			t.Errorf("holidays = %+v", res.Holidays)
		}
		if q := g.requests[0].URL.Query(); q.Get("ServiceKey") != testKey || q.Get("numOfRows") != "100" || q.Get("solYear") != "2026" {
			t.Errorf("query %v", q)
		}
	})
	t.Run("empty page", func(t *testing.T) {
		_, srv := newFakeGateway(t, map[int][]func(http.ResponseWriter){1: {body(empty)}})
		var slept []time.Duration
		res, err := newTestClient(srv, &slept).FetchAll(context.Background(), OpKASIHolidays, url.Values{"solYear": {"2027"}}, nil, 1)
		if err != nil || len(res.Holidays) != 0 {
			t.Errorf("got %+v, %v", res, err)
		}
	})
	t.Run("solYear required", func(t *testing.T) {
		_, err := (&Client{ServiceKey: "k"}).FetchAll(context.Background(), OpKASIHolidays, nil, nil, 1)
		if err == nil || !strings.Contains(err.Error(), "solYear") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("HIRA mixed string and number fields", func(t *testing.T) {
		_, srv := newFakeGateway(t, map[int][]func(http.ResponseWriter){1: {body(string(readTestdata(t, "hira_hospital_list.json")))}})
		var slept []time.Duration
		c := newTestClient(srv, &slept)
		c.PageSize = 3
		var calls int
		// totalCount 440 with 3 rows: page 2 has no script and answers 418, which stops.
		res, err := c.FetchAll(context.Background(), OpHIRAHospitals, nil, func(int, int) { calls++ }, 1)
		var pe *PageError
		if !errors.As(err, &pe) || pe.Page != 2 || len(res.Institutions) != 3 || res.Institutions[0].TypeCode != "01" || res.Institutions[1].TypeCode != "11" {
			t.Errorf("err %v, result %+v", err, res)
		}
	})
}

func TestFetchAllContextCanceled(t *testing.T) {
	_, srv := newFakeGateway(t, map[int][]func(http.ResponseWriter){1: {body(nmcPage(1, 1, "C1"))}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var slept []time.Duration
	_, err := newTestClient(srv, &slept).FetchAll(ctx, OpNMCHospitals, nil, nil, 1)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestEncodeKey(t *testing.T) {
	for _, in := range []string{testKey, url.QueryEscape(testKey), " " + testKey + " "} {
		if got, want := encodeKey(in), "abc%2Bdef%2Fghi%3D%3D"; got != want {
			t.Errorf("encodeKey(%q) = %q, want %q", in, got, want)
		}
	}
}
