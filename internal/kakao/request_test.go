package kakao

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"heydoctor"
	"heydoctor/internal/chat"
)

func readSample(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestParseRequestSamples(t *testing.T) {
	tests := []struct {
		file      string
		want      chat.Input
		botID     string
		lang      string
		surface   string
		paramKeys int
	}{
		{"req_01_docs_minimal_uoscs.json",
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "<사용자 botUserKey>", Text: "<사용자 발화>"}, "<봇 id>", "kr", "", 0},
		{"req_02_knowledge_sysdate_ossmini.json",
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "<사용자 botUserKey>", Text: "<사용자 발화>"}, "<봇 id>", "kr", "BuilderBotTest", 3},
		{"req_03_sys_text_builderbottest_ajou.json",
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "id", Text: "2021 검색"}, "id", "kr", "BuilderBotTest", 1},
		{"req_06_skilltest_params_sys_text_alfex_go.json",
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "172514", Text: "하이!"}, "5fe45a6ddfbb1f5802d7381f", "", "", 4},
		{"req_07_docs_knowledge_plus_gitbook.json",
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "<사용자 botUserKey>", Text: "<사용자 발화>"}, "<봇 id>", "ko", "BuilderBotTest", 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, err := ParseRequest(readSample(t, tt.file))
			if err != nil {
				t.Fatalf("ParseRequest: %v", err)
			}
			if diff := cmp.Diff(tt.want, r.Input()); diff != "" {
				t.Errorf("Input mismatch (-want +got):\n%s", diff)
			}
			if r.Bot.ID != tt.botID {
				t.Errorf("Bot.ID = %q, want %q", r.Bot.ID, tt.botID)
			}
			if r.UserRequest.Lang != tt.lang {
				t.Errorf("Lang = %q, want %q", r.UserRequest.Lang, tt.lang)
			}
			if got := r.UserRequest.Params["surface"]; got != tt.surface {
				t.Errorf("surface = %q, want %q", got, tt.surface)
			}
			if got := len(r.Action.Params); got != tt.paramKeys {
				t.Errorf("len(Action.Params) = %d, want %d", got, tt.paramKeys)
			}
		})
	}
}

