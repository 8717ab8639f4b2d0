package web

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"heydoctor"
)

// chatTurn waits for the bot's answer after an action in the chat page: the log grew by
// the user's bubble and at least one answer, and no answer is still pending ("…").
func chatTurn(b *browser, ctx context.Context, name string, acts ...chromedp.Action[chromedp.Void]) {
	b.tb.Helper()
	before := b.eval(ctx, `document.querySelectorAll("#chat-log li").length + ""`)
	b.step(ctx, name, append(acts, chromedp.Poll[chromedp.Void](fmt.Sprintf(
		`document.querySelectorAll("#chat-log li").length > %s + 1 && ![...document.querySelectorAll("#chat-log li.bot")].some(li => li.textContent.endsWith("…"))`, before)))...)
}

// tapQuick clicks the first quick reply whose label starts with prefix.
func tapQuick(prefix string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`[...document.querySelectorAll("#chat-quick button")].find(b => b.textContent.trim().startsWith(%q)).click()`, prefix))
}

// chatSay types a message and sends it.
func chatSay(text string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{chromedp.SetValue(chromedp.CSS(`#chat-text`), text),
		chromedp.Click(chromedp.CSS(`#chat-form button[type="submit"]`))}
}

// submitAndWait clicks a button that submits a form (a full page load) and waits until
// cond, a JavaScript expression, holds on the new page. Evaluations that meet the page
// mid-navigation are retried.
func submitAndWait(b *browser, ctx context.Context, name, button, cond string) {
	b.tb.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.__before = 1`), chromedp.Click(chromedp.CSS(button))); err != nil {
		b.shot(ctx, name)
		b.tb.Fatalf("step %q: %v", name, err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		ok, err := chromedp.Run(sctx, chromedp.Evaluate[bool](`!window.__before && document.readyState === "complete" && (`+cond+`)`))
		cancel()
		if err == nil && ok {
			break
		}
		if time.Now().After(deadline) {
			b.shot(ctx, name)
			b.tb.Fatalf("step %q: %s never held (last error %v)", name, cond, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.shot(ctx, name)
}

var queueLinkRE = regexp.MustCompile(`/queue/([A-Z0-9]+)$`)

// TestBrowserQueue is same-day check-in end to end: one patient checks in through the
// chat, another on the web, reception adds a walk-in, calls them in check-in order and
// marks them done; the patients' pages show their place falling and "곧 차례예요"; the
// waiting-room screen shows masked names.
func TestBrowserQueue(t *testing.T) {
	b := newBrowser(t)
	e := newSiteEnv(t)
	base := e.ts.URL
	ctx := context.Background()
	// "곧 차례예요" only when nobody is ahead, so the second patient sees it appear.
	onboarded, err := e.store.ListInstitutions(ctx, heydoctor.InstitutionFilter{Onboarded: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range onboarded {
		qs, err := e.store.FindQueueSettings(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		qs.SoonAhead = 0
		if err := e.store.SaveQueueSettings(ctx, &qs); err != nil {
			t.Fatal(err)
		}
	}

	// Patient 1 checks in through the web chat.
	p1 := b.tab()
	b.step(p1, "chat", chromedp.Navigate(base+"/chat"), chromedp.WaitVisible(chromedp.CSS(`#chat-quick button[value="dept:D002"]`)))
	chatTurn(b, p1, "chat-department", chromedp.Click(chromedp.CSS(`#chat-quick button[value="dept:D002"]`)))
	chatTurn(b, p1, "chat-place", chatSay("정왕동")...)
	if strings.Contains(b.eval(p1, `document.querySelector("#chat-log").textContent`), "어느 곳인가요?") {
		chatTurn(b, p1, "chat-place-pick", tapQuick("정왕"))
	}
	chatTurn(b, p1, "chat-check-in", tapQuick("접수 "))
	chatTurn(b, p1, "chat-name", chatSay("홍아기")...)
	chatTurn(b, p1, "chat-phone", chatSay("010-3456-0001")...)
	chatTurn(b, p1, "chat-confirm", tapQuick("접수하기"))
	link := b.eval(p1, `[...document.querySelectorAll("#chat-log a")].map(a => a.getAttribute("href")).filter(h => h.includes("/queue/")).pop() || ""`)
	m := queueLinkRE.FindStringSubmatch(link)
	if m == nil {
		t.Fatalf("no ticket link in the chat: %q\n%s", link, b.eval(p1, `document.querySelector("#chat-log").textContent`))
	}
	first, err := e.store.FindTicketByCode(ctx, m[1])
	if err != nil {
		t.Fatal(err)
	}
	ticket1 := "/queue/" + m[1]
	b.step(p1, "ticket-1-phone", chromedp.Navigate(base+ticket1), chromedp.WaitVisible(chromedp.CSS(`#phone`)),
		chromedp.SendKeys(chromedp.CSS(`#phone`), "01034560001"), chromedp.Submit(chromedp.CSS(`#phone`)),
		chromedp.WaitVisible(chromedp.CSS(`.ticket-number`)))
	if got := b.text(p1, `#ahead`); got != "0" {
		t.Errorf("first patient ahead = %q, want 0", got)
	}

	// Patient 2 checks in on the web, at the same clinic.
	p2 := b.tab()
	b.step(p2, "web-check-in-form", chromedp.Navigate(fmt.Sprintf("%s/hospitals/%d", base, first.InstitutionID)),
		chromedp.Click(chromedp.CSS(`a.button[href$="/queue"]`)), chromedp.WaitVisible(chromedp.CSS(`#name`)))
	b.step(p2, "web-check-in",
		chromedp.SendKeys(chromedp.CSS(`#name`), "김하나"),
		chromedp.SendKeys(chromedp.CSS(`#phone`), "010-3456-0002"),
		chromedp.SendKeys(chromedp.CSS(`#note`), "이틀째 열이 나요"),
		chromedp.Submit(chromedp.CSS(`#name`)),
		chromedp.WaitVisible(chromedp.CSS(`.ticket-number`)))
	ticket2 := b.eval(p2, `location.pathname`)
	if got := b.text(p2, `#ahead`); got != "1" {
		t.Errorf("second patient ahead = %q, want 1", got)
	}
	if strings.Contains(b.text(p2, `main`), "곧 차례예요") {
		t.Errorf("second patient told 곧 차례예요 with one ahead")
	}

	// Reception adds a walk-in at the desk.
	hash, err := HashPassword("correct horse battery", 4)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateStaff(ctx, &heydoctor.Staff{InstitutionID: first.InstitutionID, Login: "queue-desk", PasswordHash: hash, Role: heydoctor.RoleReception}); err != nil {
		t.Fatal(err)
	}
	desk := b.tab()
	b.step(desk, "desk-login", chromedp.Navigate(base+"/console/login?next=%2Fconsole%2Fqueue"),
		chromedp.SendKeys(chromedp.CSS(`#login`), "queue-desk"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "correct horse battery"),
		chromedp.Click(chromedp.CSS(`form[action="/console/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ol.queue-waiting li`)))
	b.step(desk, "desk-walk-in-form", chromedp.SendKeys(chromedp.CSS(`#w-name`), "박현장"))
	submitAndWait(b, desk, "desk-walk-in", `form[action="/console/queue/walk-in"] button`, `document.querySelectorAll("ol.queue-waiting li").length === 3`)
	if got := b.text(desk, `ol.queue-waiting`); !strings.Contains(got, "이틀째 열이 나요") {
		t.Errorf("the board lacks the reason: %q", got)
	}

	// The waiting-room screen is a staff page, opened with the desk's session.
	b.step(desk, "tv", chromedp.Navigate(base+"/console/queue/tv"), chromedp.WaitVisible(chromedp.CSS(`.tv-next`)))
	screen := b.text(desk, `.tv`)
	for _, want := range []string{"홍*기", "김*나", "박*장"} {
		if !strings.Contains(screen, want) {
			t.Errorf("waiting-room screen lacks %q: %s", want, screen)
		}
	}
	for _, bad := range []string{"홍아기", "김하나", "박현장", "열이 나요", "010"} {
		if strings.Contains(screen, bad) {
			t.Errorf("waiting-room screen shows %q", bad)
		}
	}

	// Reception calls them in check-in order and marks each done.
	reload := func(ctx context.Context, name string) string {
		b.step(ctx, name, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`.ticket-number`)))
		return b.text(ctx, `main`)
	}
	for i, who := range []string{"홍아기", "김하나", "박현장"} {
		n := i + 1
		b.step(desk, fmt.Sprintf("board-%d", n), chromedp.Navigate(base+"/console/queue"), chromedp.WaitVisible(chromedp.CSS(`form[action="/console/queue/next"] button`)))
		submitAndWait(b, desk, fmt.Sprintf("call-%d", n), `form[action="/console/queue/next"] button`, `!!document.querySelector("ol.queue-now li.called")`)
		if got := b.text(desk, `ol.queue-now`); !strings.Contains(got, fmt.Sprintf("%d번", n)) || !strings.Contains(got, who) {
			t.Errorf("call %d: %q, want %d번 %s", n, got, n, who)
		}
		switch n {
		case 1:
			if got := reload(p1, "ticket-1-called"); !strings.Contains(got, "지금 차례예요") {
				t.Errorf("first patient's page when called: %s", got)
			}
			got := reload(p2, "ticket-2-soon")
			if b.text(p2, `#ahead`) != "0" || !strings.Contains(got, "곧 차례예요") {
				t.Errorf("second patient's page after the first call: %s", got)
			}
		case 2:
			if got := reload(p2, "ticket-2-called"); !strings.Contains(got, "지금 차례예요") {
				t.Errorf("second patient's page when called: %s", got)
			}
		}
		submitAndWait(b, desk, fmt.Sprintf("arrived-%d", n), `ol.queue-now li.called form.action-arrived button`, `!!document.querySelector("ol.queue-now li.in_progress")`)
		submitAndWait(b, desk, fmt.Sprintf("done-%d", n), `ol.queue-now li.in_progress form.action-done button`,
			fmt.Sprintf(`(document.querySelector("details summary") || {}).textContent === "끝난 접수 %d건"`, n))
	}
	if got := reload(p1, "ticket-1-done"); !strings.Contains(got, "진료가 끝났어요") {
		t.Errorf("first patient's page at the end: %s", got)
	}
	if got := reload(p2, "ticket-2-done"); !strings.Contains(got, "진료가 끝났어요") || ticket2 == ticket1 {
		t.Errorf("second patient's page at the end: %s", got)
	}
}
