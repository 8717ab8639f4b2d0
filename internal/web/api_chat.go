package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"heydoctor"
	"heydoctor/internal/chat"
)

type triageRequest struct {
	Text string `json:"text"`
}

func (t *triageRequest) Validate() error {
	if strings.TrimSpace(t.Text) == "" {
		return heydoctor.FieldError("text", "증상을 적어 주세요")
	}
	if utf8.RuneCountInString(t.Text) > 2000 {
		return heydoctor.FieldError("text", "2000자 이하로 적어 주세요")
	}
	return nil
}

// handleTriage analyses a text without keeping anything: no conversation, no log of the text.
func (s *Server) handleTriage(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[triageRequest](w, r)
	if err != nil {
		return err
	}
	return encode(w, http.StatusOK, s.cfg.Triage.Analyze(req.Text))
}

type chatRequest struct {
	Session string  `json:"session"`
	Text    string  `json:"text"`
	Choice  string  `json:"choice"`
	Lat     float64 `json:"lat"`
	Lng     float64 `json:"lng"`
}

func (c *chatRequest) Validate() error {
	if c.Session != "" && !validSession(c.Session) {
		return heydoctor.FieldError("session", "세션 값이 올바르지 않아요 (16~64자의 영문·숫자)")
	}
	if utf8.RuneCountInString(c.Text) > 5000 {
		return heydoctor.FieldError("text", "5000자 이하로 적어 주세요")
	}
	if len(c.Choice) > 64 {
		return heydoctor.FieldError("choice", "선택 값이 너무 길어요")
	}
	if (c.Lat != 0 || c.Lng != 0) && !heydoctor.InKorea(c.Lat, c.Lng) {
		return heydoctor.FieldError("lat", "한국 안의 위치가 아니에요")
	}
	return nil
}

// validSession checks a chat session id sent by a client.
func validSession(s string) bool { return plainToken(s, 16, 64) }

type chatResponse struct {
	Session string     `json:"session"`
	Reply   chat.Reply `json:"reply"`
}

// handleChat is the website's chat: the same engine as KakaoTalk, keyed by a session id
// the client keeps (a new one is issued when none is sent).
func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[chatRequest](w, r)
	if err != nil {
		return err
	}
	if req.Session == "" {
		req.Session = randomHex(16)
	}
	in := chat.Input{Channel: heydoctor.ChannelWeb, UserKey: req.Session, Text: req.Text, Choice: req.Choice, ClientAddr: clientIP(r)}
	if req.Lat != 0 || req.Lng != 0 {
		in.Location = &chat.Location{Lat: req.Lat, Lng: req.Lng}
	}
	reply, err := s.cfg.Chat.Respond(r.Context(), in)
	if err != nil {
		return err
	}
	return encode(w, http.StatusOK, chatResponse{Session: req.Session, Reply: reply})
}
