package web

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"heydoctor"
)

// browserPath finds Chromium, or skips the test with a one-line reason. CI sets
// HEYDOCTOR_TEST_REQUIRE_BROWSER=1 so that a missing browser fails instead.
func browserPath(tb testing.TB) string {
	tb.Helper()
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("HEYDOCTOR_TEST_REQUIRE_BROWSER") == "1" {
		tb.Fatal("no Chromium at /usr/bin/chromium and HEYDOCTOR_TEST_REQUIRE_BROWSER=1 (install it with apt-get install chromium)")
	}
	tb.Skip("no Chromium at /usr/bin/chromium; install it (apt-get install chromium) to run the browser tests")
	return ""
}

// browser drives one headless Chromium at a phone's size (360×740, the KakaoTalk in-app
// browser) and saves a screenshot after every step.
type browser struct {
	tb    testing.TB
	alloc context.Context
	root  context.Context // the first tab; it owns the browser process
	dir   string
	n     int
}

func newBrowser(tb testing.TB) *browser {
	tb.Helper()
	path := browserPath(tb)
	dir := os.Getenv("HEYDOCTOR_SCREENSHOT_DIR")
	if dir == "" {
		dir = tb.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatalf("screenshot dir: %v", err)
	}
	tb.Logf("screenshots in %s", dir)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Tests never reach the internet: the map's CDN and tiles fail fast and the
		// list must carry the page alone.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(360, 740),
	)
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	tb.Cleanup(cancel)
	return &browser{tb: tb, alloc: alloc, dir: dir}
}

// tab opens a fresh tab at phone size. Tabs after the first live in their own browser
// context, so each patient has their own cookies.
func (b *browser) tab() context.Context {
	b.tb.Helper()
	var ctx context.Context
	var cancel context.CancelFunc
	if b.root == nil {
		ctx, cancel = chromedp.NewContext(b.alloc)
		b.root = ctx
	} else {
		ctx, cancel = chromedp.NewContext(b.root, chromedp.WithNewBrowserContext())
	}
	b.tb.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateScale(1))); err != nil {
		b.tb.Fatalf("start browser: %v", err)
	}
	return ctx
}

// step runs actions with a timeout and saves a full-page screenshot named after the step,
// also when the step fails.
func (b *browser) step(ctx context.Context, name string, actions ...chromedp.Action[chromedp.Void]) {
	b.tb.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	err := chromedp.Do(sctx, actions...)
	b.shot(ctx, name)
	if err != nil {
		b.tb.Fatalf("step %q: %v", name, err)
	}
}

func (b *browser) shot(ctx context.Context, name string) {
	b.tb.Helper()
	b.n++
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	img, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.tb.Logf("screenshot %s: %v", name, err)
		return
	}
	file := filepath.Join(b.dir, fmt.Sprintf("%02d-%s.png", b.n, name))
	if err := os.WriteFile(file, img, 0o644); err != nil {
		b.tb.Errorf("save screenshot: %v", err)
		return
	}
	b.tb.Logf("screenshot %s", file)
}

