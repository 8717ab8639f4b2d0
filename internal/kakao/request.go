// Package kakao speaks the Kakao i Open Builder skill protocol v2.0: it parses the
// SkillPayload Kakao posts, turns it into a chat.Input, renders a chat.Reply as a
// SkillResponse within every documented limit, and serves the skill endpoint.
package kakao

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"heydoctor"
	"heydoctor/internal/chat"
)

// MaxBodyBytes bounds a skill request. Real payloads are a few KiB; 64 KiB leaves room for
// long utterances and Knowledge+ matches without letting anyone make us parse megabytes.
const MaxBodyBytes = 64 << 10

const (
	// maxUserKey bounds user ids. Kakao documents at most 70 characters; a longer id is
	// not from Kakao, and truncating it could merge two people's conversations.
	maxUserKey = 128
	// maxUtterance bounds the text handed to the engine.
	maxUtterance = 2000
	// maxChoice bounds a choice value read back from clientExtra.
	maxChoice = 256
	// ChoiceKey is the clientExtra key that carries a tapped choice's value (see Render).
	ChoiceKey = "choice"
	// choiceMarker ends a card button's messageText before the choice value: "예약 #book:3".
	choiceMarker = " #"
	// maxMarkedChoice bounds values sent in a messageText, which the user sees.
	maxMarkedChoice = 64
)

// ErrNoUserRequest reports a body Kakao could not have sent: no userRequest object or no
// way to tell who is talking.
var ErrNoUserRequest = errors.New("kakao: no usable userRequest")

// Request is a parsed SkillPayload. Every string field is normalised: numbers and booleans
// become their JSON text, null and wrong types become "". Maps are never nil.
type Request struct {
	Intent      Intent      `json:"intent"`
	UserRequest UserRequest `json:"userRequest"`
	Bot         Bot         `json:"bot"`
	Action      Action      `json:"action"`
	Contexts    []Context   `json:"contexts,omitempty"`
	Flow        *Flow       `json:"flow,omitempty"`
}

// Intent is the block that matched ("지식+" for Knowledge+ answers).
type Intent struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// UserRequest is what the user did.
type UserRequest struct {
	Timezone  string `json:"timezone"`
	Block     Block  `json:"block"`
	Utterance string `json:"utterance"`
	// Lang is "ko" on live traffic, "kr" in older traffic and "" (null) from the skill-test panel.
	Lang string `json:"lang"`
	// Params carries surface ("Kakaotalk.plusfriend", "BuilderBotTest") and ignoreMe.
	Params      map[string]string `json:"params"`
	User        User              `json:"user"`
	CallbackURL string            `json:"callbackUrl,omitempty"`
}

// Block names a scenario block.
type Block struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// User is the person talking. Type is "botUserKey" (live, bot test) or "accountId"
// (skill-test panel).
type User struct {
	ID         string            `json:"id"`
	Type       string            `json:"type"`
	Properties map[string]string `json:"properties"`
}

// Bot is the chatbot that called the skill. Live ids may end in "!".
type Bot struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Action is the skill call with its resolved parameters. Entity values are kept as sent:
// system entities arrive as JSON inside a string.
type Action struct {
	ID           string                     `json:"id"`
	Name         string                     `json:"name"`
	Params       map[string]string          `json:"params"`
	DetailParams map[string]DetailParam     `json:"detailParams"`
	ClientExtra  map[string]json.RawMessage `json:"clientExtra"`
}

// DetailParam is an entity with the text it came from. An object Value is kept as its
// compact JSON text.
type DetailParam struct {
	Origin    string `json:"origin"`
	Value     string `json:"value"`
	GroupName string `json:"groupName"`
}

// Context is an input context of the block (request side; the key is "lifespan").
type Context struct {
	Name     string                  `json:"name"`
	Lifespan int                     `json:"lifespan"`
	TTL      int                     `json:"ttl"`
	Params   map[string]ContextParam `json:"params,omitempty"`
}

