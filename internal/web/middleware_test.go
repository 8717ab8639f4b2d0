package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestResolveClient(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")}
	tests := []struct {
		name, remote, xff, proto string
		want                     string
		https                    bool
	}{
		{"direct client", "203.0.113.9:5000", "1.2.3.4", "https", "203.0.113.9", false},
		{"through nginx", "127.0.0.1:5000", "198.51.100.7", "https", "198.51.100.7", true},
		{"spoofed hop before nginx", "127.0.0.1:5000", "6.6.6.6, 198.51.100.7", "http", "198.51.100.7", false},
		{"two trusted proxies", "10.0.0.2:80", "198.51.100.7, 10.0.0.5", "", "198.51.100.7", false},
		{"garbage header", "127.0.0.1:5000", "not-an-ip", "", "127.0.0.1", false},
		{"ipv6 client", "127.0.0.1:5000", "2001:db8::1", "https", "2001:db8::1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			r.Header.Set("X-Forwarded-For", tt.xff)
			if tt.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tt.proto)
			}
			got, https := resolveClient(r, trusted)
			if got != tt.want || https != tt.https {
				t.Errorf("resolveClient = %s, https %v; want %s, %v", got, https, tt.want, tt.https)
			}
		})
	}
}
