package deploy

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"heydoctor/internal/syncbuf"
)

// The harness starts real processes: heydoctor replicas (built once per test run)
// and nginx running the project's template. The lead's multi-replica tests (MariaDB,
// booking race, killing a replica) use startApps with their own DB and env.

// testVersion is injected with -ldflags the way the Dockerfile injects VERSION.
const testVersion = "deploy-test-1.2.3"

// buildDir holds the heydoctor binary built (at most once) for this test run.
var (
	buildDir  string
	buildOnce = sync.OnceValues(func() (string, error) {
		bin := filepath.Join(buildDir, "heydoctor")
		// The Dockerfile's flags minus -trimpath, which would make go rebuild every
		// dependency (SQLite is minutes on two cores) instead of reusing the test cache.
		cmd := exec.Command("go", "build", "-ldflags=-s -w -X heydoctor.Version="+testVersion, "-o", bin, "../cmd/heydoctor")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("go build ./cmd/heydoctor: %w\n%s", err, out)
		}
		return bin, nil
	})
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "heydoctor-deploy-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	buildDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// heydoctorBinary returns the path of a heydoctor binary built from ../cmd/heydoctor.
func heydoctorBinary(tb testing.TB) string {
	tb.Helper()
	bin, err := buildOnce()
	if err != nil {
		tb.Fatal(err)
	}
	return bin
}

// appOptions configures one replica. DB defaults to a fresh SQLite file per replica;
// give every replica the same HEYDOCTOR_DB (a MariaDB DSN) to share a database.
type appOptions struct {
	DB   string
	Seed string   // "demo" unless set
	Env  []string // extra KEY=VALUE, after the defaults
	Args []string // extra flags after "serve"
}

