package deploy

import (
	"bufio"
	"debug/elf"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// dockerInstruction is one instruction of a Dockerfile with its continuation lines joined.
type dockerInstruction struct {
	Cmd  string // upper case: FROM, RUN, …
	Args string
}

func parseDockerfile(tb testing.TB, path string) []dockerInstruction {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []dockerInstruction
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if cur.Len() == 0 && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\") + " ")
			continue
		}
		cur.WriteString(line)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, dockerInstruction{Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(args)})
		cur.Reset()
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestDockerfile checks what no Docker engine here can: a multi-stage build whose
// final stage is distroless, non-root, with a healthcheck, and whose build command
// names the real packages and version variable.
func TestDockerfile(t *testing.T) {
	ins := parseDockerfile(t, filepath.Join("..", "Dockerfile"))
	var froms, runs []string
	final := map[string]string{}
	for _, in := range ins {
		switch in.Cmd {
		case "FROM":
			froms = append(froms, in.Args)
			clear(final)
		case "RUN":
			runs = append(runs, in.Args)
		}
		final[in.Cmd] = in.Args
	}
	if len(froms) < 2 {
		t.Fatalf("FROM lines %q, want a multi-stage build", froms)
	}
	if !strings.HasPrefix(froms[len(froms)-1], "gcr.io/distroless/static") {
		t.Errorf("final stage FROM %q, want a distroless static image", froms[len(froms)-1])
	}
	if u := final["USER"]; u == "" || strings.HasPrefix(u, "0") || strings.HasPrefix(u, "root") {
		t.Errorf("final stage USER = %q, want a non-root user", u)
	}
	if hc := final["HEALTHCHECK"]; !strings.Contains(hc, "/usr/local/bin/heydoctor-healthcheck") {
		t.Errorf("final stage HEALTHCHECK = %q, want the healthcheck binary", hc)
	}
	build := strings.Join(runs, "\n")
	for _, want := range []string{"./cmd/heydoctor", "./deploy/healthcheck", "-X heydoctor.Version=${VERSION}"} {
		if !strings.Contains(build, want) {
			t.Errorf("Dockerfile RUN lines lack %q", want)
		}
	}
	// The -X target must be a real string variable, or the version silently stays "dev".
	src, err := os.ReadFile(filepath.Join("..", "heydoctor.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^var Version = "`).Match(src) {
		t.Error("heydoctor.go has no `var Version = \"…\"` for -X heydoctor.Version")
	}
}

// TestBinaryStaticAndVersioned builds heydoctor as the Dockerfile does and checks it
// is statically linked (distroless/static has no libc) and reports the stamped version.
func TestBinaryStaticAndVersioned(t *testing.T) {
	bin := heydoctorBinary(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("heydoctor has an ELF interpreter: it is dynamically linked")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("heydoctor needs shared libraries %v", libs)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("heydoctor version: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), testVersion) {
		t.Errorf("heydoctor version printed %q, want it to contain %q", out, testVersion)
	}
}

func TestHealthcheckBinary(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("built for the Linux image only")
	}
	bin := filepath.Join(t.TempDir(), "heydoctor-healthcheck")
	cmd := exec.Command("go", "build", "-o", bin, "./healthcheck")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./healthcheck: %v\n%s", err, out)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		name, url string
		wantOK    bool
	}{
		{"ready", srv.URL + "/readyz", true},
		{"503", srv.URL + "/other", false},
		{"refused", "http://" + freePort(t) + "/readyz", false},
		{"bad url", "::", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := exec.Command(bin, tc.url).Run()
			if got := err == nil; got != tc.wantOK {
				t.Errorf("heydoctor-healthcheck %s: err = %v, want ok = %v", tc.url, err, tc.wantOK)
			}
		})
	}
}

