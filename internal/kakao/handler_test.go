package kakao

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"heydoctor"
	"heydoctor/internal/chat"
	"heydoctor/internal/syncbuf"
)

// responderFunc adapts a function to Responder.
type responderFunc func(ctx context.Context, in chat.Input) (chat.Reply, error)

func (f responderFunc) Respond(ctx context.Context, in chat.Input) (chat.Reply, error) {
	return f(ctx, in)
}

func echo(_ context.Context, in chat.Input) (chat.Reply, error) {
	return chat.Reply{Texts: []string{"받았어요: " + in.Text}, Choices: []chat.Choice{{Label: "처음으로", Value: "home"}}}, nil
}

const liveBody = `{"intent":{"id":"i","name":"폴백"},"userRequest":{"timezone":"Asia/Seoul","params":{"surface":"Kakaotalk.plusfriend"},
"block":{"id":"b","name":"폴백"},"utterance":"머리가 아파요","lang":"ko","user":{"id":"abc123","type":"botUserKey",
"properties":{"botUserKey":"abc123","plusfriendUserKey":"pk","isFriend":true}}},"bot":{"id":"60b628c87e223a78e8750a68!","name":"하이닥터"},
"action":{"name":"skill","clientExtra":null,"params":{},"id":"a","detailParams":{}},"contexts":[]}`

type result struct {
	status int
	body   []byte
}

func serve(tb testing.TB, h *Handler, method, secret, body string) result {
	tb.Helper()
	req := httptest.NewRequest(method, "/kakao/skill", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(SecretHeader, secret)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return result{status: rec.Code, body: rec.Body.Bytes()}
}

// texts decodes a skill response, checks it validates, and returns its simpleTexts.
func texts(tb testing.TB, body []byte) []string {
	tb.Helper()
	var resp Response
	if err := json.Unmarshal(body, &resp); err != nil {
		tb.Fatalf("decode response %s: %v", body, err)
	}
	if err := Validate(resp); err != nil {
		tb.Fatalf("response does not validate: %v", err)
	}
	var out []string
	for _, o := range resp.Template.Outputs {
		if o.SimpleText != nil {
			out = append(out, o.SimpleText.Text)
		}
	}
	return out
}

func TestHandlerAuth(t *testing.T) {
	tests := []struct {
		name       string
		h          *Handler
		method     string
		secret     string
		body       string
		wantStatus int
	}{
		{"missing secret", &Handler{Secret: "s3cret", Responder: responderFunc(echo)}, http.MethodPost, "", liveBody, http.StatusUnauthorized},
		{"wrong secret", &Handler{Secret: "s3cret", Responder: responderFunc(echo)}, http.MethodPost, "s3cre", liveBody, http.StatusUnauthorized},
		{"right secret with spaces", &Handler{Secret: "s3cret", Responder: responderFunc(echo)}, http.MethodPost, "  s3cret ", liveBody, http.StatusOK},
		{"open mode", &Handler{Responder: responderFunc(echo)}, http.MethodPost, "", liveBody, http.StatusOK},
		{"wrong secret even for garbage", &Handler{Secret: "s3cret"}, http.MethodPost, "x", "{{{", http.StatusUnauthorized},
		{"GET", &Handler{Responder: responderFunc(echo)}, http.MethodGet, "", "", http.StatusMethodNotAllowed},
		{"bot allowed ignoring !", &Handler{BotIDs: []string{"60b628c87e223a78e8750a68"}, Responder: responderFunc(echo)}, http.MethodPost, "", liveBody, http.StatusOK},
		{"bot not allowed", &Handler{BotIDs: []string{"other"}, Responder: responderFunc(echo)}, http.MethodPost, "", liveBody, http.StatusForbidden},
		{"bot missing", &Handler{BotIDs: []string{"other"}, Responder: responderFunc(echo)}, http.MethodPost, "", `{"userRequest":{"user":{"id":"u"}}}`, http.StatusForbidden},
		{"too large", &Handler{Responder: responderFunc(echo)}, http.MethodPost, "", `{"a":"` + strings.Repeat("x", MaxBodyBytes) + `"}`, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := serve(t, tt.h, tt.method, tt.secret, tt.body)
			if got.status != tt.wantStatus {
				t.Errorf("status = %d, want %d (body %s)", got.status, tt.wantStatus, got.body)
			}
			if !json.Valid(got.body) {
				t.Errorf("body is not JSON: %s", got.body)
			}
		})
	}
}

