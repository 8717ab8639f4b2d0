package kakao

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"heydoctor"
	"heydoctor/internal/chat"
)

// SecretHeader carries the shared secret set in 챗봇 관리자센터 under "헤더값 입력" and
// "테스트 헤더값 입력". Kakao signs nothing, so this static header is the only way to
// tell its calls from anyone who learned the URL.
const SecretHeader = "X-HeyDoctor-Skill-Secret"

// DefaultTimeout leaves two of Kakao's five seconds for the network and our own writing.
const DefaultTimeout = 3 * time.Second

// Responder answers one turn; the chat engine implements it.
type Responder interface {
	Respond(ctx context.Context, in chat.Input) (chat.Reply, error)
}

// Korean apologies. Kakao shows nothing useful for a 5xx, so every failure after the
// authenticity checks is one of these in a normal 200 response.
const (
	textBadRequest  = "죄송해요, 요청을 제대로 읽지 못했어요. 한 번만 다시 말씀해 주세요."
	textFailed      = "죄송해요, 잠시 문제가 생겼어요. 조금 뒤에 다시 시도해 주세요."
	textTimeout     = "답변을 준비하는 데 시간이 오래 걸리고 있어요. 잠시 후에 다시 말씀해 주세요."
	textTooMany     = "요청이 너무 많이 들어왔어요. 잠시 쉬었다가 다시 시도해 주세요."
	textUnavailable = "지금 서비스가 잠시 불안정해요. 조금 뒤에 다시 찾아 주세요."
	textTooLarge    = "보내신 내용이 너무 길어서 읽지 못했어요. 짧게 나눠서 다시 보내 주세요."
)

// Handler serves POST /kakao/skill. Secret "" disables the secret check (local testing);
// an empty BotIDs allows any bot. Timeout 0 means DefaultTimeout. OnLatency, if set,
// receives the handling time of every authentic request.
type Handler struct {
	Secret    string
	BotIDs    []string
	Responder Responder
	Logger    *slog.Logger
	Timeout   time.Duration
	OnLatency func(time.Duration)
}

type outcome struct {
	reply chat.Reply
	err   error
}

var errPanic = errors.New("responder panicked")

// ServeHTTP checks the secret before reading the body, reads at most MaxBodyBytes, checks
// the bot id, and then always answers 200 with a valid skill response: the rendered reply
// or an apology.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	log := h.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	if !h.authentic(r.Header.Get(SecretHeader)) {
		log.Warn("kakao skill: bad secret", "remote", r.RemoteAddr)
		writeError(w, http.StatusUnauthorized, "unauthorized")
		return
	}
	if r.ContentLength > MaxBodyBytes {
		log.Warn("kakao skill: body too large", "remote", r.RemoteAddr, "bytes", r.ContentLength)
		h.tooLarge(w, log)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			log.Warn("kakao skill: body too large", "remote", r.RemoteAddr)
			h.tooLarge(w, log)
			return
		}
		log.Warn("kakao skill: read body", "err", err)
		h.finish(w, log, start, TextResponse(textBadRequest), "read_error")
		return
	}
	if len(h.BotIDs) > 0 {
		if id, ok := botID(body); ok && !h.allowedBot(id) {
			log.Warn("kakao skill: bot not allowed", "bot_id", id)
			writeError(w, http.StatusForbidden, "forbidden")
			return
		}
	}
	req, err := ParseRequest(body)
	if err != nil {
		log.Warn("kakao skill: bad request", "err", err)
		h.finish(w, log, start, TextResponse(textBadRequest), "bad_request")
		return
	}
	in := req.Input()
	// Never what the user typed (a phone number, a symptom): only its size and the kind of
	// choice tapped.
	log.Debug("kakao skill: turn", "user", in.UserKey, "text_runes", utf8.RuneCountInString(in.Text), "choice", choiceKind(in.Choice))
	resp, result := h.respond(r.Context(), log, in)
	log.Info("kakao skill: turn", "bot_id", req.Bot.ID, "block", req.UserRequest.Block.Name,
		"surface", req.UserRequest.Params["surface"], "result", result)
	h.finish(w, log, start, resp, result)
}

