package kakao

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"heydoctor/internal/chat"
)

// Limits from the Kakao skill response reference (characters, not bytes).
const (
	MaxOutputs             = 3
	MaxQuickReplies        = 10
	MaxQuickReplyLabel     = 14 // undocumented for quick replies; the button cap, to be safe
	MaxSimpleText          = 1000
	MaxAltText             = 50
	MaxTextCardTitle       = 50
	MaxTextCardText        = 400 // title and description together
	MaxTextCardTextInCarou = 128 // title and description together, inside a carousel
	MaxBasicCardTitle      = 50
	MaxBasicCardDesc       = 230
	MaxCommerceTitle       = 30
	MaxCommerceDesc        = 40
	MaxListItems           = 5
	MaxListItemsInCarousel = 4
	MaxItemList            = 10
	MaxItemListInCarousel  = 5
	MaxItemProfileTitle    = 15
	MaxItemSummaryTitle    = 6
	MaxItemSummaryDesc     = 14
	MaxItemCardText        = 200
	MaxItemCardTextInCarou = 100
	MaxCarouselItems       = 10
	MaxCarouselListCards   = 5
	MaxButtons             = 3
	MaxButtonsSideBySide   = 2
	MaxButtonLabel         = 14
	MaxButtonLabelSide     = 8 // side by side; display guidance, Kakao's own examples exceed it
)

// Render-only bounds on values Kakao does not limit but we should not echo unbounded.
const (
	maxMessageText = 200
	maxURL         = 2000
	maxPhone       = 30
)

// Korean text the user sees when the reply itself has nothing to show.
const (
	textEmptyReply  = "죄송해요, 지금은 드릴 답변이 없어요. 다른 말로 다시 물어봐 주세요."
	textPickBelow   = "아래에서 골라 주세요."
	textUntitled    = "안내"
	labelLink       = "자세히 보기"
	labelPhone      = "전화하기"
	labelChoice     = "선택하기"
	ellipsis        = "…"
	textJoiner      = "\n\n"
	splitLookBehind = 200
)

// Render turns an engine reply into a SkillResponse that passes Validate whatever the
// reply holds: Kakao may silently drop a bubble that breaks a limit, so we cut and merge
// here rather than hope. Texts become up to three simpleText bubbles (two when there are
// cards), split at line or word breaks and merged when there are too many; cards become
// one textCard or a textCard carousel of at most 10 (our cards have no picture, and a
// basicCard requires one); choices become at most 10 message quick replies whose
// messageText is the label and whose extra carries {"choice": value}; a card's choice
// button says its words (chat.Button.Words) and carries the same extra.
func Render(reply chat.Reply) Response {
	var outputs []Output
	slots := MaxOutputs
	if len(reply.Cards) > 0 {
		slots--
	}
	for _, t := range renderTexts(reply.Texts, slots) {
		outputs = append(outputs, Output{SimpleText: &SimpleText{Text: t}})
	}
	if out, ok := renderCards(reply.Cards); ok {
		outputs = append(outputs, out)
	}
	quick := renderChoices(reply.Choices)
	if len(outputs) == 0 {
		t := textEmptyReply
		if len(quick) > 0 {
			t = textPickBelow
		}
		outputs = append(outputs, Output{SimpleText: &SimpleText{Text: t}})
	}
	return Response{Version: "2.0", Template: &Template{Outputs: outputs, QuickReplies: quick}}
}

// TextResponse is a response with one simpleText bubble, cut to the limit.
func TextResponse(text string) Response {
	return Render(chat.Reply{Texts: []string{text}})
}

// renderTexts packs texts into at most slots bubbles of at most MaxSimpleText characters.
func renderTexts(texts []string, slots int) []string {
	var pieces []string
	for _, t := range texts {
		t = strings.TrimSpace(clean(t))
		for t != "" {
			head, rest := splitText(t, MaxSimpleText)
			pieces = append(pieces, head)
			t = rest
		}
		if len(pieces) > slots*4 { // enough to fill every bubble; skip the rest cheaply
			break
		}
	}
	var bubbles []string
	for _, p := range pieces {
		if n := len(bubbles); n > 0 && runes(bubbles[n-1])+runes(textJoiner)+runes(p) <= MaxSimpleText {
			bubbles[n-1] += textJoiner + p
			continue
		}
		bubbles = append(bubbles, p)
	}
	if len(bubbles) > slots {
		last := strings.Join(bubbles[slots-1:], textJoiner)
		bubbles = append(bubbles[:slots-1], truncate(last, MaxSimpleText))
	}
	return bubbles
}

