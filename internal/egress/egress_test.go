package egress

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
)

func TestCheckURL(t *testing.T) {
	refused := []string{
		"http://hooks.hospital.co.kr/x",
		"https://localhost/x", "https://localhost./x", "https://LOCALHOST/x", "https://api.localhost/x",
		"https://127.0.0.1/x", "https://127.1/x", "https://0x7f.0.0.1/x", "https://0177.0.0.1/x", "https://2130706433/x",
		"https://169.254.169.254/latest", "https://169.254.169.254./latest", "https://metadata.google.internal/x",
		"https://100.64.0.1/x", "https://10.0.0.5/x", "https://172.16.3.4/x", "https://192.168.0.1/x", "https://0.0.0.0/x",
		"https://[::1]/x", "https://[64:ff9b::7f00:1]/x", "https://[::ffff:127.0.0.1]/x", "https://[fd00::1]/x", "https://[fe80::1]/x",
		"https://[2002:7f00:1::1]/x", "https://printer.local/x", "https://router.lan/x", "https://nas.home.arpa/x",
		"https://user:pw@hooks.hospital.co.kr/x", "https://hooks/x", "https://hooks.hospital.co.kr:99999/x", "https:///x",
		"https://under_score.hospital.co.kr/x", "https://" + strings.Repeat("a", 2048) + ".kr/",
	}
	for _, raw := range refused {
		if err := CheckURL(raw); err == nil {
			t.Errorf("CheckURL(%q) = nil, want an error", raw)
		}
	}
	accepted := []string{"https://hooks.hospital.co.kr/heydoctor", "https://emr.hospital.example/heydoctor",
		"https://203.252.1.7:8443/in", "https://[2600:1f18::1]/in", "https://HOOKS.Hospital.co.kr./x"}
	for _, raw := range accepted {
		if err := CheckURL(raw); err != nil {
			t.Errorf("CheckURL(%q) = %v, want nil", raw, err)
		}
	}
}

func TestPublic(t *testing.T) {
	tests := map[string]bool{
		"8.8.8.8": true, "203.252.1.7": true, "2600:1f18::1": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.31.0.1": false, "192.168.1.1": false, "169.254.169.254": false,
		"100.64.0.1": false, "100.127.255.254": false, "0.0.0.0": false, "255.255.255.255": false, "224.0.0.1": false,
		"198.18.0.1": false, "::1": false, "::": false, "fe80::1": false, "fd12::1": false, "ff02::1": false,
		"64:ff9b::7f00:1": false, "64:ff9b::808:808": false, "::ffff:127.0.0.1": false, "::ffff:8.8.8.8": true,
		"2002:7f00:1::1": false, "2001:0:4136:e378::1": false,
	}
	for s, want := range tests {
		if got := Public(netip.MustParseAddr(s)); got != want {
			t.Errorf("Public(%s) = %v, want %v", s, got, want)
		}
	}
}

// fakeLookup resolves from a table, so no test asks a real resolver.
func fakeLookup(table map[string][]string) func(context.Context, string) ([]netip.Addr, error) {
	return func(_ context.Context, host string) ([]netip.Addr, error) {
		var out []netip.Addr
		for _, s := range table[host] {
			out = append(out, netip.MustParseAddr(s))
		}
		if out == nil {
			return nil, errors.New("no such host")
		}
		return out, nil
	}
}

// counting is a loopback server that counts the requests that reach it.
func counting(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestClientRefusesInternalDestinations(t *testing.T) {
	srv, hits := counting(t, func(w http.ResponseWriter, r *http.Request) {})
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	c := NewClient(Options{Lookup: fakeLookup(map[string][]string{
		"loopback.hospital.example": {"127.0.0.1"},
		"mixed.hospital.example":    {"203.0.113.9", "8.8.8.8", "127.0.0.1"},
		"mapped.hospital.example":   {"::ffff:127.0.0.1"},
	})})
	for _, u := range []string{
		"http://loopback.hospital.example:" + port + "/",
		"http://mixed.hospital.example:" + port + "/",
		"http://mapped.hospital.example:" + port + "/",
		"http://127.0.0.1:" + port + "/",
		"http://[::1]:" + port + "/",
	} {
		resp, err := c.Get(u)
		if err == nil {
			resp.Body.Close()
			t.Errorf("GET %s went through", u)
			continue
		}
		if !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("GET %s: %v, want ErrForbiddenAddress", u, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the loopback server was reached %d times", n)
	}
}

func TestClientDoesNotFollowRedirects(t *testing.T) {
	inner, innerHits := counting(t, func(w http.ResponseWriter, r *http.Request) {})
	outer, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, inner.URL+"/metadata", http.StatusFound)
	})
	loopbackOK := func(a netip.Addr) bool { return a.IsLoopback() } // this test's receiver lives on loopback
	c := NewClient(Options{Permit: loopbackOK, Lookup: fakeLookup(nil)})
	resp, err := c.Get(outer.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Errorf("status %d, want the 302 itself", resp.StatusCode)
	}
	if n := innerHits.Load(); n != 0 {
		t.Errorf("the redirect target was reached %d times", n)
	}
}
