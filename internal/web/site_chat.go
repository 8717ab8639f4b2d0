package web

import (
	"html/template"
	"net/http"
	"strings"
	"unicode/utf8"

	"heydoctor"
	"heydoctor/internal/chat"
)

// siteChatCookie names the web chat's session cookie: a random id that keys the
// conversation in the store, nothing else.
const (
	siteChatCookie   = "hd_chat"
	siteMaxChatRunes = 1000
	siteMaxChoice    = 64
)

type siteChatButton struct {
	Label  string
	Href   template.URL // link or tel:
	Choice string
}

type siteChatCard struct {
	Title, Description string
	Buttons            []siteChatButton
}

type siteChatPage struct {
	Session string
	Said    string // what the user just sent (text, or the label of the tapped choice)
	Texts   []string
	Cards   []siteChatCard
	Choices []chat.Choice
	Text    string
	Errors  siteFieldErrors
}

// siteChatSession returns the chat session from the cookie, setting a new one when
// missing or malformed.
func (s *Server) siteChatSession(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(siteChatCookie); err == nil && validSession(c.Value) {
		return c.Value
	}
	id := randomHex(16)
	http.SetCookie(w, &http.Cookie{Name: siteChatCookie, Value: id, Path: "/", MaxAge: 24 * 60 * 60, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || strings.HasPrefix(s.baseURL(r), "https://")})
	return id
}

func (s *Server) handleSiteChat(w http.ResponseWriter, r *http.Request) error {
	p := &siteChatPage{Session: s.siteChatSession(w, r), Errors: siteFieldErrors{}}
	if s.cfg.Chat != nil {
		reply, err := s.cfg.Chat.Respond(r.Context(), chat.Input{Channel: heydoctor.ChannelWeb, UserKey: p.Session, Choice: "restart"})
		if err == nil {
			p.fill(reply)
		}
	}
	if len(p.Texts) == 0 {
		p.Texts = []string{"안녕하세요, 헤이닥터예요. 어디가 어떻게 불편한지 평소 말투로 적어 주세요. 맞는 진료과와 가까운 병원을 알려 드릴게요."}
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, http.StatusOK, "site_chat", "증상 상담", p)
}

// handleSiteChatPost answers one turn without JavaScript: the form posts a text or a
// tapped choice, and the page shows the turn. chat.js does the same through the JSON API.
func (s *Server) handleSiteChatPost(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return siteFormError(err)
	}
	p := &siteChatPage{Session: s.siteChatSession(w, r), Errors: siteFieldErrors{}}
	text := strings.TrimSpace(r.PostForm.Get("text"))
	choice := strings.TrimSpace(r.PostForm.Get("choice"))
	label := strings.TrimSpace(r.PostForm.Get("label"))
	switch {
	case !utf8.ValidString(text) || utf8.RuneCountInString(text) > siteMaxChatRunes:
		p.Errors["text"] = "1000자까지 적을 수 있어요"
		p.Text = string([]rune(strings.ToValidUTF8(text, ""))[:min(siteMaxChatRunes, utf8.RuneCountInString(strings.ToValidUTF8(text, "")))])
	case len(choice) > siteMaxChoice || !utf8.ValidString(choice):
		p.Errors["text"] = "선택한 값이 올바르지 않아요. 다시 골라 주세요"
	case text == "" && choice == "":
		p.Errors["text"] = "증상이나 궁금한 점을 적어 주세요"
	}
	if len(p.Errors) > 0 {
		w.Header().Set("Cache-Control", "no-store")
		return s.render(w, r, http.StatusBadRequest, "site_chat", "증상 상담", p)
	}
	p.Said = text
	if choice != "" {
		p.Said = choice
		if label != "" && utf8.RuneCountInString(label) <= siteMaxChatRunes && utf8.ValidString(label) {
			p.Said = label
		}
	}
	if s.cfg.Chat == nil {
		return heydoctor.Errorf(heydoctor.Unavailable, "지금은 상담을 쓸 수 없어요. 진료과로 병원을 찾아 주세요")
	}
	reply, err := s.cfg.Chat.Respond(r.Context(), chat.Input{Channel: heydoctor.ChannelWeb, UserKey: p.Session, Text: text, Choice: choice, ClientAddr: clientIP(r)})
	if err != nil {
		if !p.Errors.add(err) {
			return err
		}
		if p.Errors["form"] != "" {
			p.Errors["text"] = p.Errors["form"]
		}
		p.Text = text
		w.Header().Set("Cache-Control", "no-store")
		return s.render(w, r, httpStatus(err), "site_chat", "증상 상담", p)
	}
	p.fill(reply)
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, http.StatusOK, "site_chat", "증상 상담", p)
}

// fill turns a channel-agnostic reply into what the page shows: link buttons become
// links, phone buttons tel: links, choice buttons submit buttons.
func (p *siteChatPage) fill(reply chat.Reply) {
	p.Texts = reply.Texts
	p.Choices = reply.Choices
	for _, c := range reply.Cards {
		card := siteChatCard{Title: c.Title, Description: c.Description}
		for _, b := range c.Buttons {
			btn := siteChatButton{Label: b.Label}
			switch b.Kind {
			case chat.ButtonLink:
				if u := siteChatLink(b.Value); u != "" {
					btn.Href = template.URL(u)
				} else {
					continue
				}
			case chat.ButtonPhone:
				if btn.Href = siteTel(b.Value); btn.Href == "" {
					continue
				}
			case chat.ButtonChoice:
				btn.Choice = b.Value
			default:
				continue
			}
			card.Buttons = append(card.Buttons, btn)
		}
		p.Cards = append(p.Cards, card)
	}
}

// siteChatLink accepts only http(s) URLs and site paths from the engine.
func siteChatLink(v string) string {
	switch {
	case strings.HasPrefix(v, "https://"), strings.HasPrefix(v, "http://"):
		return v
	case strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//"):
		return v
	}
	return ""
}
