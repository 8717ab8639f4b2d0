package chat_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"heydoctor"
	"heydoctor/internal/app"
	"heydoctor/internal/chat"
	"heydoctor/internal/demo"
	"heydoctor/internal/sqlstore/storetest"
)

func newEngine(tb testing.TB, extra ...heydoctor.Institution) (*chat.Engine, *storetest.Clock) {
	tb.Helper()
	return newEngineWithBase(tb, "https://heydoctor.example", extra...)
}

// newEngineWithBase is newEngine with the configured public URL; "" derives it per
// request. extra institutions are imported after the demo seed.
func newEngineWithBase(tb testing.TB, base string, extra ...heydoctor.Institution) (*chat.Engine, *storetest.Clock) {
	tb.Helper()
	clock := storetest.NewClock(time.Date(2026, 11, 25, 10, 0, 0, 0, heydoctor.KST))
	store := storetest.SQLite(tb, clock.Now)
	log := slog.New(slog.DiscardHandler)
	if err := demo.Load(context.Background(), store, log); err != nil {
		tb.Fatal(err)
	}
	if len(extra) > 0 {
		if _, err := store.ApplyImport(context.Background(), heydoctor.ImportBatch{Scope: "test", Institutions: extra}); err != nil {
			tb.Fatal(err)
		}
	}
	a, err := app.New(context.Background(), app.Config{BaseURL: base, Now: clock.Now, Logger: log}, store)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(a.Close)
	e := a.Chat
	return e, clock
}

func say(t testing.TB, e *chat.Engine, user, text, choice string) chat.Reply {
	t.Helper()
	r, err := e.Respond(context.Background(), chat.Input{Channel: heydoctor.ChannelWeb, UserKey: user, Text: text, Choice: choice})
	if err != nil {
		t.Fatalf("Respond(%q, %q): %v", text, choice, err)
	}
	if len(r.Texts) == 0 && len(r.Cards) == 0 {
		t.Fatalf("empty reply to %q", text)
	}
	return r
}

func all(r chat.Reply) string {
	var b strings.Builder
	for _, t := range r.Texts {
		b.WriteString(t + "\n")
	}
	for _, c := range r.Cards {
		b.WriteString(c.Title + " " + c.Description + "\n")
		for _, bt := range c.Buttons {
			b.WriteString(bt.Label + "=" + bt.Value + "\n")
		}
	}
	for _, c := range r.Choices {
		b.WriteString(c.Label + "=" + c.Value + "\n")
	}
	return b.String()
}

func TestEmergenciesComeFirst(t *testing.T) {
	e, _ := newEngine(t)
	tests := []struct{ text, want string }{
		{"가슴이 쥐어짜듯 아프고 식은땀이 나", "119"},
		{"갑자기 한쪽 팔다리에 힘이 빠지고 말이 어눌해요", "119"},
		{"태어난 지 두 달 된 아기가 열이 38.5도예요", "응급"},
		{"죽고 싶어요 다 끝내고 싶어", "109"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			r := say(t, e, "u-"+tt.text, tt.text, "")
			got := all(r)
			if !strings.Contains(got, tt.want) || !strings.Contains(got, "진단이 아니에요") {
				t.Errorf("reply lacks %q or the disclaimer:\n%s", tt.want, got)
			}
			if strings.Contains(got, "=dept:") || strings.Contains(got, "=near") {
				t.Errorf("a department was offered at an emergency level:\n%s", got)
			}
		})
	}
}

func TestSymptomToNearbyClinics(t *testing.T) {
	e, _ := newEngine(t)
	r := say(t, e, "u1", "허리를 삐끗했는데 다리가 저려요", "")
	if got := all(r); !strings.Contains(got, "정형외과") && !strings.Contains(got, "신경외과") {
		t.Fatalf("back pain reply:\n%s", got)
	}
	say(t, e, "u1", "", "near")
	r = say(t, e, "u1", "시흥시 정왕동", "")
	if len(r.Cards) == 0 || !strings.Contains(all(r), "진료시간은 변동될 수 있으니") {
		t.Fatalf("nearby reply:\n%s", all(r))
	}
	for _, c := range r.Cards {
		if len(c.Buttons) > 3 {
			t.Errorf("card %q has %d buttons", c.Title, len(c.Buttons))
		}
	}
}

func TestForgedAndStaleChoices(t *testing.T) {
	e, _ := newEngine(t)
	say(t, e, "u2", "안녕하세요", "")
	// A choice that was never offered is not obeyed: it is read as text.
	r := say(t, e, "u2", "", "cancel:ABCDEFGH")
	if strings.Contains(all(r), "취소했어요") {
		t.Errorf("a forged cancel was obeyed:\n%s", all(r))
	}
	r = say(t, e, "u2", "", "slot:1764460800")
	if strings.Contains(all(r), "이름을 적어") {
		t.Errorf("a forged slot started a booking:\n%s", all(r))
	}
}

func TestConversationExpires(t *testing.T) {
	e, clock := newEngine(t)
	say(t, e, "u3", "목이 아파요", "")
	say(t, e, "u3", "", "near")
	clock.Add(31 * time.Minute)
	r := say(t, e, "u3", "정왕동", "")
	if strings.Contains(all(r), "근처에서 지금") {
		t.Errorf("an expired conversation went on:\n%s", all(r))
	}
}

