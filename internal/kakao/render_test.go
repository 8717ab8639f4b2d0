package kakao

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"heydoctor/internal/chat"
)

var update = flag.Bool("update", false, "rewrite testdata/golden files")

// marshal encodes like the handler does, so goldens show the bytes Kakao receives.
func marshal(tb testing.TB, v any) []byte {
	tb.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		tb.Fatalf("encode: %v", err)
	}
	return buf.Bytes()
}

func institutionCard(i int) chat.Card {
	return chat.Card{
		Title:       fmt.Sprintf("하이닥터 내과의원 %d호점", i),
		Description: "내과 · 진료 중 (오후 6시까지)\n서울 강남구 테헤란로 123\n거리 350m",
		Buttons: []chat.Button{
			{Label: "전화", Kind: chat.ButtonPhone, Value: "02-1234-5678"},
			{Label: "예약", Kind: chat.ButtonChoice, Value: fmt.Sprintf("book:%d", i)},
			{Label: "지도", Kind: chat.ButtonLink, Value: fmt.Sprintf("https://map.kakao.com/link/map/%d", i)},
		},
	}
}

func choices(n int) []chat.Choice {
	var out []chat.Choice
	for i := range n {
		out = append(out, chat.Choice{Label: fmt.Sprintf("선택지 %d", i+1), Value: fmt.Sprintf("opt:%d", i+1)})
	}
	return out
}

func TestRenderGolden(t *testing.T) {
	var cards []chat.Card
	for i := range 12 {
		cards = append(cards, institutionCard(i+1))
	}
	long := strings.Repeat("가나다라마바사아자차 ", 500) // 5,500 characters with spaces
	tests := []struct {
		name  string
		reply chat.Reply
	}{
		{"plain_text", chat.Reply{Texts: []string{"안녕하세요. 어디가 불편하세요?"}}},
		{"text_choices_trimmed", chat.Reply{Texts: []string{"어떤 진료과를 찾으세요?"}, Choices: append(choices(11),
			chat.Choice{Label: "아주아주긴진료과이름이라서잘려요", Value: "long"})}},
		{"cards_carousel_trimmed", chat.Reply{Texts: []string{"가까운 병원이에요.", "진료 시간은 바뀔 수 있어요."}, Cards: cards,
			Choices: []chat.Choice{{Label: "더 보기", Value: "more"}}}},
		{"single_card", chat.Reply{Cards: cards[:1]}},
		{"long_text", chat.Reply{Texts: []string{long}}},
		{"many_texts_merged", chat.Reply{Texts: []string{"첫째", "둘째", strings.Repeat("셋", 990), strings.Repeat("넷", 990), "다섯째"}}},
		{"emoji", chat.Reply{Texts: []string{strings.Repeat("👨‍👩‍👧‍👦", 300) + "🇰🇷🇰🇷"},
			Choices: []chat.Choice{{Label: "👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽", Value: "like"}}}},
		{"empty", chat.Reply{}},
		{"choices_only", chat.Reply{Choices: choices(2)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := Render(tt.reply)
			if err := Validate(resp); err != nil {
				t.Errorf("Validate(Render()) = %v", err)
			}
			got := marshal(t, resp)
			path := filepath.Join("testdata", "golden", tt.name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run with -update to create): %v", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("Render mismatch (-want +got):\n%s", diff)
			}
			// Every golden also decodes back and validates, as the lead's server tests will.
			var back Response
			if err := json.Unmarshal(want, &back); err != nil {
				t.Fatalf("decode golden: %v", err)
			}
			if err := Validate(back); err != nil {
				t.Errorf("Validate(golden) = %v", err)
			}
		})
	}
}