// app is one running heydoctor process.
type app struct {
	Addr string // host:port it listens on
	URL  string // http://Addr

	tb   testing.TB
	bin  string
	env  []string
	args []string
	log  *syncbuf.Buffer

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// runHeydoctor runs a one-shot subcommand (migrate, backup, staff …) with the same
// database and environment a replica of opt would get, and returns its output. Run
// "migrate" once before starting replicas on a shared MariaDB, as compose does.
func runHeydoctor(tb testing.TB, opt appOptions, args ...string) string {
	tb.Helper()
	if opt.DB == "" {
		tb.Fatal("runHeydoctor needs opt.DB: a fresh SQLite file would be thrown away")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, heydoctorBinary(tb), args...)
	cmd.Env = append([]string{
		"HOME=" + tb.TempDir(),
		"PATH=" + os.Getenv("PATH"),
		"HEYDOCTOR_DB=" + opt.DB,
		"HEYDOCTOR_LOG_FORMAT=text",
	}, opt.Env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("heydoctor %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// startApps starts n replicas and waits until every one answers /readyz.
func startApps(tb testing.TB, n int, opt appOptions) []*app {
	tb.Helper()
	apps := make([]*app, n)
	for i := range apps {
		apps[i] = startApp(tb, opt)
	}
	return apps
}

// startApp starts one replica on a free loopback port and waits until it is ready.
// It is stopped (SIGTERM, then SIGKILL) at cleanup.
func startApp(tb testing.TB, opt appOptions) *app {
	tb.Helper()
	dir := tb.TempDir()
	db := opt.DB
	if db == "" {
		db = filepath.Join(dir, "heydoctor.db")
	}
	seed := opt.Seed
	if seed == "" {
		seed = "demo"
	}
	addr := freePort(tb)
	a := &app{
		Addr: addr,
		URL:  "http://" + addr,
		tb:   tb,
		bin:  heydoctorBinary(tb),
		env: append([]string{
			"HOME=" + dir,
			"PATH=" + os.Getenv("PATH"),
			"HEYDOCTOR_ADDR=" + addr,
			"HEYDOCTOR_DB=" + db,
			"HEYDOCTOR_SEED=" + seed,
			"HEYDOCTOR_LOG_FORMAT=text",
			"HEYDOCTOR_LOG_LEVEL=info",
		}, opt.Env...),
		args: append([]string{"serve"}, opt.Args...),
		log:  &syncbuf.Buffer{},
	}
	tb.Cleanup(func() {
		a.Stop()
		if tb.Failed() {
			tb.Logf("heydoctor %s log:\n%s", a.Addr, tail(a.Log(), 4000))
		}
	})
	a.Start()
	return a
}

// Start (re)starts the process on the same address and waits for /readyz.
func (a *app) Start() {
	a.tb.Helper()
	a.mu.Lock()
	cmd := exec.Command(a.bin, a.args...)
	cmd.Env = a.env
	cmd.Stdout = a.log
	cmd.Stderr = a.log
	if err := cmd.Start(); err != nil {
		a.mu.Unlock()
		a.tb.Fatalf("start heydoctor: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	a.cmd, a.done = cmd, done
	a.mu.Unlock()
	if err := waitReady(a.URL+"/readyz", done, 30*time.Second); err != nil {
		a.tb.Fatalf("heydoctor on %s: %v\nlog:\n%s", a.Addr, err, tail(a.Log(), 4000))
	}
}

// Kill ends the process with SIGKILL, as a crash would.
func (a *app) Kill() { a.signal(syscall.SIGKILL, 0) }

// Stop asks the process to shut down gracefully and kills it after 10 s.
func (a *app) Stop() { a.signal(syscall.SIGTERM, 10*time.Second) }

func (a *app) signal(sig syscall.Signal, grace time.Duration) {
	a.mu.Lock()
	cmd, done := a.cmd, a.done
	a.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-done:
	case <-time.After(grace):
		_ = cmd.Process.Kill()
		<-done
	}
}

// Log returns everything the process wrote to stdout and stderr so far.
func (a *app) Log() string { return a.log.String() }

func waitReady(url string, exited <-chan struct{}, timeout time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("process exited before it was ready")
		default:
		}
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("not ready after %v: %w", timeout, last)
}

// edge is a running nginx with the project's configuration.
type edge struct {
	HTTPS  string // https://localhost:port, the public origin
	HTTP   string // http://127.0.0.1:port, the redirect and ACME listener
	Prefix string // nginx's prefix directory (logs, cache, pid, ACME webroot)
	// Client speaks HTTPS to nginx from 127.0.0.3, trusts the test certificate, sends
	// SNI "localhost", does not follow redirects and does not decompress.
	Client *http.Client
	log    *syncbuf.Buffer
}

// ClientAddr is the loopback address the edge client connects from, so that the
// app can tell it apart from nginx (127.0.0.1).
const clientAddr = "127.0.0.3"

const serverName = "localhost"

// nginxBinary returns the nginx to test with, or skips the test when there is none
// and HEYDOCTOR_TEST_REQUIRE_NGINX is not 1.
func nginxBinary(tb testing.TB) string {
	tb.Helper()
	return requireTool(tb, "nginx", "/usr/sbin/nginx", "HEYDOCTOR_TEST_REQUIRE_NGINX")
}

func requireTool(tb testing.TB, name, path, requireVar string) string {
	tb.Helper()
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if os.Getenv(requireVar) == "1" {
		tb.Fatalf("%s is not installed and %s=1", name, requireVar)
	}
	tb.Skipf("%s is not installed (apt-get install %s; %s=1 makes this a failure)", name, name, requireVar)
	return ""
}

// startNginx renders nginx/templates/default.conf.template for loopback ports and a
// self-signed certificate, and runs nginx in the foreground in front of upstreams.
func startNginx(tb testing.TB, upstreams ...string) *edge {
	tb.Helper()
	bin := nginxBinary(tb)
	prefix := tb.TempDir()
	for _, d := range []string{"logs", "cache", "tmp", "acme/.well-known/acme-challenge"} {
		if err := os.MkdirAll(filepath.Join(prefix, d), 0o755); err != nil {
			tb.Fatal(err)
		}
	}
	certPEM, keyPEM, pool := selfSignedCert(tb, serverName)
	certFile, keyFile := filepath.Join(prefix, "cert.pem"), filepath.Join(prefix, "key.pem")
	writeFile(tb, certFile, certPEM)
	writeFile(tb, keyFile, keyPEM)

	ports := freePorts(tb, 2)
	httpAddr, httpsAddr := ports[0], ports[1]
	conf := renderTemplate(tb, filepath.Join("nginx", "templates", "default.conf.template"), map[string]string{
		"NGINX_SERVER_NAME":  serverName,
		"NGINX_HTTP_LISTEN":  httpAddr,
		"NGINX_HTTPS_LISTEN": httpsAddr,
		"NGINX_TLS_CERT":     certFile,
		"NGINX_TLS_KEY":      keyFile,
		"NGINX_ACME_ROOT":    filepath.Join(prefix, "acme"),
		"NGINX_CACHE_DIR":    filepath.Join(prefix, "cache"),
		"NGINX_LOG_DIR":      filepath.Join(prefix, "logs"),
	}, upstreams)
	writeFile(tb, filepath.Join(prefix, "heydoctor.conf"), []byte(conf))
	writeFile(tb, filepath.Join(prefix, "nginx.conf"), []byte(mainConf(prefix)))

	log := &syncbuf.Buffer{}
	cmd := exec.Command(bin, "-p", prefix, "-e", filepath.Join(prefix, "logs", "error.log"),
		"-c", filepath.Join(prefix, "nginx.conf"), "-g", "daemon off;")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start nginx: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	e := &edge{
		HTTPS:  "https://" + serverName + ":" + port(httpsAddr),
		HTTP:   "http://" + httpAddr,
		Prefix: prefix,
		Client: edgeClient(pool, httpsAddr),
		log:    log,
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT) // graceful shutdown
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if tb.Failed() {
			errLog, _ := os.ReadFile(filepath.Join(prefix, "logs", "error.log"))
			tb.Logf("nginx output:\n%s\nerror.log:\n%s", log.String(), tail(string(errLog), 4000))
		}
	})
	if err := waitListening(httpsAddr, done, 10*time.Second); err != nil {
		errLog, _ := os.ReadFile(filepath.Join(prefix, "logs", "error.log"))
		tb.Fatalf("nginx: %v\n%s\n%s", err, log.String(), errLog)
	}
	return e
}

// mainConf is the part of nginx.conf that the nginx image owns in production: the
// test's copy keeps every path inside prefix, so nginx needs no root and no /var.
func mainConf(prefix string) string {
	user := ""
	if os.Geteuid() == 0 {
		user = "user root root;" // workers must write to the test's temp dirs
	}
	mime := "include /etc/nginx/mime.types;"
	if _, err := os.Stat("/etc/nginx/mime.types"); err != nil {
		mime = "types { text/html html; text/css css; application/javascript js; image/svg+xml svg; }"
	}
	tmp := filepath.Join(prefix, "tmp")
	return fmt.Sprintf(`%s
worker_processes 2;
pid %s/nginx.pid;
events { worker_connections 1024; }
http {
    %s
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path %s/body;
    proxy_temp_path %s/proxy;
    fastcgi_temp_path %s/fastcgi;
    uwsgi_temp_path %s/uwsgi;
    scgi_temp_path %s/scgi;
    include %s/heydoctor.conf;
}
`, user, prefix, mime, tmp, tmp, tmp, tmp, tmp, prefix)
}

// renderTemplate does what the nginx image's envsubst does: it replaces ${NAME} for
// the names given and leaves nginx's own $variables alone. A line that names
// ${NGINX_UPSTREAM} is written once per upstream, as nginx does for a host name
// that resolves to several addresses.
func renderTemplate(tb testing.TB, path string, vars map[string]string, upstreams []string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	for _, name := range templateVariables(tb, path) {
		if _, ok := vars[name]; !ok && name != "NGINX_UPSTREAM" {
			tb.Fatalf("%s uses ${%s}, which the test does not set", path, name)
		}
	}
	var out strings.Builder
	for line := range strings.Lines(string(b)) {
		if strings.Contains(line, "${NGINX_UPSTREAM}") {
			if strings.HasPrefix(strings.TrimSpace(line), "#") {
				out.WriteString(line)
				continue
			}
			for _, u := range upstreams {
				out.WriteString(strings.ReplaceAll(line, "${NGINX_UPSTREAM}", u))
			}
			continue
		}
		for name, v := range vars {
			line = strings.ReplaceAll(line, "${"+name+"}", v)
		}
		out.WriteString(line)
	}
	return out.String()
}

func edgeClient(pool *x509.CertPool, httpsAddr string) *http.Client {
	dialer := &net.Dialer{
		Timeout:   5 * time.Second,
		LocalAddr: &net.TCPAddr{IP: net.ParseIP(clientAddr)},
	}
	return &http.Client{
		Timeout: 15 * time.Second,
		Transport: &http.Transport{
			// Every https://localhost:port request goes to nginx's loopback address.
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return dialer.DialContext(ctx, "tcp4", httpsAddr)
			},
			TLSClientConfig:     &tls.Config{RootCAs: pool, ServerName: serverName, MinVersion: tls.VersionTLS12},
			ForceAttemptHTTP2:   true,
			DisableCompression:  true,
			MaxIdleConnsPerHost: 100,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// selfSignedCert makes a P-256 certificate for name valid for one day around now,
// and the pool that trusts it.
func selfSignedCert(tb testing.TB, name string) (certPEM, keyPEM []byte, pool *x509.CertPool) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: name},
		DNSNames:              []string{name},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), pool
}

// freePort returns a loopback address whose port was free a moment ago.
func freePort(tb testing.TB) string {
	tb.Helper()
	return freePorts(tb, 1)[0]
}

// freePorts returns n distinct loopback addresses that were free: every listener stays
// open until all are picked, so the kernel cannot hand out one port twice.
func freePorts(tb testing.TB, n int) []string {
	tb.Helper()
	addrs := make([]string, n)
	for i := range addrs {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		defer l.Close()
		addrs[i] = l.Addr().String()
	}
	return addrs
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

func waitListening(addr string, exited <-chan struct{}, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("exited before listening")
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s not listening after %v", addr, timeout)
}

func writeFile(tb testing.TB, path string, b []byte) {
	tb.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// get fetches url with c and returns the response with its body read (at most 8 MiB).
func get(tb testing.TB, c *http.Client, req *http.Request) (*http.Response, []byte) {
	tb.Helper()
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return resp, body
}

func newRequest(tb testing.TB, method, url string, body []byte) *http.Request {
	tb.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		tb.Fatal(err)
	}
	return req
}