func TestParseRequestDetails(t *testing.T) {
	r, err := ParseRequest(readSample(t, "req_02_knowledge_sysdate_ossmini.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := DetailParam{Origin: "1", Value: `{"amount": 1, "unit": ""}`}
	if diff := cmp.Diff(want, r.Action.DetailParams["sys_number"]); diff != "" {
		t.Errorf("sys_number mismatch (-want +got):\n%s", diff)
	}
	// The sample's params.sys_number is broken JSON inside the string; it must survive as text.
	if got, want := r.Action.Params["sys_number"], `{"amount": 1, "unit": }`; got != want {
		t.Errorf("params.sys_number = %q, want %q", got, want)
	}
	if got, want := r.UserRequest.User.Properties["isFriend"], "true"; got != want {
		t.Errorf("isFriend = %q, want %q", got, want)
	}
	if got, want := r.Intent.Name, "지식+"; got != want {
		t.Errorf("intent = %q, want %q", got, want)
	}
}

func TestParseRequestVariants(t *testing.T) {
	tests := []struct {
		name string
		body string
		want chat.Input
	}{
		{"skill test panel nulls", `{"userRequest":{"utterance":"두통","lang":null,"params":{"ignoreMe":"true"},
			"user":{"id":"765679","type":"accountId","properties":{}}},"bot":{"id":"b"},"action":{"clientExtra":null,"params":null,"detailParams":null}}`,
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "765679", Text: "두통"}},
		{"numeric user id", `{"userRequest":{"utterance":"hi","user":{"id":765679}}}`,
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "765679", Text: "hi"}},
		{"wrong types everywhere", `{"intent":"x","bot":[1],"action":"y","contexts":{"a":1},"flow":7,
			"userRequest":{"utterance":12,"block":"b","params":[1],"lang":5,"user":{"id":"u","properties":[]}}}`,
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "u", Text: "12"}},
		{"no user.id, plusfriendUserKey", `{"userRequest":{"utterance":"a","user":{"properties":{"plusfriendUserKey":"pk"}}}}`,
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "pk", Text: "a"}},
		{"no user.id, botUserKey first", `{"userRequest":{"utterance":"a","user":{"id":null,"properties":{"plusfriendUserKey":"pk","bot_user_key":"bk"}}}}`,
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "bk", Text: "a"}},
		{"quick reply extra", `{"userRequest":{"utterance":"내과","user":{"id":"u"}},"action":{"clientExtra":{"choice":"dept:IM"}}}`,
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "u", Text: "내과", Choice: "dept:IM"}},
		{"numeric extra choice", `{"userRequest":{"utterance":"1번","user":{"id":"u"}},"action":{"clientExtra":{"choice":3}}}`,
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "u", Text: "1번", Choice: "3"}},
		{"card button suffix without extra", `{"userRequest":{"utterance":"예약 #book:3","user":{"id":"u"}},"action":{"clientExtra":{}}}`,
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "u", Text: "예약", Choice: "book:3"}},
		{"card button suffix with extra", `{"userRequest":{"utterance":"예약 #book:3","user":{"id":"u"}},"action":{"clientExtra":{"choice":"book:3"}}}`,
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "u", Text: "예약", Choice: "book:3"}},
		{"hashtag alone is not a choice", `{"userRequest":{"utterance":"#두통","user":{"id":"u"}}}`,
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "u", Text: "#두통"}},
		{"object extra choice ignored", `{"userRequest":{"utterance":"a","user":{"id":"u"}},"action":{"clientExtra":{"choice":{"x":1}}}}`,
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "u", Text: "a"}},
		{"location in clientExtra", `{"userRequest":{"utterance":"","user":{"id":"u"}},"action":{"clientExtra":{"lat":37.4979,"lng":"127.0276"}}}`,
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "u", Location: &chat.Location{Lat: 37.4979, Lng: 127.0276}}},
		{"location nested", `{"userRequest":{"utterance":"여기","user":{"id":"u"}},"action":{"clientExtra":{"location":{"latitude":"35.1","longitude":129.04}}}}`,
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "u", Text: "여기", Location: &chat.Location{Lat: 35.1, Lng: 129.04}}},
		{"location as entity JSON in a string", `{"userRequest":{"utterance":"여기","user":{"id":"u"}},
			"action":{"params":{"here":"{\"lat\": 37.5, \"lng\": 127}"},"detailParams":{}}}`,
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "u", Text: "여기", Location: &chat.Location{Lat: 37.5, Lng: 127}}},
		{"location as detailParams object", `{"userRequest":{"utterance":"여기","user":{"id":"u"}},
			"action":{"detailParams":{"here":{"origin":"여기","value":{"lat":37.5,"lon":127.1}}}}}`,
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "u", Text: "여기", Location: &chat.Location{Lat: 37.5, Lng: 127.1}}},
		{"location out of range ignored", `{"userRequest":{"utterance":"a","user":{"id":"u"}},"action":{"clientExtra":{"lat":137,"lng":127}}}`,
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "u", Text: "a"}},
		{"sys_location place name is not a point", `{"userRequest":{"utterance":"강남 병원","user":{"id":"u"}},"action":{"params":{"sys_location":"강남"}}}`,
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "u", Text: "강남 병원"}},
		{"invalid utf8 utterance", "{\"userRequest\":{\"utterance\":\"a\xffb\",\"user\":{\"id\":\"u\"}}}",
			chat.Input{Channel: heydoctor.ChannelKakao, UserKey: "u", Text: "a\uFFFDb"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRequest([]byte(tt.body))
			if err != nil {
				t.Fatalf("ParseRequest: %v", err)
			}
			if diff := cmp.Diff(tt.want, r.Input()); diff != "" {
				t.Errorf("Input mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRequestErrors(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		noUser  bool
		inError string
	}{
		{"empty", ``, false, "request body"},
		{"not json", `hello`, false, "request body"},
		{"array", `[1,2]`, false, "request body"},
		{"null", `null`, false, "request body"},
		{"no userRequest", `{"bot":{"id":"b"}}`, true, "userRequest"},
		{"userRequest string", `{"userRequest":"x"}`, true, "userRequest"},
		{"no user key", `{"userRequest":{"utterance":"a","user":{"properties":{}}}}`, true, "userRequest.user.id"},
		{"user key too long", `{"userRequest":{"user":{"id":"` + strings.Repeat("k", 200) + `"}}}`, true, "userRequest.user.id"},
		{"too big", `{"userRequest":{"utterance":"` + strings.Repeat("a", MaxBodyBytes) + `"}}`, false, "bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRequest([]byte(tt.body))
			if err == nil {
				t.Fatal("ParseRequest: got nil error")
			}
			if got := errors.Is(err, ErrNoUserRequest); got != tt.noUser {
				t.Errorf("errors.Is(err, ErrNoUserRequest) = %v, want %v (err %v)", got, tt.noUser, err)
			}
			if !strings.Contains(err.Error(), tt.inError) {
				t.Errorf("error %q does not name %q", err, tt.inError)
			}
		})
	}
}

func TestParseRequestLongUtterance(t *testing.T) {
	body := `{"userRequest":{"utterance":"` + strings.Repeat("아", 5000) + `","user":{"id":"u"}}}`
	r, err := ParseRequest([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if got := len([]rune(r.Input().Text)); got != maxUtterance {
		t.Errorf("Text has %d runes, want %d", got, maxUtterance)
	}
}

func TestParseRequestContextsAndFlow(t *testing.T) {
	body := `{"userRequest":{"user":{"id":"u"}},"contexts":[{"name":"booking","lifespan":5,"ttl":600,
		"params":{"hospital":{"value":"12","resolvedValue":"12"}}},"junk"],
		"flow":{"trigger":{"type":"QUICKREPLY_BUTTON_MESSAGE","referrerBlock":{"id":"b1","name":"폴백"}},"lastBlock":{"id":"b0"}}}`
	r, err := ParseRequest([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	wantCtx := []Context{{Name: "booking", Lifespan: 5, TTL: 600, Params: map[string]ContextParam{"hospital": {Value: "12", ResolvedValue: "12"}}}}
	if diff := cmp.Diff(wantCtx, r.Contexts); diff != "" {
		t.Errorf("contexts mismatch (-want +got):\n%s", diff)
	}
	wantFlow := &Flow{Trigger: Trigger{Type: "QUICKREPLY_BUTTON_MESSAGE", ReferrerBlock: Block{ID: "b1", Name: "폴백"}}, LastBlock: Block{ID: "b0"}}
	if diff := cmp.Diff(wantFlow, r.Flow); diff != "" {
		t.Errorf("flow mismatch (-want +got):\n%s", diff)
	}
}

func BenchmarkParseRequest(b *testing.B) {
	body := readSample(b, "req_02_knowledge_sysdate_ossmini.json")
	for b.Loop() {
		r, err := ParseRequest(body)
		if err != nil {
			b.Fatal(err)
		}
		_ = r.Input()
	}
}
