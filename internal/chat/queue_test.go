package chat_test

import (
	"context"
	"strings"
	"testing"

	"heydoctor"
	"heydoctor/internal/chat"
	"heydoctor/internal/demo"
)

func turn(t *testing.T, e *chat.Engine, ch heydoctor.Channel, user, text, choice string, loc *chat.Location) chat.Reply {
	t.Helper()
	r, err := e.Respond(context.Background(), chat.Input{Channel: ch, UserKey: user, Text: text, Choice: choice, Location: loc})
	if err != nil {
		t.Fatalf("Respond(%q, %q): %v", text, choice, err)
	}
	return r
}

// queueChoice returns the value of the first "지금 접수" choice.
func queueChoice(t *testing.T, r chat.Reply) string {
	t.Helper()
	for _, c := range r.Choices {
		if strings.HasPrefix(c.Value, "queue:") {
			return c.Value
		}
	}
	t.Fatalf("no 지금 접수 choice in:\n%s", all(r))
	return ""
}

func TestChatCheckIn(t *testing.T) {
	e, _ := newEngine(t)
	home := &chat.Location{Lat: demo.Home.Lat, Lng: demo.Home.Lng}
	for _, ch := range []heydoctor.Channel{heydoctor.ChannelKakao, heydoctor.ChannelWeb} {
		t.Run(string(ch), func(t *testing.T) {
			user := "queue-" + string(ch)
			turn(t, e, ch, user, "", "restart", home)
			r := turn(t, e, ch, user, "", "dept:D002", home)
			v := queueChoice(t, r)
			r = turn(t, e, ch, user, "", v, nil)
			if !strings.Contains(all(r), "이름을 적어 주세요") || !strings.Contains(all(r), "데모") {
				t.Fatalf("check-in start:\n%s", all(r))
			}
			turn(t, e, ch, user, "홍아기", "", nil)
			phone := map[heydoctor.Channel]string{heydoctor.ChannelKakao: "010-7777-0001", heydoctor.ChannelWeb: "010-7777-0002"}[ch]
			r = turn(t, e, ch, user, phone, "", nil)
			if !strings.Contains(all(r), "=qconfirm") {
				t.Fatalf("confirm step:\n%s", all(r))
			}
			r = turn(t, e, ch, user, "", "qconfirm", nil)
			got := all(r)
			for _, want := range []string{"접수했어요", "접수 번호", "곧 차례예요", "https://heydoctor.example/queue/"} {
				if !strings.Contains(got, want) {
					t.Errorf("check-in reply lacks %q:\n%s", want, got)
				}
			}
			if strings.Contains(got, "7777") {
				t.Errorf("check-in reply repeats the phone:\n%s", got)
			}
			r = turn(t, e, ch, user, "내 순서", "", nil)
			got = all(r)
			if !strings.Contains(got, "/queue/") {
				t.Errorf("내 순서:\n%s", got)
			}
			if ch != heydoctor.ChannelKakao {
				return
			}
			var cancel string
			for _, c := range r.Cards {
				for _, b := range c.Buttons {
					if strings.HasPrefix(b.Value, "qcancel:") {
						cancel = b.Value
					}
				}
			}
			if cancel == "" || !strings.Contains(got, "곧 차례예요") {
				t.Fatalf("내 순서 on KakaoTalk:\n%s", got)
			}
			r = turn(t, e, ch, user, "", cancel, nil)
			if !strings.Contains(all(r), "취소했어요") {
				t.Errorf("cancel:\n%s", all(r))
			}
			if r = turn(t, e, ch, user, "", "myqueue", nil); !strings.Contains(all(r), "접수한 순서가 없어요") {
				t.Errorf("after cancel:\n%s", all(r))
			}
		})
	}
}
