package deploy

import (
	"bytes"
	"compress/gzip"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestNginxConfigValid runs `nginx -t` on the rendered template, so a syntax error
// shows up even before the app builds.
func TestNginxConfigValid(t *testing.T) {
	bin := nginxBinary(t)
	prefix := t.TempDir()
	for _, d := range []string{"logs", "cache", "tmp", "acme"} {
		if err := os.MkdirAll(filepath.Join(prefix, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	certPEM, keyPEM, _ := selfSignedCert(t, serverName)
	writeFile(t, filepath.Join(prefix, "cert.pem"), certPEM)
	writeFile(t, filepath.Join(prefix, "key.pem"), keyPEM)
	ports := freePorts(t, 2)
	conf := renderTemplate(t, filepath.Join("nginx", "templates", "default.conf.template"), map[string]string{
		"NGINX_SERVER_NAME":  serverName,
		"NGINX_HTTP_LISTEN":  ports[0],
		"NGINX_HTTPS_LISTEN": ports[1],
		"NGINX_TLS_CERT":     filepath.Join(prefix, "cert.pem"),
		"NGINX_TLS_KEY":      filepath.Join(prefix, "key.pem"),
		"NGINX_ACME_ROOT":    filepath.Join(prefix, "acme"),
		"NGINX_CACHE_DIR":    filepath.Join(prefix, "cache"),
		"NGINX_LOG_DIR":      filepath.Join(prefix, "logs"),
	}, []string{"127.0.0.1:9", "127.0.0.1:10"})
	writeFile(t, filepath.Join(prefix, "heydoctor.conf"), []byte(conf))
	writeFile(t, filepath.Join(prefix, "nginx.conf"), []byte(mainConf(prefix)))
	out, err := exec.Command(bin, "-t", "-p", prefix, "-e", filepath.Join(prefix, "logs", "error.log"),
		"-c", filepath.Join(prefix, "nginx.conf")).CombinedOutput()
	if err != nil {
		t.Fatalf("nginx -t: %v\n%s\n%s", err, out, conf)
	}
	if strings.Contains(string(out), "[warn]") && !strings.Contains(string(out), `the "user" directive`) {
		t.Logf("nginx -t warnings:\n%s", out)
	}
}

const kakaoSecret = "deploy-test-skill-secret"

// TestNginx runs the project's nginx configuration in a real nginx in front of two
// real heydoctor replicas and checks what a browser and Kakao would see.
func TestNginx(t *testing.T) {
	nginxBinary(t) // skip before building anything
	apps := startApps(t, 2, appOptions{Env: []string{
		"HEYDOCTOR_TRUSTED_PROXIES=127.0.0.1/32",
		"HEYDOCTOR_KAKAO_SECRET=" + kakaoSecret,
	}})
	e := startNginx(t, apps[0].Addr, apps[1].Addr)
	c := e.Client

	var home []byte
	t.Run("home page over HTTPS/2 with HSTS and gzip", func(t *testing.T) {
		req := newRequest(t, "GET", e.HTTPS+"/", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, body := get(t, c, req)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET / = %d, want 200\n%s", resp.StatusCode, body)
		}
		if resp.ProtoMajor != 2 {
			t.Errorf("protocol = %s, want HTTP/2", resp.Proto)
		}
		if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
			t.Errorf("TLS = %+v, want TLS 1.2 or newer", resp.TLS)
		}
		if got := resp.Header.Values("Strict-Transport-Security"); len(got) != 1 || !strings.Contains(got[0], "max-age=63072000") {
			t.Errorf("Strict-Transport-Security = %q, want one header with max-age=63072000", got)
		}
		if got := resp.Header.Get("Content-Encoding"); got != "gzip" {
			t.Fatalf("Content-Encoding = %q, want gzip", got)
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		home, err = io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(bytes.ToLower(home), []byte("<html")) {
			t.Errorf("GET / is not an HTML page:\n%s", tail(string(home), 500))
		}
		if got := resp.Header.Get("Server"); strings.Contains(got, "/") {
			t.Errorf("Server = %q, want no version", got)
		}
	})

	t.Run("API JSON", func(t *testing.T) {
		resp, body := get(t, c, newRequest(t, "GET", e.HTTPS+"/api/v1/departments", nil))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /api/v1/departments = %d\n%s", resp.StatusCode, body)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type = %q, want application/json", ct)
		}
		if !json.Valid(body) || len(body) < 10 {
			t.Errorf("body is not JSON: %s", tail(string(body), 300))
		}
	})

	t.Run("Kakao skill", func(t *testing.T) {
		payload, err := os.ReadFile(filepath.Join("testdata", "kakao_request.json"))
		if err != nil {
			t.Fatal(err)
		}
		req := newRequest(t, "POST", e.HTTPS+"/kakao/skill", payload)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-HeyDoctor-Skill-Secret", kakaoSecret) // Open Builder sends it as a skill header
		resp, body := get(t, c, req)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST /kakao/skill = %d\n%s", resp.StatusCode, body)
		}
		var skill struct {
			Version  string `json:"version"`
			Template *struct {
				Outputs []map[string]json.RawMessage `json:"outputs"`
			} `json:"template"`
		}
		if err := json.Unmarshal(body, &skill); err != nil {
			t.Fatalf("skill response is not JSON: %v\n%s", err, body)
		}
		if skill.Version != "2.0" || skill.Template == nil || len(skill.Template.Outputs) == 0 {
			t.Errorf("skill response is not a v2.0 answer with outputs: %s", body)
		}
	})

	t.Run("hashed static asset cached for a year", func(t *testing.T) {
		m := regexp.MustCompile(`/static/[A-Za-z0-9_.-]+\.[0-9a-f]{8,}\.[a-z0-9]+`).Find(home)
		if m == nil {
			t.Fatalf("no content-hashed /static/ asset linked from /:\n%s", tail(string(home), 1500))
		}
		var cache []string
		for range 2 {
			resp, body := get(t, c, newRequest(t, "GET", e.HTTPS+string(m), nil))
			if resp.StatusCode != http.StatusOK || len(body) == 0 {
				t.Fatalf("GET %s = %d, %d bytes", m, resp.StatusCode, len(body))
			}
			if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control = %q, want a year, immutable", got)
			}
			if got := resp.Header.Get("Strict-Transport-Security"); got == "" {
				t.Error("static asset lacks Strict-Transport-Security")
			}
			cache = append(cache, resp.Header.Get("X-Cache-Status"))
		}
		if cache[1] != "HIT" {
			t.Errorf("X-Cache-Status = %q, want the second request served by nginx's cache (HIT)", cache)
		}
	})

	t.Run("client address passes through, spoofing does not", func(t *testing.T) {
		req := newRequest(t, "GET", e.HTTPS+"/api/v1/departments?probe=xff", nil)
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		req.Header.Set("X-Real-IP", "203.0.113.9")
		resp, _ := get(t, c, req)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		time.Sleep(100 * time.Millisecond) // the access log line is written after the response
		logs := apps[0].Log() + apps[1].Log()
		if !strings.Contains(logs, "remote="+clientAddr) {
			t.Errorf("no replica logged remote=%s (the client's address as nginx saw it)", clientAddr)
		}
		if strings.Contains(logs, "203.0.113.9") {
			t.Errorf("a replica believed the client's own X-Forwarded-For 203.0.113.9")
		}
	})

	t.Run("access log carries no query strings", func(t *testing.T) {
		req := newRequest(t, "GET", e.HTTPS+"/api/v1/reservations/ABCD2345?phone=01098765432", nil)
		if resp, _ := get(t, c, req); resp.StatusCode >= 500 {
			t.Errorf("GET with a query = %d", resp.StatusCode)
		}
		time.Sleep(100 * time.Millisecond) // the access log line is written after the response
		b, err := os.ReadFile(filepath.Join(e.Prefix, "logs", "access.log"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "/api/v1/reservations/ABCD2345") {
			t.Errorf("access log lacks the request path:\n%s", tail(string(b), 1000))
		}
		if strings.Contains(string(b), "01098765432") || strings.Contains(string(b), "phone=") {
			t.Errorf("access log records the query string:\n%s", tail(string(b), 1000))
		}
	})

	t.Run("request size limits", func(t *testing.T) {
		for _, tc := range []struct {
			path string
			size int
		}{
			{"/api/v1/departments", 2 << 20},
			{"/kakao/skill", 100 << 10},
		} {
			req := newRequest(t, "POST", e.HTTPS+tc.path, bytes.Repeat([]byte("a"), tc.size))
			resp, _ := get(t, c, req)
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("POST %s with %d bytes = %d, want 413", tc.path, tc.size, resp.StatusCode)
			}
		}
	})

	t.Run("metrics not public", func(t *testing.T) {
		resp, _ := get(t, c, newRequest(t, "GET", e.HTTPS+"/metrics", nil))
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET /metrics through nginx = %d, want 404", resp.StatusCode)
		}
	})

	t.Run("unknown TLS name refused", func(t *testing.T) {
		conn, err := tls.Dial("tcp", strings.TrimPrefix(e.HTTPS, "https://"+serverName), &tls.Config{ServerName: "evil.example", InsecureSkipVerify: true})
		if err == nil {
			conn.Close()
			t.Error("TLS handshake for evil.example succeeded, want it rejected")
		}
	})

	plain := &http.Client{
		Timeout:       5 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}

	t.Run("HTTP redirects to HTTPS", func(t *testing.T) {
		for _, tc := range []struct{ path, want string }{
			{"/", "https://localhost/"},
			{"/hospitals?q=%EB%82%B4%EA%B3%BC", "https://localhost/hospitals?q=%EB%82%B4%EA%B3%BC"},
			{"/kakao/skill", "https://localhost/kakao/skill"},
		} {
			req := newRequest(t, "GET", e.HTTP+tc.path, nil)
			req.Host = "attacker.example" // the redirect must not trust the Host header
			resp, _ := get(t, plain, req)
			if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != tc.want {
				t.Errorf("GET http://…%s = %d Location %q, want 301 %q", tc.path, resp.StatusCode, resp.Header.Get("Location"), tc.want)
			}
		}
	})

	t.Run("ACME challenge over plain HTTP", func(t *testing.T) {
		token := "deploy-test-token_abc-123"
		writeFile(t, filepath.Join(e.Prefix, "acme", ".well-known", "acme-challenge", token), []byte(token+".thumbprint"))
		if err := os.Chmod(filepath.Join(e.Prefix, "acme", ".well-known", "acme-challenge", token), 0o644); err != nil {
			t.Fatal(err)
		}
		resp, body := get(t, plain, newRequest(t, "GET", e.HTTP+"/.well-known/acme-challenge/"+token, nil))
		if resp.StatusCode != http.StatusOK || string(body) != token+".thumbprint" {
			t.Errorf("ACME challenge = %d %q, want 200 %q", resp.StatusCode, body, token+".thumbprint")
		}
		resp, _ = get(t, plain, newRequest(t, "GET", e.HTTP+"/.well-known/acme-challenge/missing", nil))
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("missing ACME token = %d, want 404", resp.StatusCode)
		}
	})

	t.Run("both replicas serve", func(t *testing.T) {
		for range 20 {
			resp, _ := get(t, c, newRequest(t, "GET", e.HTTPS+"/healthz", nil))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET /healthz = %d", resp.StatusCode)
			}
		}
		for i, a := range apps {
			if !strings.Contains(a.Log(), "remote="+clientAddr) {
				t.Errorf("replica %d got no request through nginx", i)
			}
		}
	})

	// Last, as it kills a replica: nginx moves requests that could not connect to the
	// other one, GETs and POSTs alike, so a crash costs no request.
	t.Run("a dead replica is skipped", func(t *testing.T) {
		apps[1].Kill()
		for i := range 10 {
			resp, _ := get(t, c, newRequest(t, "GET", e.HTTPS+"/api/v1/departments", nil))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %d after the kill = %d, want 200", i, resp.StatusCode)
			}
			req := newRequest(t, "POST", e.HTTPS+"/kakao/skill", []byte(`{}`))
			req.Header.Set("Content-Type", "application/json")
			resp, _ = get(t, c, req)
			if resp.StatusCode >= 500 {
				t.Fatalf("POST %d after the kill = %d, want an answer from the live replica", i, resp.StatusCode)
			}
		}
	})
}