// text reads the text of the first element matching sel.
func (b *browser) text(ctx context.Context, sel string) string {
	b.tb.Helper()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(sctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.tb.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// value evaluates a JavaScript expression that returns a string.
func (b *browser) eval(ctx context.Context, js string) string {
	b.tb.Helper()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(sctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.tb.Fatalf("eval %s: %v", js, err)
	}
	return s
}

// TestBrowserPatientJourney is the story on a phone: a patient finds an open
// 내과 nearby and books; a second patient cannot take the same time; the first looks the
// booking up; the chat answers a symptom.
func TestBrowserPatientJourney(t *testing.T) {
	b := newBrowser(t)
	e := newSiteEnv(t)
	base := e.ts.URL
	const phone = "010-2345-6789"

	p1 := b.tab()
	b.step(p1, "home", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`a[href="/departments/D001"]`)))
	b.step(p1, "department-asks-where",
		chromedp.Click(chromedp.CSS(`a[href="/departments/D001"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#q`)))
	// The patient types the place by name, as someone without location sharing would: a
	// part of a name lists the places it may mean, a whole name goes to its results.
	b.step(p1, "place-search",
		chromedp.SendKeys(chromedp.CSS(`#q`), "정"),
		chromedp.Submit(chromedp.CSS(`#q`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.places a`)))
	b.step(p1, "results",
		chromedp.Navigate(base+"/departments/D001?q="+url.QueryEscape("정왕동")),
		chromedp.WaitVisible(chromedp.CSS(`ol.results`)))
	b.step(p1, "open-now",
		chromedp.Click(chromedp.CSS(`input[name="open_at"]`)),
		chromedp.Submit(chromedp.CSS(`form.filters`)),
		chromedp.WaitVisible(chromedp.CSS(`ol.results .badge.open`)))
	if got := b.eval(p1, `document.querySelector("ol.results li .badge").textContent`); !strings.Contains(got, "진료중") {
		t.Errorf("first result badge = %q, want 진료중", got)
	}
	if got := b.eval(p1, `document.querySelectorAll("ol.results .badge:not(.open)").length + ""`); got != "0" {
		t.Errorf("%s results not open with 지금 진료 중인 곳만", got)
	}

	b.step(p1, "institution",
		chromedp.Click(chromedp.CSS(`ol.results li:has(a[href$="/book"]) h3 a`)),
		chromedp.WaitVisible(chromedp.CSS(`tr.today`)))
	if got := b.text(p1, `.notice`); !strings.Contains(got, "방문 전 전화로 확인하세요") {
		t.Errorf("institution notice = %q", got)
	}
	b.step(p1, "booking-page",
		chromedp.Click(chromedp.CSS(`a.button[href$="/book"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.choice input[name="doctor"]`)))
	b.step(p1, "times",
		chromedp.Click(chromedp.CSS(`ul.choice label`)),
		chromedp.SetValue(chromedp.CSS(`#date`), "2026-11-26"),
		chromedp.Submit(chromedp.CSS(`#date`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.slots label`)))
	bookURL := b.eval(p1, `location.href`)
	slot := b.eval(p1, `document.querySelector("ul.slots input").value`)

	// A second patient opens the same day before the first one books.
	p2 := b.tab()
	b.step(p2, "second-patient-times", chromedp.Navigate(bookURL), chromedp.WaitVisible(chromedp.CSS(`ul.slots label`)))

	b.step(p1, "details",
		chromedp.Click(chromedp.CSS(`ul.slots label`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), "김하나"),
		chromedp.SendKeys(chromedp.CSS(`#phone`), phone),
		chromedp.SendKeys(chromedp.CSS(`#note`), "사흘째 기침이 나요"))
	b.step(p1, "confirmation",
		chromedp.Submit(chromedp.CSS(`#name`)),
		chromedp.WaitVisible(chromedp.CSS(`#code`)))
	code := b.text(p1, `#code`)
	if len(code) < 6 {
		t.Fatalf("reservation code = %q", code)
	}
	if got := b.text(p1, `#status`); !strings.Contains(got, "확인 대기") && !strings.Contains(got, "확정") {
		t.Errorf("status after booking = %q", got)
	}

	b.step(p2, "second-patient-conflict",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`ul.slots input[value=%q] + span`, slot))),
		chromedp.SendKeys(chromedp.CSS(`#name`), "이둘"),
		chromedp.SendKeys(chromedp.CSS(`#phone`), "010-9876-5432"),
		chromedp.Submit(chromedp.CSS(`#name`)),
		chromedp.WaitVisible(chromedp.CSS(`#start-err`)))
	if got := b.text(p2, `#start-err`); !strings.Contains(got, "다른 분이") {
		t.Errorf("second patient sees %q, want a taken-slot message", got)
	}
	if got := b.eval(p2, `document.querySelector("#name").value`); got != "이둘" {
		t.Errorf("second patient's name not kept: %q", got)
	}

	// Reception confirms the booking in the staff console.
	in := siteDemoHospital(t, e)
	hash, err := HashPassword("correct horse battery", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateStaff(context.Background(), &heydoctor.Staff{InstitutionID: in.ID, Login: "central-desk", PasswordHash: hash, Role: heydoctor.RoleReception}); err != nil {
		t.Fatal(err)
	}
	staff := b.tab()
	staffLogin := func(name string) {
		t.Helper()
		b.step(staff, name, chromedp.Navigate(base+"/console/login?next=%2Fconsole%3Fdate%3D2026-11-26"),
			chromedp.SendKeys(chromedp.CSS(`#login`), "central-desk"),
			chromedp.SendKeys(chromedp.CSS(`#password`), "correct horse battery"),
			chromedp.Click(chromedp.CSS(`form[action="/console/login"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`li.res`)))
	}
	staffLogin("staff-login")
	b.step(staff, "staff-confirmed",
		chromedp.Click(chromedp.CSS(`li.res.requested form.action-confirm button`)),
		chromedp.WaitVisible(chromedp.CSS(`li.res.confirmed`)))

	p3 := b.tab()
	lookup := func(name, want string) {
		t.Helper()
		b.step(p3, name, chromedp.Navigate(base+"/reservations/lookup"),
			chromedp.SendKeys(chromedp.CSS(`#code`), code),
			chromedp.SendKeys(chromedp.CSS(`#phone`), phone),
			chromedp.Submit(chromedp.CSS(`#code`)), chromedp.WaitVisible(chromedp.CSS(`#status`)))
		if got := b.text(p3, `#status`); !strings.Contains(got, want) {
			t.Errorf("%s: status = %q, want %q", name, got, want)
		}
	}
	lookup("lookup-confirmed", "예약 확정")

	// On the day, five minutes into the visit, reception (signed in again: the clock
	// moved a day) marks the patient attended.
	e.clock.Set(time.Date(2026, 11, 26, 9, 5, 0, 0, heydoctor.KST))
	staffLogin("staff-next-day")
	b.step(staff, "staff-attended",
		chromedp.Click(chromedp.CSS(`li.res.confirmed form.action-attended button`)),
		chromedp.WaitVisible(chromedp.CSS(`li.res.attended`)))
	lookup("lookup-attended", "진료 완료")
	e.clock.Set(siteNow)

	if err := chromedp.Do(p3, chromedp.Navigate(base+"/chat"), chromedp.WaitVisible(chromedp.CSS(`#chat-text`))); err != nil {
		t.Fatalf("open chat: %v", err)
	}
	// Clicking the button (not form.submit()) lets chat.js send the turn through the JSON API.
	b.step(p3, "chat-answer",
		chromedp.SendKeys(chromedp.CSS(`#chat-text`), "배가 아프고 설사를 해요"),
		chromedp.Click(chromedp.CSS(`#chat-form button[type="submit"]`)),
		chromedp.Poll[chromedp.Void](`(() => { const r = document.querySelector("#chat-log li.me ~ li.bot:last-child"); return r && !r.textContent.endsWith("…"); })()`))
	if got := b.eval(p3, `location.pathname`); got != "/chat" {
		t.Errorf("chat left the page: %s", got)
	}
	answer := b.eval(p3, `document.querySelector("#chat-log li.me ~ li.bot").textContent`)
	if !strings.Contains(answer, "내과") {
		t.Errorf("chat answer names no department (want 내과): %s", answer)
	}
	t.Logf("chat answered: %s", answer)
}