// tooLarge answers an oversized body, once the secret is known to be right, with 413
// and an apology Kakao can show, and closes the connection instead of reading the rest.
func (h *Handler) tooLarge(w http.ResponseWriter, log *slog.Logger) {
	b, err := json.Marshal(TextResponse(textTooLarge))
	if err != nil {
		log.Error("kakao skill: encode apology", "err", err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Connection", "close")
	w.WriteHeader(http.StatusRequestEntityTooLarge)
	_, _ = w.Write(append(b, '\n'))
}

// respond runs the responder under the timeout, turning errors, panics and slowness into
// apologies. A responder that ignores its context keeps running after we answer, but its
// result goes into a buffered channel nobody waits on, so nothing blocks.
func (h *Handler) respond(ctx context.Context, log *slog.Logger, in chat.Input) (Response, string) {
	if h.Responder == nil {
		log.Error("kakao skill: no responder")
		return TextResponse(textFailed), "error"
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				log.Error("kakao skill: responder panic", "panic", fmt.Sprint(p))
				log.Debug("kakao skill: responder panic stack", "stack", string(debug.Stack()))
				done <- outcome{err: errPanic}
			}
		}()
		reply, err := h.Responder.Respond(ctx, in)
		done <- outcome{reply: reply, err: err}
	}()
	select {
	case <-ctx.Done():
		log.Warn("kakao skill: responder timeout", "timeout", timeout, "err", ctx.Err())
		return TextResponse(textTimeout), "timeout"
	case o := <-done:
		if o.err != nil {
			if errors.Is(o.err, context.DeadlineExceeded) {
				log.Warn("kakao skill: responder timeout", "err", o.err)
				return TextResponse(textTimeout), "timeout"
			}
			if !errors.Is(o.err, errPanic) {
				log.Error("kakao skill: responder failed", "err", o.err)
			}
			return TextResponse(apology(o.err)), "error"
		}
		return Render(o.reply), "ok"
	}
}

func apology(err error) string {
	switch heydoctor.KindOf(err) {
	case heydoctor.TooMany:
		return textTooMany
	case heydoctor.Unavailable:
		return textUnavailable
	}
	return textFailed
}

// finish validates and writes resp; a response that fails Validate (a Render bug) is
// replaced by an apology rather than sent for Kakao to drop.
func (h *Handler) finish(w http.ResponseWriter, log *slog.Logger, start time.Time, resp Response, result string) {
	if err := Validate(resp); err != nil {
		log.Error("kakao skill: rendered response is invalid", "err", err, "result", result)
		resp = TextResponse(textFailed)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(resp); err != nil {
		log.Error("kakao skill: encode response", "err", err)
		buf.Reset()
		_ = json.NewEncoder(&buf).Encode(TextResponse(textFailed))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(buf.Bytes()); err != nil {
		log.Debug("kakao skill: write response", "err", err)
	}
	d := time.Since(start)
	if h.OnLatency != nil {
		h.OnLatency(d)
	}
	log.Debug("kakao skill: answered", "result", result, "latency", d)
}

// authentic compares SHA-256 digests in constant time, so neither the content nor the
// length of the secret leaks through timing. Surrounding spaces are ignored because
// values pasted into the admin form pick them up.
func (h *Handler) authentic(got string) bool {
	if h.Secret == "" {
		return true
	}
	a := sha256.Sum256([]byte(strings.TrimSpace(got)))
	b := sha256.Sum256([]byte(strings.TrimSpace(h.Secret)))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// allowedBot compares ignoring a trailing "!", which live bot ids carry and the admin
// pages do not show.
func (h *Handler) allowedBot(id string) bool {
	id = strings.TrimSuffix(strings.TrimSpace(id), "!")
	return slices.ContainsFunc(h.BotIDs, func(allowed string) bool {
		return strings.TrimSuffix(strings.TrimSpace(allowed), "!") == id
	})
}

// botID reads bot.id only; ok is false when the body is not a JSON object, in which case
// the parse step answers with an apology.
func botID(body []byte) (string, bool) {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil || top == nil {
		return "", false
	}
	return scalar(object(top["bot"])["id"]), true
}

// choiceKind is the part of a choice value before its argument ("slot" of "slot:123"),
// when it is a plain word; a forged value is not logged.
func choiceKind(v string) string {
	kind, _, _ := strings.Cut(v, ":")
	if len(kind) > 16 || strings.IndexFunc(kind, func(c rune) bool { return c < 'a' || c > 'z' }) >= 0 {
		return "?"
	}
	return kind
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