func TestHandlerTurns(t *testing.T) {
	slow := func(ctx context.Context, _ chat.Input) (chat.Reply, error) {
		<-ctx.Done()
		return chat.Reply{}, ctx.Err()
	}
	stuck := make(chan struct{})
	t.Cleanup(func() { close(stuck) })
	ignoresCtx := func(context.Context, chat.Input) (chat.Reply, error) {
		<-stuck
		return chat.Reply{Texts: []string{"늦었어요"}}, nil
	}
	tests := []struct {
		name      string
		responder Responder
		body      string
		want      []string
	}{
		{"normal turn", responderFunc(echo), liveBody, []string{"받았어요: 머리가 아파요"}},
		{"malformed json", responderFunc(echo), `{"userRequest":`, []string{textBadRequest}},
		{"no user", responderFunc(echo), `{"userRequest":{"utterance":"a"}}`, []string{textBadRequest}},
		{"responder error", responderFunc(func(context.Context, chat.Input) (chat.Reply, error) {
			return chat.Reply{}, errors.New("db down: secret details")
		}), liveBody, []string{textFailed}},
		{"responder rate limited", responderFunc(func(context.Context, chat.Input) (chat.Reply, error) {
			return chat.Reply{}, heydoctor.Errorf(heydoctor.TooMany, "too many")
		}), liveBody, []string{textTooMany}},
		{"responder panic", responderFunc(func(context.Context, chat.Input) (chat.Reply, error) {
			panic("boom")
		}), liveBody, []string{textFailed}},
		{"responder timeout honouring ctx", responderFunc(slow), liveBody, []string{textTimeout}},
		{"responder timeout ignoring ctx", responderFunc(ignoresCtx), liveBody, []string{textTimeout}},
		{"no responder", nil, liveBody, []string{textFailed}},
		{"empty reply", responderFunc(func(context.Context, chat.Input) (chat.Reply, error) { return chat.Reply{}, nil }),
			liveBody, []string{textEmptyReply}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var latencies []time.Duration
			h := &Handler{Secret: "s", Responder: tt.responder, Timeout: 50 * time.Millisecond,
				OnLatency: func(d time.Duration) { latencies = append(latencies, d) }}
			got := serve(t, h, http.MethodPost, "s", tt.body)
			if got.status != http.StatusOK {
				t.Fatalf("status = %d, want 200 (body %s)", got.status, got.body)
			}
			if diff := cmp.Diff(tt.want, texts(t, got.body)); diff != "" {
				t.Errorf("texts mismatch (-want +got):\n%s", diff)
			}
			if len(latencies) != 1 {
				t.Errorf("OnLatency called %d times, want 1", len(latencies))
			}
		})
	}
}

func TestHandlerPassesInput(t *testing.T) {
	var got chat.Input
	h := &Handler{Responder: responderFunc(func(_ context.Context, in chat.Input) (chat.Reply, error) {
		got = in
		return chat.Reply{Texts: []string{"네"}}, nil
	})}
	serve(t, h, http.MethodPost, "", liveBody)
	want := chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "abc123", Text: "머리가 아파요"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("input mismatch (-want +got):\n%s", diff)
	}
}

func TestHandlerLogsNoHealthDetailsAtInfo(t *testing.T) {
	var logs syncbuf.Buffer
	h := &Handler{Responder: responderFunc(func(context.Context, chat.Input) (chat.Reply, error) {
		return chat.Reply{}, errors.New("failed")
	}), Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	serve(t, h, http.MethodPost, "", liveBody)
	serve(t, h, http.MethodPost, "", `{"userRequest":{"utterance":"머리가 아파요"}}`)
	if out := logs.String(); strings.Contains(out, "머리가") || strings.Contains(out, "abc123") {
		t.Errorf("info logs contain the utterance or user key:\n%s", out)
	}
}

func BenchmarkHandler(b *testing.B) {
	h := &Handler{Secret: "s", Responder: responderFunc(echo)}
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/kakao/skill", strings.NewReader(liveBody))
		req.Header.Set(SecretHeader, "s")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
		_, _ = io.Copy(io.Discard, rec.Body)
	}
}