// ContextParam is one stored context value.
type ContextParam struct {
	Value         string `json:"value"`
	ResolvedValue string `json:"resolvedValue"`
}

// Flow tells how the user reached the block (button, quick reply, typed text).
type Flow struct {
	Trigger   Trigger `json:"trigger"`
	LastBlock Block   `json:"lastBlock"`
}

// Trigger is what started this turn, e.g. TEXT_INPUT or QUICKREPLY_BUTTON_MESSAGE.
type Trigger struct {
	Type          string `json:"type"`
	ReferrerBlock Block  `json:"referrerBlock"`
}

// ParseRequest decodes a SkillPayload leniently: the three origins (live channel, 봇 테스트,
// 스킬 테스트 panel) differ in which keys are present or null, and Kakao adds fields over
// time, so a wrong type or a missing part costs only that part. It fails only when the
// body is not a JSON object, is too big, or has no userRequest naming a user.
func ParseRequest(body []byte) (*Request, error) {
	if len(body) > MaxBodyBytes {
		return nil, fmt.Errorf("kakao: request body: %d bytes, at most %d", len(body), MaxBodyBytes)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, fmt.Errorf("kakao: request body: %w", err)
	}
	if top == nil {
		return nil, fmt.Errorf("kakao: request body: not a JSON object")
	}
	ur := object(top["userRequest"])
	if ur == nil {
		return nil, fmt.Errorf("userRequest: missing or not an object: %w", ErrNoUserRequest)
	}
	r := &Request{
		Intent:      Intent{ID: scalar(object(top["intent"])["id"]), Name: scalar(object(top["intent"])["name"])},
		UserRequest: parseUserRequest(ur),
		Bot:         Bot{ID: scalar(object(top["bot"])["id"]), Name: scalar(object(top["bot"])["name"])},
		Action:      parseAction(object(top["action"])),
		Contexts:    parseContexts(top["contexts"]),
		Flow:        parseFlow(object(top["flow"])),
	}
	key := r.UserKey()
	if key == "" {
		return nil, fmt.Errorf("userRequest.user.id: no user key: %w", ErrNoUserRequest)
	}
	if len(key) > maxUserKey {
		return nil, fmt.Errorf("userRequest.user.id: %d bytes, at most %d: %w", len(key), maxUserKey, ErrNoUserRequest)
	}
	return r, nil
}

func parseUserRequest(ur map[string]json.RawMessage) UserRequest {
	user := object(ur["user"])
	return UserRequest{
		Timezone:    scalar(ur["timezone"]),
		Block:       parseBlock(object(ur["block"])),
		Utterance:   scalar(ur["utterance"]),
		Lang:        scalar(ur["lang"]),
		Params:      stringMap(object(ur["params"])),
		CallbackURL: scalar(ur["callbackUrl"]),
		User: User{
			ID:         scalar(user["id"]),
			Type:       scalar(user["type"]),
			Properties: stringMap(object(user["properties"])),
		},
	}
}

func parseAction(a map[string]json.RawMessage) Action {
	act := Action{
		ID:           scalar(a["id"]),
		Name:         scalar(a["name"]),
		Params:       stringMap(object(a["params"])),
		DetailParams: map[string]DetailParam{},
		ClientExtra:  object(a["clientExtra"]),
	}
	if act.ClientExtra == nil {
		act.ClientExtra = map[string]json.RawMessage{}
	}
	for k, raw := range object(a["detailParams"]) {
		d := object(raw)
		if d == nil {
			// A bare value where an object belongs: keep it as the value.
			act.DetailParams[k] = DetailParam{Value: text(raw)}
			continue
		}
		act.DetailParams[k] = DetailParam{Origin: scalar(d["origin"]), Value: text(d["value"]), GroupName: scalar(d["groupName"])}
	}
	return act
}

