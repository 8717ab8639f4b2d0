package web

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"heydoctor"
	"heydoctor/internal/app"
)

// TestLinksFollowTheRequestWithoutBaseURL: with HEYDOCTOR_BASE_URL unset, the links in
// chat replies point where the request came in (a trusted proxy's scheme), never at a
// localhost default, and a Host that is not a plain host name gives no links at all.
func TestLinksFollowTheRequestWithoutBaseURL(t *testing.T) {
	e := newSiteEnv(t, func(ac *app.Config, cfg *Config) {
		ac.BaseURL, cfg.BaseURL = "", ""
		cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	ts := e.ts

	ask := func(host, proto string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/chat", strings.NewReader(`{"choice":"my"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Host = host
		if proto != "" {
			req.Header.Set("X-Forwarded-Proto", proto)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("chat via Host %q = %d %s", host, resp.StatusCode, body)
		}
		return body
	}
	if body := ask("heydoctor.kr", "https"); !strings.Contains(body, `"https://heydoctor.kr/reservations/lookup"`) || strings.Contains(body, "localhost") {
		t.Errorf("behind the proxy: %s", body)
	}
	if body := ask("clinic.example:8080", ""); !strings.Contains(body, `"http://clinic.example:8080/reservations/lookup"`) {
		t.Errorf("direct: %s", body)
	}
	if body := ask("evil.example/\"><script>", ""); strings.Contains(body, "/reservations/lookup") {
		t.Errorf("a forged Host made a link: %s", body)
	}
	_ = heydoctor.ChannelWeb
}
