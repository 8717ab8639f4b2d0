package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"heydoctor/internal/kakao"
	"heydoctor/internal/sqlstore"
	"heydoctor/internal/sqlstore/storetest"
	"heydoctor/internal/syncbuf"
)

// serverOutput collects output from run and tells when the server announced its address.
type serverOutput struct {
	syncbuf.Buffer
	mu   sync.Mutex
	addr chan string
}

var listenRE = regexp.MustCompile(`listening on (https?://\S+)`)

func (o *serverOutput) Write(p []byte) (int, error) {
	n, err := o.Buffer.Write(p)
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.addr != nil {
		if m := listenRE.FindStringSubmatch(o.String()); m != nil {
			o.addr <- m[1]
			o.addr = nil
		}
	}
	return n, err
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// startServer calls run on :0 and returns the base URL once /readyz answers 200.
func startServer(t *testing.T, dsn string, extra ...string) (string, *serverOutput) {
	t.Helper()
	return startServerWithin(t, 60*time.Second, dsn, extra...)
}

// startServerWithin is startServer for a start that may take up to timeout (the
// nationwide seed under the race detector).
func startServerWithin(t *testing.T, timeout time.Duration, dsn string, extra ...string) (string, *serverOutput) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	announced := make(chan string, 1)
	stdout := &serverOutput{addr: announced}
	stderr := &serverOutput{}
	done := make(chan error, 1)
	args := append([]string{"heydoctor", "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--seed", "demo"}, extra...)
	go func() { done <- run(ctx, args, env(nil), strings.NewReader(""), stdout, stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run returned %v after shutdown", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("run did not shut down within 20s")
		}
	})
	var base string
	select {
	case base = <-announced:
	case err := <-done:
		t.Fatalf("run exited early: %v\n%s", err, stderr.String())
	case <-time.After(timeout):
		t.Fatalf("server did not announce its address\n%s", stderr.String())
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, stderr
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz never became ready: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func get(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeEndToEnd(t *testing.T) {
	dbs := map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string { return filepath.Join(t.TempDir(), "heydoctor.db") },
		"mysql":  func(t *testing.T) string { return storetest.MySQLDSN(t) },
	}
	for name, dsn := range dbs {
		t.Run(name, func(t *testing.T) {
			base, logs := startServer(t, dsn(t))

			code, hdr, body := get(t, base+"/")
			if code != 200 || !strings.Contains(body, "HeyDoctor") || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
				t.Errorf("GET / = %d %q", code, hdr.Get("Content-Type"))
			}
			code, _, body = get(t, base+"/api/v1/institutions?lat=37.34&lng=126.7335&limit=5")
			var list struct {
				Items []struct {
					Name      string `json:"name"`
					DistanceM int    `json:"distance_m"`
				} `json:"items"`
			}
			if code != 200 || json.Unmarshal([]byte(body), &list) != nil || len(list.Items) != 5 {
				t.Errorf("nearby search = %d %s", code, body)
			}
			code, hdr, body = get(t, base+"/api/v1/does-not-exist")
			if code != 404 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") || !strings.Contains(body, `"not_found"`) {
				t.Errorf("API 404 = %d %q %s", code, hdr.Get("Content-Type"), body)
			}
			code, hdr, _ = get(t, base+"/no/such/page")
			if code != 404 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
				t.Errorf("page 404 = %d %q", code, hdr.Get("Content-Type"))
			}
			code, body = post(t, base+"/api/v1/triage", `{"text": 5}`)
			if code != 400 || !strings.Contains(body, `"field":"text"`) {
				t.Errorf("malformed JSON = %d %s", code, body)
			}
			code, body = post(t, base+"/api/v1/triage", `{"text":"`+strings.Repeat("가", 70000)+`"}`)
			if code != 413 {
				t.Errorf("oversized body = %d %s", code, body[:min(len(body), 200)])
			}

			sample, err := os.ReadFile("testdata/kakao_request.json")
			if err != nil {
				t.Fatal(err)
			}
			code, body = post(t, base+"/kakao/skill", string(sample))
			var resp kakao.Response
			if code != 200 || json.Unmarshal([]byte(body), &resp) != nil || kakao.Validate(resp) != nil {
				t.Errorf("kakao skill = %d %s (validate: %v)", code, body, kakao.Validate(resp))
			}

			code, _, body = get(t, base+"/metrics")
			for _, want := range []string{"heydoctor_http_requests_total", "heydoctor_http_request_duration_seconds_bucket", "go_goroutines",
				"process_resident_memory_bytes", "go_sql_open_connections", "heydoctor_kakao_skill_duration_seconds_bucket",
				`route="GET /api/v1/institutions"`, "heydoctor_directory_institutions"} {
				if code != 200 || !strings.Contains(body, want) {
					t.Errorf("/metrics lacks %s", want)
				}
			}
			if strings.Contains(body, `route="/no/such/page"`) {
				t.Error("metrics are labelled by raw path")
			}
			if strings.Contains(logs.String(), "level=ERROR") {
				t.Errorf("errors logged:\n%s", logs.String())
			}
		})
	}
}

