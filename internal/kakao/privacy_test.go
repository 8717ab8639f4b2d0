package kakao

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// TestNothingTypedIsLogged: at every level, including debug, the handler's log keeps
// no word the user typed: a phone number or a symptom.
func TestNothingTypedIsLogged(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := &Handler{Secret: "s3cret", Responder: responderFunc(echo), Logger: log}
	for _, typed := range []string{"010-9876-5432", "01098765432", "어젯밤부터 가슴이 조여요"} {
		body := strings.Replace(liveBody, "머리가 아파요", typed, 1)
		if r := serve(t, h, http.MethodPost, "s3cret", body); r.status != http.StatusOK {
			t.Fatalf("status %d", r.status)
		}
		if strings.Contains(buf.String(), typed) {
			t.Errorf("the log keeps %q:\n%s", typed, buf.String())
		}
	}
	if !strings.Contains(buf.String(), "kakao skill: turn") {
		t.Errorf("the turn is not logged at all:\n%s", buf.String())
	}
}