func TestRenderLimits(t *testing.T) {
	var cards []chat.Card
	for i := range 15 {
		cards = append(cards, institutionCard(i))
	}
	resp := Render(chat.Reply{Texts: []string{"a", "b", "c", "d"}, Cards: cards, Choices: choices(20)})
	tpl := resp.Template
	if got, want := len(tpl.Outputs), 2; got != want {
		t.Fatalf("outputs = %d, want %d", got, want)
	}
	if got, want := tpl.Outputs[0].SimpleText.Text, "a\n\nb\n\nc\n\nd"; got != want {
		t.Errorf("merged text = %q, want %q", got, want)
	}
	if got, want := len(tpl.Outputs[1].Carousel.TextCards), MaxCarouselItems; got != want {
		t.Errorf("carousel items = %d, want %d", got, want)
	}
	if got, want := len(tpl.QuickReplies), MaxQuickReplies; got != want {
		t.Errorf("quick replies = %d, want %d", got, want)
	}
	btn := tpl.Outputs[1].Carousel.TextCards[0].Buttons
	wantBtn := []Button{
		{Label: "전화", Action: ActionPhone, PhoneNumber: "02-1234-5678"},
		{Label: "예약", Action: ActionMessage, MessageText: "예약", Extra: map[string]any{"choice": "book:0"}},
		{Label: "지도", Action: ActionWebLink, WebLinkURL: "https://map.kakao.com/link/map/0"},
	}
	if diff := cmp.Diff(wantBtn, btn); diff != "" {
		t.Errorf("buttons mismatch (-want +got):\n%s", diff)
	}
}

func TestRenderButtons(t *testing.T) {
	tests := []struct {
		name   string
		button chat.Button
		want   []Button
	}{
		{"javascript link dropped", chat.Button{Label: "열기", Kind: chat.ButtonLink, Value: "javascript:alert(1)"}, nil},
		{"relative link dropped", chat.Button{Label: "열기", Kind: chat.ButtonLink, Value: "/hospitals/1"}, nil},
		{"phone without digits dropped", chat.Button{Label: "전화", Kind: chat.ButtonPhone, Value: "없음"}, nil},
		{"unknown kind dropped", chat.Button{Label: "?", Kind: "share", Value: "x"}, nil},
		{"choice without value dropped", chat.Button{Label: "예약", Kind: chat.ButtonChoice}, nil},
		{"phone cleaned and default label", chat.Button{Kind: chat.ButtonPhone, Value: " (02) 123-4567 "},
			[]Button{{Label: "전화하기", Action: ActionPhone, PhoneNumber: "02123-4567"}}},
		{"long label cut", chat.Button{Label: "이 병원 홈페이지로 바로 가기", Kind: chat.ButtonLink, Value: "https://example.com/"},
			[]Button{{Label: "이 병원 홈페이지로 바로…", Action: ActionWebLink, WebLinkURL: "https://example.com/"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Render(chat.Reply{Cards: []chat.Card{{Title: "병원", Buttons: []chat.Button{tt.button}}}}).Template.Outputs[0].TextCard.Buttons
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("buttons mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		s    string
		max  int
		want string
	}{
		{"short", "안녕", 5, "안녕"},
		{"exact", "안녕하세요", 5, "안녕하세요"},
		{"hangul", "안녕하세요반가워요", 5, "안녕하세…"},
		{"zwj family not split", "ab👨‍👩‍👧", 5, "ab…"},
		{"flag pair kept whole", "a🇰🇷🇯🇵", 4, "a🇰🇷…"},
		{"flag pair not split", "a🇰🇷🇯🇵", 3, "a…"},
		{"skin tone kept with hand", "a👍🏽b", 3, "a…"},
		{"conjoining jamo", "가\u1100\u1161\u11a8나다", 3, "가…"},
		{"trailing space trimmed", "abc def", 5, "abc…"},
		{"zero", "abc", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := truncate(tt.s, tt.max)
			if got != tt.want {
				t.Errorf("truncate(%q, %d) = %q, want %q", tt.s, tt.max, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > tt.max {
				t.Errorf("truncate(%q, %d) has %d runes", tt.s, tt.max, n)
			}
		})
	}
}

func TestRenderCleansText(t *testing.T) {
	got := Render(chat.Reply{Texts: []string{"a\x00b\r\nc\xffd\u2028e"}}).Template.Outputs[0].SimpleText.Text
	if want := "ab\nc\uFFFDde"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
}

func TestRenderCombiningFlood(t *testing.T) {
	// Only joiners: splitting must still make progress and stay within limits.
	s := "a" + strings.Repeat("\u0301", 3000)
	resp := Render(chat.Reply{Texts: []string{s}})
	if err := Validate(resp); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkRender(b *testing.B) {
	var cards []chat.Card
	for i := range 10 {
		cards = append(cards, institutionCard(i))
	}
	reply := chat.Reply{Texts: []string{"가까운 병원이에요.", strings.Repeat("안내 문구 ", 150)}, Cards: cards, Choices: choices(10)}
	for b.Loop() {
		resp := Render(reply)
		if _, err := json.Marshal(resp); err != nil {
			b.Fatal(err)
		}
	}
}