// runCmd runs the command line args with the variables vars and returns its output.
func runCmd(t *testing.T, vars map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), append([]string{"heydoctor"}, args...), env(vars), strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"bad seed", map[string]string{"HEYDOCTOR_SEED": "lots"}, []string{"serve"}, "HEYDOCTOR_SEED"},
		{"bad db scheme", map[string]string{"HEYDOCTOR_DB": "postgres://x/y"}, []string{"serve"}, "HEYDOCTOR_DB"},
		{"bad proxies", map[string]string{"HEYDOCTOR_TRUSTED_PROXIES": "10.0.0.0/99"}, []string{"serve"}, "HEYDOCTOR_TRUSTED_PROXIES"},
		{"cert without key", map[string]string{"HEYDOCTOR_TLS_CERT": "a.pem"}, []string{"serve"}, "HEYDOCTOR_TLS_CERT"},
		{"bad base url", map[string]string{"HEYDOCTOR_BASE_URL": "example.com"}, []string{"serve"}, "HEYDOCTOR_BASE_URL"},
		{"bad booking limit", map[string]string{"HEYDOCTOR_BOOKINGS_PER_ADDRESS": "-1"}, []string{"serve"}, "HEYDOCTOR_BOOKINGS_PER_ADDRESS"},
		{"unknown flag", nil, []string{"serve", "--nope"}, "nope"},
		{"unknown command", nil, []string{"frobnicate"}, "frobnicate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCmd(t, tt.vars, tt.args...)
			var stderr bytes.Buffer
			if code := exitCode(err, &stderr); code != 2 || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 naming %s", code, stderr.String(), tt.want)
			}
		})
	}
}

func TestPrintConfigRedactsSecrets(t *testing.T) {
	out, _, err := runCmd(t, map[string]string{"HEYDOCTOR_KAKAO_SECRET": "s3cret", "HEYDOCTOR_DB": "mysql://root:pw@tcp(db:3306)/heydoctor"}, "serve", "--print-config")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "s3cret") || strings.Contains(out, ":pw@") || !strings.Contains(out, "HEYDOCTOR_KAKAO_SECRET=<redacted>") {
		t.Errorf("print-config leaks or misses secrets:\n%s", out)
	}
}

func TestSecretFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(path, []byte("from-file\n"), 0o600)
	fs := newFlagSet(&environment{stderr: io.Discard}, "x", "x")
	cfg, validate := bindServe(fs, env(map[string]string{"HEYDOCTOR_KAKAO_SECRET_FILE": path}))
	if err := validate(); err != nil || cfg.KakaoSecret != "from-file" {
		t.Errorf("secret from file = %q, %v", cfg.KakaoSecret, err)
	}
}

func TestUnreachableDatabase(t *testing.T) {
	_, _, err := runCmd(t, nil, "serve", "--addr", "127.0.0.1:0", "--db", "mysql://root:@tcp(127.0.0.1:1)/heydoctor?timeout=1s")
	var stderr bytes.Buffer
	if code := exitCode(err, &stderr); code != 1 || !strings.Contains(stderr.String(), "unreachable") {
		t.Errorf("exit %d %q; want 1 and a clear message", code, stderr.String())
	}
	_, _, err = runCmd(t, nil, "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "missing", "dir", "x.db"))
	if err == nil {
		t.Error("a database in a missing directory started")
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "future.db")
	s, err := sqlstore.Open(context.Background(), path, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, _, err = runCmd(t, nil, "serve", "--addr", "127.0.0.1:0", "--db", path)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("serve on a newer schema: %v", err)
	}
}

func TestSubcommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "h.db")
	if out, _, err := runCmd(t, nil, "version"); err != nil || !strings.Contains(out, "heydoctor") {
		t.Errorf("version: %v %q", err, out)
	}
	if out, _, err := runCmd(t, nil, "migrate", "--db", db); err != nil || !strings.Contains(out, "schema version") {
		t.Errorf("migrate: %v %q", err, out)
	}
	if out, _, err := runCmd(t, nil, "--help"); err != nil || !strings.Contains(out, "Commands:") {
		t.Errorf("--help: %v %q", err, out)
	}
	for _, sub := range []string{"serve", "migrate", "import", "triage", "backup", "version"} {
		_, stderr, err := runCmd(t, nil, sub, "--help")
		if exitCode(err, io.Discard) != 0 || !strings.Contains(stderr, "Usage: heydoctor "+sub) {
			t.Errorf("%s --help: %v %q", sub, err, stderr)
		}
	}
	out, _, err := runCmd(t, nil, "triage", "가슴이 쥐어짜듯 아프고 식은땀이 나")
	if err != nil || !strings.Contains(out, "emergency_119") {
		t.Errorf("triage: %v\n%s", err, out)
	}
	if out, _, err := runCmd(t, nil, "backup", "--db", db, filepath.Join(dir, "copy.db")); err != nil || !strings.Contains(out, "backed up") {
		t.Errorf("backup: %v %q", err, out)
	}
}