func TestHostileInputs(t *testing.T) {
	e, _ := newEngine(t)
	for _, text := range []string{"", " ", strings.Repeat("가", 5000), "😀😀", "What should I do?", "\x00\x01\xff", "<script>alert(1)</script>", "처음으로"} {
		say(t, e, "u4", text, "")
	}
	if _, err := e.Respond(context.Background(), chat.Input{Channel: heydoctor.ChannelWeb, UserKey: "", Text: "x"}); heydoctor.KindOf(err) != heydoctor.Invalid {
		t.Errorf("empty user key: %v", err)
	}
}

func FuzzRespond(f *testing.F) {
	e, _ := newEngine(f)
	for _, s := range []string{"안녕", "열이 나요", "비염이란?", "내 예약", "정왕동", "처음으로", "near", "dept:D001"} {
		f.Add(s, "")
		f.Add("", s)
	}
	f.Fuzz(func(t *testing.T, text, choice string) {
		r, err := e.Respond(context.Background(), chat.Input{Channel: heydoctor.ChannelWeb, UserKey: "fuzz", Text: text, Choice: choice})
		if err != nil {
			t.Fatalf("Respond(%q, %q): %v", text, choice, err)
		}
		if len(r.Texts) == 0 && len(r.Cards) == 0 {
			t.Fatalf("empty reply to %q %q", text, choice)
		}
		for _, s := range r.Texts {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in reply to %q", text)
			}
		}
	})
}

func TestERStepAcceptsATypedPlace(t *testing.T) {
	er := func(id, name, addr string, lat, lng float64, kind heydoctor.InstitutionKind) heydoctor.Institution {
		return heydoctor.Institution{HPID: id, Name: name, Kind: kind, TypeName: "종합병원", Address: addr, Lat: lat, Lng: lng, ER: true, Phone: "02-000-0000"}
	}
	e, _ := newEngine(t,
		er("ER1", "강남응급병원", "서울특별시 강남구 테헤란로 1 (역삼동)", 37.500, 127.036, heydoctor.KindHospital),
		// 정왕동 has a clinic claiming an ER 1 km away and a hospital ER 15 km away.
		er("ER2", "정왕의원", "경기도 시흥시 정왕동 2", 37.349, 126.7335, heydoctor.KindClinic),
		er("ER3", "안산응급병원", "경기도 안산시 단원구 고잔동 3", 37.30, 126.89, heydoctor.KindHospital),
		er("ER4", "부산중앙병원", "부산광역시 중구 중앙대로 1 (중앙동)", 35.10, 129.03, heydoctor.KindHospital),
		er("ER5", "인천중앙병원", "인천광역시 중구 중앙로 1 (중앙동)", 37.47, 126.62, heydoctor.KindHospital))
	r := say(t, e, "er1", "가슴이 쥐어짜듯 아프고 식은땀이 나", "")
	if len(r.Cards) == 0 || r.Cards[0].Buttons[0].Value != "119" {
		t.Fatalf("emergency reply does not start with 119:\n%s", all(r))
	}
	// The place typed right after the emergency answer, as on Kakao.
	r = say(t, e, "er1", "강남구", "")
	if len(r.Cards) < 2 || r.Cards[0].Buttons[0].Value != "119" {
		t.Fatalf("typed 강남구 after an emergency: want 119 first and ERs:\n%s", all(r))
	}
	if got := all(r); !strings.Contains(got, "응급실") || strings.Contains(got, "잘 이해하지 못했어요") {
		t.Errorf("ER reply for 강남구:\n%s", got)
	}
	// "근처 응급실" from the menu, at a place with no ER within 5 km: the search widens.
	say(t, e, "er2", "", "restart")
	r = say(t, e, "er2", "", "er")
	r = say(t, e, "er2", "정왕동", "")
	if len(r.Cards) < 2 || r.Cards[0].Buttons[0].Value != "119" || !strings.HasPrefix(r.Cards[1].Title, "안산응급병원") || strings.Contains(all(r), "정왕의원") {
		t.Fatalf("근처 응급실 near 정왕동: want 119 first and the hospital 15 km away, not the clinic:\n%s", all(r))
	}
	// Ambiguous names are asked back.
	say(t, e, "er3", "", "restart")
	r = say(t, e, "er3", "", "er")
	r = say(t, e, "er3", "중앙동", "")
	if got := all(r); !strings.Contains(got, "여러 군데") || len(r.Choices) < 3 {
		t.Errorf("중앙동 is in many cities; want a did-you-mean list:\n%s", got)
	}
	// Picking one of them finds the ERs there; "다른 동네" asks for a place again.
	busan := ""
	for _, c := range r.Choices {
		if strings.Contains(c.Label, "부산") {
			busan = c.Value
		}
	}
	r = say(t, e, "er3", "", busan)
	if len(r.Cards) < 2 || r.Cards[0].Buttons[0].Value != "119" || !strings.HasPrefix(r.Cards[1].Title, "부산중앙병원") {
		t.Fatalf("picked 부산 중앙동 (%q): want 119 first and 부산중앙병원:\n%s", busan, all(r))
	}
	r = say(t, e, "er3", "", choiceOf(r, "다른 동네"))
	if got := all(r); !strings.Contains(got, "어디 근처에서 찾을까요?") {
		t.Errorf("다른 동네 after the ERs: want the place question:\n%s", got)
	}
}
