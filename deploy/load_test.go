package deploy

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestDashboardMetricsExported fetches /metrics from a running heydoctor, after one
// page view and one Kakao skill call, and checks every metric the dashboard and the
// alert rules query is exported (a histogram through its _bucket/_sum/_count).
func TestDashboardMetricsExported(t *testing.T) {
	a := startApp(t, appOptions{})
	client := &http.Client{Timeout: 10 * time.Second}
	get(t, client, newRequest(t, "GET", a.URL+"/", nil))
	payload, err := os.ReadFile("testdata/kakao_request.json")
	if err != nil {
		t.Fatal(err)
	}
	req := newRequest(t, "POST", a.URL+"/kakao/skill", payload)
	req.Header.Set("Content-Type", "application/json")
	get(t, client, req)

	resp, body := get(t, client, newRequest(t, "GET", a.URL+"/metrics", nil))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics = %d", resp.StatusCode)
	}
	families := map[string]string{} // name -> type
	sc := bufio.NewScanner(strings.NewReader(string(body)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 4 && f[0] == "#" && f[1] == "TYPE" {
			families[f[2]] = f[3]
		}
	}
	exported := func(name string) bool {
		if _, ok := families[name]; ok {
			return true
		}
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if base, ok := strings.CutSuffix(name, suffix); ok {
				typ := families[base]
				return typ == "histogram" || (typ == "summary" && suffix != "_bucket")
			}
		}
		return false
	}
	for _, name := range queriedMetrics(t) {
		if name == "up" {
			continue // Prometheus makes it, not the app
		}
		if !exported(name) {
			t.Errorf("the dashboard or an alert queries %s, which /metrics does not export", name)
		}
	}
}

// TestNginxThroughput measures GET /api/v1/departments through nginx (HTTPS, HTTP/1.1
// keep-alive) and straight to the app, with 64 concurrent clients on loopback. It is
// a measurement, not a check: run it with HEYDOCTOR_BENCH_NGINX=1 -v.
func TestNginxThroughput(t *testing.T) {
	if os.Getenv("HEYDOCTOR_BENCH_NGINX") != "1" {
		t.Skip("a load measurement; set HEYDOCTOR_BENCH_NGINX=1 to run it")
	}
	nginxBinary(t)
	a := startApp(t, appOptions{Env: []string{"HEYDOCTOR_TRUSTED_PROXIES=127.0.0.1/32", "HEYDOCTOR_LOG_LEVEL=warn"}})
	e := startNginx(t, a.Addr)

	const clients, requests = 64, 20000
	direct := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: 10 * time.Second}
	viaNginx := e.Client.Transport.(*http.Transport).Clone()
	viaNginx.ForceAttemptHTTP2 = false
	viaNginx.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{} // HTTP/1.1, one connection per client
	viaNginx.TLSClientConfig = viaNginx.TLSClientConfig.Clone()
	viaNginx.TLSClientConfig.NextProtos = []string{"http/1.1"}
	viaNginx.MaxIdleConnsPerHost = clients

	for _, tc := range []struct {
		name   string
		client *http.Client
		url    string
	}{
		{"direct", direct, a.URL + "/api/v1/departments"},
		{"nginx", &http.Client{Transport: viaNginx, Timeout: 10 * time.Second}, e.HTTPS + "/api/v1/departments"},
	} {
		rps, errs, firstErr := load(tc.client, tc.url, clients, requests)
		t.Logf("%-6s %d requests, %d clients: %.0f requests/s, %d errors", tc.name, requests, clients, rps, errs)
		fmt.Printf("nginx-bench %s: %.0f req/s (%d errors)\n", tc.name, rps, errs)
		if errs > 0 {
			t.Errorf("%s: %d of %d requests failed; the first: %v", tc.name, errs, requests, firstErr)
		}
	}
}

// load sends n GET requests to url from c concurrent workers and returns requests
// per second, the number of failures (transport errors or non-200) and the first.
func load(client *http.Client, url string, c, n int) (float64, int64, error) {
	var next, errs atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range c {
		wg.Go(func() {
			for next.Add(1) <= int64(n) {
				resp, err := client.Get(url)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
			}
		})
	}
	wg.Wait()
	err, _ := firstErr.Load().(error)
	return float64(n) / time.Since(start).Seconds(), errs.Load(), err
}
