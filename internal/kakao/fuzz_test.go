package kakao

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"heydoctor/internal/chat"
)

func FuzzParseRequest(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "req_*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(liveBody))
	f.Add([]byte(`{"userRequest":{"utterance":"예약 #book:3","user":{"id":1}},"action":{"clientExtra":{"lat":"37.5","lng":127,"choice":"x"}}}`))
	f.Add([]byte(`{"userRequest":{"user":{"id":"u"}},"action":{"detailParams":{"a":{"value":{"lat":1e308,"lng":-1e-308}}}},"contexts":[{"lifespan":1e99}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := ParseRequest(body)
		if err != nil {
			return
		}
		in := r.Input()
		if in.UserKey == "" || len(in.UserKey) > maxUserKey {
			t.Fatalf("accepted request with user key %q", in.UserKey)
		}
		if !utf8.ValidString(in.Text) || utf8.RuneCountInString(in.Text) > maxUtterance {
			t.Fatalf("bad text %q", in.Text)
		}
		if len(in.Choice) > maxChoice {
			t.Fatalf("choice too long: %d", len(in.Choice))
		}
		if l := in.Location; l != nil && (l.Lat < -90 || l.Lat > 90 || l.Lng < -180 || l.Lng > 180) {
			t.Fatalf("location out of range: %+v", *l)
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("re-encode: %v", err)
		}
	})
}

// FuzzRender builds a reply from the fuzzer's strings: texts, cards and choices are cut
// from s at '|' and their count and kinds come from the small integers.
func FuzzRender(f *testing.F) {
	f.Add("안녕하세요|어디가 아프세요?", "내과|소아과", uint8(2), uint8(3), uint8(4))
	f.Add(strings.Repeat("가", 3000), "https://example.com/|02-123-4567", uint8(5), uint8(12), uint8(15))
	f.Add("👨‍👩‍👧‍👦🇰🇷\u0301\x00\xff", "javascript:x|#|", uint8(255), uint8(255), uint8(255))
	f.Add("", "", uint8(0), uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, s, values string, nTexts, nCards, nChoices uint8) {
		parts := strings.Split(s, "|")
		vals := strings.Split(values, "|")
		pick := func(list []string, i int) string { return list[i%len(list)] }
		var reply chat.Reply
		for i := range int(nTexts % 8) {
			reply.Texts = append(reply.Texts, pick(parts, i))
		}
		kinds := []chat.ButtonKind{chat.ButtonLink, chat.ButtonPhone, chat.ButtonChoice, "other"}
		for i := range int(nCards % 16) {
			c := chat.Card{Title: pick(parts, i), Description: pick(parts, i+1)}
			for j := range (i + int(nChoices)) % 6 {
				c.Buttons = append(c.Buttons, chat.Button{Label: pick(parts, i+j), Kind: kinds[(i+j)%len(kinds)], Value: pick(vals, i+j)})
			}
			reply.Cards = append(reply.Cards, c)
		}
		for i := range int(nChoices % 16) {
			reply.Choices = append(reply.Choices, chat.Choice{Label: pick(parts, i), Value: pick(vals, i)})
		}
		resp := Render(reply)
		if err := Validate(resp); err != nil {
			t.Fatalf("Validate(Render(%#v)) = %v", reply, err)
		}
		b, err := json.Marshal(resp)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var back Response
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("unmarshal: %v", err)
		}
		if err := Validate(back); err != nil {
			t.Fatalf("Validate(decoded) = %v", err)
		}
	})
}