func parseContexts(raw json.RawMessage) []Context {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return nil
	}
	var out []Context
	for _, el := range list {
		c := object(el)
		if c == nil {
			continue
		}
		ctx := Context{Name: scalar(c["name"]), Lifespan: integer(c["lifespan"]), TTL: integer(c["ttl"])}
		for k, pv := range object(c["params"]) {
			if ctx.Params == nil {
				ctx.Params = map[string]ContextParam{}
			}
			p := object(pv)
			if p == nil {
				ctx.Params[k] = ContextParam{Value: text(pv)}
				continue
			}
			ctx.Params[k] = ContextParam{Value: text(p["value"]), ResolvedValue: text(p["resolvedValue"])}
		}
		out = append(out, ctx)
	}
	return out
}

func parseFlow(f map[string]json.RawMessage) *Flow {
	if f == nil {
		return nil
	}
	t := object(f["trigger"])
	return &Flow{
		Trigger:   Trigger{Type: scalar(t["type"]), ReferrerBlock: parseBlock(object(t["referrerBlock"]))},
		LastBlock: parseBlock(object(f["lastBlock"])),
	}
}

func parseBlock(b map[string]json.RawMessage) Block {
	return Block{ID: scalar(b["id"]), Name: scalar(b["name"])}
}

// object decodes raw as a JSON object, or returns nil for anything else (null included).
func object(raw json.RawMessage) map[string]json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	if m == nil {
		m = map[string]json.RawMessage{}
	}
	return m
}

// scalar returns a string as is, a number or boolean as its JSON text, and "" for null,
// objects and arrays.
func scalar(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return s
	case '{', '[', 'n':
		return ""
	default: // numbers, true, false: already checked as JSON by the outer decode
		return string(raw)
	}
}

// text is scalar, except that objects and arrays become their compact JSON text: entity
// values are sometimes objects instead of JSON-in-a-string.
func text(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && (raw[0] == '{' || raw[0] == '[') {
		var buf bytes.Buffer
		if json.Compact(&buf, raw) != nil {
			return ""
		}
		return buf.String()
	}
	return scalar(raw)
}

func integer(raw json.RawMessage) int {
	f, err := strconv.ParseFloat(strings.TrimSpace(scalar(raw)), 64)
	if err != nil || math.IsNaN(f) || f > math.MaxInt32 || f < math.MinInt32 {
		return 0
	}
	return int(f)
}

func stringMap(m map[string]json.RawMessage) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = text(v)
	}
	return out
}

// UserKey identifies the person to the engine. It is userRequest.user.id: the only key
// present from all three origins, at most 70 characters, and scoped to this bot, which is
// exactly the scope of a HeyDoctor conversation. properties.botUserKey (the same value on
// live traffic) and then plusfriendUserKey (scoped to the channel, absent in the bot test)
// are fallbacks for payloads without user.id. The skill-test panel sends a numeric
// accountId instead; it is used as is and never collides with 66-hex botUserKeys.
func (r *Request) UserKey() string {
	if id := strings.TrimSpace(r.UserRequest.User.ID); id != "" {
		return id
	}
	p := r.UserRequest.User.Properties
	for _, k := range []string{"botUserKey", "bot_user_key", "plusfriendUserKey", "plusfriend_user_key"} {
		if v := strings.TrimSpace(p[k]); v != "" {
			return v
		}
	}
	return ""
}

// Choice returns the value of the quick reply or button the user tapped, and the text
// the user saw. Render puts the value in extra under ChoiceKey, which Kakao hands back as
// action.clientExtra for quick replies. Kakao documents extra on card buttons only for
// block calls, and a plain skill has no block ids: card buttons once ended their
// messageText with " #value", and that suffix is still read back here for messages sent
// before; today's buttons say plain words, which the engine matches to what it offered.
// The value is untrusted: the engine must check it is one it offered.
func (r *Request) Choice() (value, text string) {
	text = strings.TrimSpace(r.UserRequest.Utterance)
	v := strings.TrimSpace(scalar(r.Action.ClientExtra[ChoiceKey]))
	if v != "" && len(v) <= maxChoice && utf8.ValidString(v) {
		if head, tail, ok := cutMarker(text); ok && tail == v {
			text = head
		}
		return v, text
	}
	if head, tail, ok := cutMarker(text); ok {
		return tail, head
	}
	return "", text
}