// splitText cuts s into a head of at most max characters, preferring a line break, then a
// space, in the last splitLookBehind characters, and the rest.
func splitText(s string, max int) (head, rest string) {
	if runes(s) <= max {
		return s, ""
	}
	cut := byteIndexOfRune(s, max)
	cut = safeCut(s, cut)
	window := s[:cut]
	lo := byteIndexOfRune(s, max-splitLookBehind)
	if i := strings.LastIndex(window, "\n"); i > lo {
		cut = i
	} else if i := strings.LastIndexFunc(window, unicode.IsSpace); i > lo {
		cut = i
	}
	if cut == 0 { // only joiners before the limit: cut on the rune boundary anyway
		cut = byteIndexOfRune(s, max)
	}
	return strings.TrimSpace(s[:cut]), strings.TrimSpace(s[cut:])
}

func renderCards(cards []chat.Card) (Output, bool) {
	if len(cards) == 0 {
		return Output{}, false
	}
	if len(cards) == 1 {
		tc := renderCard(cards[0], MaxTextCardText)
		return Output{TextCard: &tc}, true
	}
	if len(cards) > MaxCarouselItems {
		cards = cards[:MaxCarouselItems]
	}
	c := &Carousel{Type: TypeTextCard}
	for _, card := range cards {
		c.TextCards = append(c.TextCards, renderCard(card, MaxTextCardTextInCarou))
	}
	return Output{Carousel: c}, true
}

// renderCard keeps the title whole when it can and gives the description what is left of
// the combined budget.
func renderCard(card chat.Card, budget int) TextCard {
	title := truncate(strings.TrimSpace(clean(card.Title)), MaxTextCardTitle)
	desc := strings.TrimSpace(clean(card.Description))
	if title == "" && desc == "" {
		title = textUntitled
	}
	left := budget - runes(title)
	if left < 2 {
		desc = ""
	} else {
		desc = truncate(desc, left)
	}
	tc := TextCard{Title: title, Description: desc}
	for _, b := range card.Buttons {
		if len(tc.Buttons) == MaxButtons {
			break
		}
		if btn, ok := renderButton(b); ok {
			tc.Buttons = append(tc.Buttons, btn)
		}
	}
	if len(tc.Buttons) > 0 {
		tc.ButtonLayout = LayoutVertical
	}
	return tc
}

// renderButton maps a chat button; a link that is not http(s) or a phone button without a
// number is dropped, since Kakao refuses them.
func renderButton(b chat.Button) (Button, bool) {
	label := strings.TrimSpace(clean(b.Label))
	value := strings.TrimSpace(clean(b.Value))
	switch b.Kind {
	case chat.ButtonLink:
		if !httpURL(value) {
			return Button{}, false
		}
		return Button{Label: buttonLabel(label, labelLink), Action: ActionWebLink, WebLinkURL: value}, true
	case chat.ButtonPhone:
		phone := phoneNumber(value)
		if phone == "" {
			return Button{}, false
		}
		return Button{Label: buttonLabel(label, labelPhone), Action: ActionPhone, PhoneNumber: phone}, true
	case chat.ButtonChoice:
		if value == "" || len(value) > maxChoice {
			return Button{}, false
		}
		// The bubble says the button's words ("시화병원 예약할게요"), as a person would; the
		// engine knows which choice those words stand for when Kakao leaves out the extra.
		msg := strings.TrimSpace(clean(b.Words()))
		if msg == "" {
			msg = buttonLabel(label, labelChoice)
		}
		return Button{Label: buttonLabel(label, labelChoice), Action: ActionMessage, MessageText: truncate(msg, maxMessageText),
			Extra: map[string]any{ChoiceKey: value}}, true
	}
	return Button{}, false
}