func TestStaffAdd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "h.db")
	if _, _, err := runCmd(t, nil, "migrate", "--db", db); err != nil {
		t.Fatal(err)
	}
	s, err := sqlstore.Open(context.Background(), db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := loadSeed(context.Background(), "demo", s, discardLogger()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	var stdout, stderr bytes.Buffer
	args := []string{"heydoctor", "staff", "add", "--db", db, "--institution", "1", "--login", "desk1", "--role", "admin"}
	err = run(context.Background(), args, env(nil), strings.NewReader("correct horse battery\n"), &stdout, &stderr)
	if err != nil || !strings.Contains(stdout.String(), "desk1") {
		t.Fatalf("staff add: %v %s %s", err, stdout.String(), stderr.String())
	}
	err = run(context.Background(), args, env(nil), strings.NewReader("short\n"), &stdout, &stderr)
	if exitCode(err, io.Discard) != 2 {
		t.Errorf("a short password was accepted: %v", err)
	}
	if out, _, err := runCmd(t, nil, "staff", "list", "--db", db); err != nil || !strings.Contains(out, "desk1") || strings.Contains(out, "$2a$") {
		t.Errorf("staff list: %v %q", err, out)
	}
	fmt.Fprint(io.Discard, stderr.String())

	// --demo: one admin account per demo hospital, the password printed once.
	out, _, err := runCmd(t, nil, "staff", "add", "--demo", "--db", db)
	if err != nil || !strings.Contains(out, "(데모)") || !regexp.MustCompile(`demo-\d+\s+[A-Z2-7]{16}\n`).MatchString(out) {
		t.Fatalf("staff add --demo: %v\n%s", err, out)
	}
	if out, _, err := runCmd(t, nil, "staff", "add", "--demo", "--db", db); err != nil || !strings.Contains(out, "password not shown again") {
		t.Errorf("staff add --demo again: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, nil, "staff", "add", "--demo", "--login", "x", "--db", db); exitCode(err, io.Discard) != 2 {
		t.Errorf("--demo with --login: %v", err)
	}
}

func TestImportCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "h.db")
	out, stderr, err := runCmd(t, nil, "import", "--db", db, "testdata/seoul_pharmacy_cp949.csv", "testdata/kasi_holiday_2026.xml")
	if err != nil {
		t.Fatalf("import: %v\n%s\n%s", err, out, stderr)
	}
	for _, want := range []string{"seoul_pharmacy_cp949.csv (seoul-pharmacy-csv): read", "inserted", "rejected", "holidays 2"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	// Importing the same file again changes nothing.
	out, _, err = runCmd(t, nil, "import", "--db", db, "testdata/seoul_pharmacy_cp949.csv")
	if err != nil || !strings.Contains(out, "inserted 0, updated 0") {
		t.Errorf("re-import: %v\n%s", err, out)
	}
	// A gateway error fails that input, names it, and leaves the data as it was.
	_, stderr, err = runCmd(t, nil, "import", "--db", db, "testdata/gateway_error.xml")
	if err == nil || !strings.Contains(stderr, "gateway_error.xml") {
		t.Errorf("gateway error: %v %s", err, stderr)
	}
	if _, _, err := runCmd(t, nil, "import", "--db", db, "--format", "nope", "x"); exitCode(err, io.Discard) != 2 {
		t.Errorf("unknown format accepted: %v", err)
	}
	if _, _, err := runCmd(t, nil, "import", "--db", db, "nmc-hospitals"); exitCode(err, io.Discard) == 0 {
		t.Error("a download without a service key ran")
	}
}

// selfSigned writes a certificate for 127.0.0.1 and returns the files and a pool trusting it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestServeTLS runs the binary terminating TLS itself: HTTPS with HSTS, and a plain HTTP
// listener that redirects to HTTPS.
func TestServeTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	httpAddr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	announced := make(chan string, 1)
	stdout, stderr := &serverOutput{addr: announced}, &serverOutput{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"heydoctor", "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "h.db"), "--seed", "none",
			"--tls-cert", certFile, "--tls-key", keyFile, "--http-addr", httpAddr}, env(nil), strings.NewReader(""), stdout, stderr)
	}()
	defer func() {
		cancel()
		<-done
	}()
	var base string
	select {
	case base = <-announced:
	case err := <-done:
		t.Fatalf("run: %v\n%s", err, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("no address announced")
	}
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("announced %s", base)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Strict-Transport-Security") == "" || resp.TLS == nil {
		t.Errorf("https = %d, HSTS %q", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
	}
	resp, err = client.Get("http://" + httpAddr + "/hospitals?x=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "https://127.0.0.1/hospitals?x=1" {
		t.Errorf("redirect = %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// Each command lists and reads only its own flags: the server's TLS, ACME and Kakao
// options belong to serve, and a stray server variable never stops an import.
func TestEachCommandOwnsItsFlags(t *testing.T) {
	serverOnly := []string{"-acme-domain", "-tls-cert", "-kakao-secret", "-addr", "-seed", "-base-url", "-trusted-proxies"}
	for _, sub := range [][]string{{"import"}, {"migrate"}, {"backup"}, {"staff", "add"}, {"staff", "list"}} {
		_, stderr, err := runCmd(t, nil, append(sub, "--help")...)
		if exitCode(err, io.Discard) != 0 || !strings.Contains(stderr, "-db") || !strings.Contains(stderr, "-log-level") {
			t.Errorf("%v --help: %v, want the database and log flags:\n%s", sub, err, stderr)
		}
		for _, f := range serverOnly {
			if strings.Contains(stderr, f+" ") {
				t.Errorf("%v --help lists the server flag %s", sub, f)
			}
		}
	}
	_, stderr, err := runCmd(t, nil, "serve", "--help")
	for _, f := range append(serverOnly, "-db", "-log-level") {
		if !strings.Contains(stderr, f+" ") {
			t.Errorf("serve --help misses %s (%v)", f, err)
		}
	}

	dir := t.TempDir()
	csv := filepath.Join(dir, "empty.csv")
	os.WriteFile(csv, []byte("x\n"), 0o600)
	_, _, err = runCmd(t, map[string]string{"HEYDOCTOR_TLS_CERT": "/x", "HEYDOCTOR_SEED": "lots", "HEYDOCTOR_ADDR": "nope"},
		"import", "--db", filepath.Join(dir, "h.db"), csv)
	var msg bytes.Buffer
	if code := exitCode(err, &msg); code == 2 || strings.Contains(msg.String(), "TLS") || strings.Contains(msg.String(), "SEED") {
		t.Errorf("import with server variables set: exit %d %q; the server's settings are not import's", code, msg.String())
	}

	modes := map[string][]string{"http": {"-url", "-path", "-concurrency"}, "kakao": {"-url", "-kakao-secret", "-concurrency"},
		"ceiling": {"-concurrency", "-requests"}, "directory": {"-n", "-db"}}
	others := map[string][]string{"http": {"-kakao-secret", "-n "}, "kakao": {"-path", "-n "}, "ceiling": {"-url", "-path", "-db"}, "directory": {"-url", "-concurrency", "-path"}}
	for mode, want := range modes {
		_, stderr, err := runCmd(t, nil, "bench", mode, "--help")
		if exitCode(err, io.Discard) != 0 || !strings.Contains(stderr, "Usage: heydoctor bench "+mode) {
			t.Errorf("bench %s --help: %v %q", mode, err, stderr)
		}
		for _, f := range want {
			if !strings.Contains(stderr, f) {
				t.Errorf("bench %s --help misses %s", mode, f)
			}
		}
		for _, f := range others[mode] {
			if strings.Contains(stderr, f) {
				t.Errorf("bench %s --help lists another mode's %s", mode, f)
			}
		}
	}
	if _, _, err := runCmd(t, nil, "bench", "frob"); exitCode(err, io.Discard) != 2 {
		t.Errorf("bench frob: %v, want a usage error", err)
	}
}