// cutMarker splits "label #value" when value is markable.
func cutMarker(s string) (head, value string, ok bool) {
	i := strings.LastIndex(s, choiceMarker)
	if i < 0 {
		return "", "", false
	}
	head, value = strings.TrimSpace(s[:i]), s[i+len(choiceMarker):]
	if head == "" || !markable(value) {
		return "", "", false
	}
	return head, value, true
}

// markable reports whether a choice value can travel in a messageText suffix: short,
// valid UTF-8, without spaces, '#' or control characters.
func markable(v string) bool {
	return v != "" && len(v) <= maxMarkedChoice && utf8.ValidString(v) &&
		!strings.ContainsFunc(v, func(r rune) bool { return r == '#' || unicode.IsSpace(r) || unicode.IsControl(r) })
}

// Location returns a WGS84 point carried by the request, or nil. Kakao's own payloads
// carry no coordinates: sys_location is a place name ("강남") and stays in the utterance
// for the engine. Coordinates can only arrive from our own extras or a custom entity, so
// we look for lat/lng (or latitude/longitude, lat/lon) pairs in clientExtra, in
// clientExtra.location, and in any params or detailParams value that is a JSON object.
func (r *Request) Location() *chat.Location {
	if loc := locationIn(r.Action.ClientExtra); loc != nil {
		return loc
	}
	if loc := locationIn(object(r.Action.ClientExtra["location"])); loc != nil {
		return loc
	}
	for _, k := range sortedKeys(r.Action.DetailParams) {
		if loc := locationIn(object(json.RawMessage(r.Action.DetailParams[k].Value))); loc != nil {
			return loc
		}
	}
	for _, k := range sortedKeys(r.Action.Params) {
		if loc := locationIn(object(json.RawMessage(r.Action.Params[k]))); loc != nil {
			return loc
		}
	}
	return nil
}

func locationIn(m map[string]json.RawMessage) *chat.Location {
	if m == nil {
		return nil
	}
	for _, pair := range [][2]string{{"lat", "lng"}, {"latitude", "longitude"}, {"lat", "lon"}} {
		lat, ok1 := coordinate(m[pair[0]], 90)
		lng, ok2 := coordinate(m[pair[1]], 180)
		if ok1 && ok2 && (lat != 0 || lng != 0) {
			return &chat.Location{Lat: lat, Lng: lng}
		}
	}
	return nil
}

func coordinate(raw json.RawMessage, limit float64) (float64, bool) {
	s := strings.TrimSpace(scalar(raw))
	if s == "" || len(s) > 32 {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > limit {
		return 0, false
	}
	return f, true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Input builds the engine's input for this turn. Text is the trimmed utterance (for a
// tapped quick reply, its label; for a card button, its label without the " #value"
// suffix). Choice is the tapped value when Kakao passed our extra back or the suffix was
// present; when it is empty after a quick-reply tap, the engine should match Text against
// the labels it offered.
func (r *Request) Input() chat.Input {
	choice, t := r.Choice()
	t = strings.TrimSpace(strings.ToValidUTF8(t, "\uFFFD"))
	if utf8.RuneCountInString(t) > maxUtterance {
		t = truncate(t, maxUtterance)
	}
	return chat.Input{
		Channel:  heydoctor.ChannelKakao,
		UserKey:  r.UserKey(),
		Text:     t,
		Choice:   choice,
		Location: r.Location(),
	}
}