func buttonLabel(label, fallback string) string {
	if label == "" {
		label = fallback
	}
	return truncate(label, MaxButtonLabel)
}

func renderChoices(choices []chat.Choice) []QuickReply {
	var out []QuickReply
	for _, c := range choices {
		if len(out) == MaxQuickReplies {
			break
		}
		label := strings.TrimSpace(clean(c.Label))
		value := strings.TrimSpace(clean(c.Value))
		if label == "" {
			label = value
		}
		if label == "" || len(value) > maxChoice {
			continue
		}
		qr := QuickReply{Label: truncate(label, MaxQuickReplyLabel), Action: ActionMessage,
			MessageText: truncate(label, maxMessageText)}
		if value != "" {
			qr.Extra = map[string]any{ChoiceKey: value}
		}
		out = append(out, qr)
	}
	return out
}

func httpURL(s string) bool {
	if s == "" || len(s) > maxURL || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// phoneNumber keeps digits, '+' and '-' (as Kakao's examples write numbers), or returns ""
// when nothing dialable is left.
func phoneNumber(s string) string {
	var b strings.Builder
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
			b.WriteRune(r)
		case r == '+' || r == '-':
			b.WriteRune(r)
		}
	}
	if digits < 3 || b.Len() > maxPhone {
		return ""
	}
	return b.String()
}

// clean makes s valid UTF-8 and drops control characters other than newline and tab,
// which a chat bubble cannot show.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if !strings.ContainsFunc(s, isBadControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == '\r' {
			return -1
		}
		if isBadControl(r) {
			return -1
		}
		return r
	}, s)
}

func isBadControl(r rune) bool {
	return r != '\n' && r != '\t' && (unicode.IsControl(r) || r == '\u2028' || r == '\u2029')
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// truncate returns s when it has at most max characters, else a prefix ending in "…"
// with max characters in all, cut where it does not split an emoji or a Hangul syllable
// made of conjoining jamo.
func truncate(s string, max int) string {
	if runes(s) <= max {
		return s
	}
	if max <= 0 {
		return ""
	}
	cut := safeCut(s, byteIndexOfRune(s, max-1))
	return strings.TrimRightFunc(s[:cut], unicode.IsSpace) + ellipsis
}

// byteIndexOfRune returns the byte offset of the n-th rune of s (len(s) past the end).
func byteIndexOfRune(s string, n int) int {
	if n <= 0 {
		return 0
	}
	i := 0
	for pos := range s {
		if i == n {
			return pos
		}
		i++
	}
	return len(s)
}

// safeCut moves a cut at byte offset i left until it does not separate a rune from the
// joiners, modifiers, combining marks or jamo that belong to it, nor split a flag.
func safeCut(s string, i int) int {
	for i > 0 && i < len(s) {
		next, _ := utf8.DecodeRuneInString(s[i:])
		prev, size := utf8.DecodeLastRuneInString(s[:i])
		if !extends(next) && prev != '\u200d' && !(isRegional(next) && oddRegionalRun(s[:i])) {
			break
		}
		i -= size
	}
	return i
}

func extends(r rune) bool {
	return r == '\u200d' || // zero width joiner
		(r >= '\ufe00' && r <= '\ufe0f') || // variation selectors
		(r >= 0x1f3fb && r <= 0x1f3ff) || // skin tones
		(r >= 0xe0020 && r <= 0xe007f) || // tag characters (subdivision flags)
		r == '\u20e3' || // keycap
		(r >= 0x1160 && r <= 0x11ff) || (r >= 0xd7b0 && r <= 0xd7ff) || // jamo vowels and finals
		unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r)
}

func isRegional(r rune) bool { return r >= 0x1f1e6 && r <= 0x1f1ff }

// oddRegionalRun reports whether s ends in an odd number of regional indicators, so the
// next one completes a flag.
func oddRegionalRun(s string) bool {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeLastRuneInString(s)
		if !isRegional(r) {
			break
		}
		n++
		s = s[:len(s)-size]
	}
	return n%2 == 1
}
