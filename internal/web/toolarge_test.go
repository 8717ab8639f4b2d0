package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"heydoctor/internal/kakao"
)

// TestTooLargeInSurfaceFormat: an oversized body is answered 413 in the format of its
// surface: JSON under /api/, a page on the website and console, a valid skill response
// on /kakao/skill, and there only once the secret is right (a wrong secret is 401 before
// the size matters).
func TestTooLargeInSurfaceFormat(t *testing.T) {
	e := newAPIEnv(t)
	h := e.api.Config.Handler
	big := strings.Repeat("a", 200<<10)
	send := func(path, secret string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", path, strings.NewReader(big))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/kakao/") {
			req.Header.Set("Content-Type", "application/json")
		}
		if secret != "" {
			req.Header.Set(kakao.SecretHeader, secret)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, path := range []string{"/api/v1/reservations", "/api/v1/chat"} {
		rec := send(path, "")
		var body apiError
		if rec.Code != http.StatusRequestEntityTooLarge || json.Unmarshal(rec.Body.Bytes(), &body) != nil || body.Error.Code != "too_large" {
			t.Errorf("POST %s = %d %q; want 413 JSON too_large", path, rec.Code, rec.Body.String())
		}
	}
	for _, path := range []string{"/reservations/lookup", "/hospitals/1/book", "/console/login"} {
		rec := send(path, "")
		if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "<html") || !strings.Contains(rec.Body.String(), "너무 큽니다") {
			t.Errorf("POST %s = %d %q; want a 413 page", path, rec.Code, lastChars(rec.Body.String(), 200))
		}
	}
	if rec := send("/kakao/skill", "wrong"); rec.Code != http.StatusUnauthorized {
		t.Errorf("oversized skill call with a wrong secret = %d, want 401 (the secret first)", rec.Code)
	}
	rec := send("/kakao/skill", "test-secret")
	var resp kakao.Response
	if rec.Code != http.StatusRequestEntityTooLarge || json.Unmarshal(rec.Body.Bytes(), &resp) != nil || kakao.Validate(resp) != nil {
		t.Errorf("oversized skill call = %d %q; want 413 with a valid skill response", rec.Code, rec.Body.String())
	}
}

func lastChars(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