// TestInitLetsencrypt runs init-letsencrypt.sh with a fake docker that records its
// arguments, and checks the first-certificate sequence.
func TestInitLetsencrypt(t *testing.T) {
	dir := t.TempDir()
	script, err := os.ReadFile("init-letsencrypt.sh")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "init-letsencrypt.sh"), script, 0o755); err != nil {
		t.Fatal(err)
	}
	record := filepath.Join(dir, "calls.txt")
	fake := "#!/bin/sh\n" +
		`echo "$*" >> "` + record + `"` + "\n" +
		// "certificate exists?" check: say no.
		`case "$*" in *"--entrypoint test"*) exit 1;; esac` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "fake-docker"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(t *testing.T, env string) (string, error) {
		t.Helper()
		os.Remove(record)
		writeFile(t, filepath.Join(dir, ".env"), []byte(env))
		cmd := exec.Command("sh", filepath.Join(dir, "init-letsencrypt.sh"))
		cmd.Env = append(os.Environ(), "COMPOSE="+filepath.Join(dir, "fake-docker")+" compose")
		out, err := cmd.CombinedOutput()
		calls, _ := os.ReadFile(record)
		return string(out) + "\n--calls--\n" + string(calls), err
	}

	t.Run("sequence", func(t *testing.T) {
		out, err := run(t, "HEYDOCTOR_DOMAIN=hd.test.kr\nLETSENCRYPT_EMAIL=ops@hd.test.kr\nLETSENCRYPT_STAGING=1\n")
		if err != nil {
			t.Fatalf("init-letsencrypt.sh: %v\n%s", err, out)
		}
		calls, _ := os.ReadFile(record)
		lines := strings.Split(strings.TrimSpace(string(calls)), "\n")
		wants := []string{
			"compose run --rm --no-deps --entrypoint test certbot -s /etc/letsencrypt/live/hd.test.kr/fullchain.pem",
			"openssl req -x509",
			"compose up --force-recreate -d nginx",
			"rm -rf '/etc/letsencrypt/live/hd.test.kr'",
			"certonly --webroot -w /var/www/certbot --staging --email ops@hd.test.kr -d hd.test.kr",
			"compose exec nginx nginx -s reload",
		}
		if len(lines) != len(wants) {
			t.Fatalf("docker called %d times, want %d:\n%s", len(lines), len(wants), calls)
		}
		for i, want := range wants {
			if !strings.Contains(lines[i], want) {
				t.Errorf("call %d = %q, want it to contain %q", i+1, lines[i], want)
			}
		}
		if strings.Contains(string(calls), "curl") || strings.Contains(string(calls), "wget") {
			t.Errorf("init-letsencrypt.sh downloads something:\n%s", calls)
		}
	})

	for _, tc := range []struct{ name, env string }{
		{"example domain", "HEYDOCTOR_DOMAIN=heydoctor.example.kr\nLETSENCRYPT_EMAIL=a@b.kr\n"},
		{"no email", "HEYDOCTOR_DOMAIN=hd.test.kr\n"},
		{"shell in domain", "HEYDOCTOR_DOMAIN=hd.test.kr;reboot\nLETSENCRYPT_EMAIL=a@b.kr\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := run(t, tc.env)
			if err == nil {
				t.Errorf("init-letsencrypt.sh accepted %q:\n%s", tc.env, out)
			}
			if _, statErr := os.Stat(record); statErr == nil {
				t.Errorf("docker was called for a bad .env:\n%s", out)
			}
		})
	}
}

// TestMigrateThenServe is the compose start-up order on one database: the one-shot
// "migrate" service, then a replica, which must find the schema current.
func TestMigrateThenServe(t *testing.T) {
	opt := appOptions{DB: filepath.Join(t.TempDir(), "shared.db"), Seed: "none"}
	runHeydoctor(t, opt, "migrate")
	a := startApp(t, opt) // waits for /readyz: DB reachable and schema current
	resp, _ := get(t, &http.Client{Timeout: 5 * time.Second}, newRequest(t, "GET", a.URL+"/healthz", nil))
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz = %d", resp.StatusCode)
	}
}
