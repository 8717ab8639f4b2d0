package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"heydoctor"
)

// loginFrom posts the login form straight to the handler as a client at addr.
func loginFrom(tb testing.TB, e *siteEnv, addr, login, password string) int {
	tb.Helper()
	form := url.Values{"login": {login}, "password": {password}}
	req := httptest.NewRequest(http.MethodPost, "/console/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = addr + ":40000"
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return rec.Code
}

// TestLoginLimitCannotBeRaced sends 40 wrong passwords at once from one address: the
// attempts are reserved before bcrypt runs, so at most the allowed five are checked, and
// the right password from that address is refused too. A real hash cost makes the
// checks slow enough for the guesses to overlap.
func TestLoginLimitCannotBeRaced(t *testing.T) {
	e := newSiteEnv(t)
	inst := siteDemoHospital(t, e)
	hash, err := bcrypt.GenerateFromPassword([]byte("correct horse battery"), 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateStaff(context.Background(), &heydoctor.Staff{InstitutionID: inst.ID, Login: "desk", PasswordHash: string(hash), Role: heydoctor.RoleReception}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			code := loginFrom(t, e, "203.0.113.5", "desk", "wrong guess "+string(rune('a'+i)))
			mu.Lock()
			codes[code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if codes[http.StatusUnauthorized] > 5 || codes[http.StatusUnauthorized]+codes[http.StatusTooManyRequests] != 40 {
		t.Errorf("40 concurrent guesses: %v; want at most 5 checked (401), the rest 429", codes)
	}
	if code := loginFrom(t, e, "203.0.113.5", "desk", "correct horse battery"); code != http.StatusTooManyRequests {
		t.Errorf("right password from the guessing address = %d, want 429", code)
	}
	if code := loginFrom(t, e, "198.51.100.20", "desk", "correct horse battery"); code != http.StatusSeeOther {
		t.Errorf("the owner from another address = %d, want 303 (not locked out)", code)
	}
}

// TestLoginLimitDoesNotLockOutOwner: wrong passwords for a login from other addresses
// never keep its owner out; one address trying many logins is held back.
func TestLoginLimitDoesNotLockOutOwner(t *testing.T) {
	e := newSiteEnv(t)
	inst := siteDemoHospital(t, e)
	addStaff(t, e, inst.ID, "desk", heydoctor.RoleReception)
	for i := range 10 {
		loginFrom(t, e, "203.0.113."+string(rune('1'+i%9)), "desk", "nope")
	}
	if code := loginFrom(t, e, "198.51.100.20", "desk", "correct horse battery"); code != http.StatusSeeOther {
		t.Errorf("owner after guesses from elsewhere = %d, want 303", code)
	}
	// One address spraying many logins is limited per address as well.
	refused := 0
	for i := range 40 {
		if loginFrom(t, e, "203.0.113.99", "user"+string(rune('a'+i)), "nope") == http.StatusTooManyRequests {
			refused++
		}
	}
	if refused == 0 {
		t.Error("40 logins sprayed from one address: none refused")
	}
}
