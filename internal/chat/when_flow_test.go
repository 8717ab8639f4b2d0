package chat_test

import (
	"context"
	"strings"
	"testing"

	"heydoctor"
	"heydoctor/internal/chat"
)

// choiceOf returns the value of the choice or card button labelled label, or "".
func choiceOf(r chat.Reply, label string) string {
	for _, c := range r.Choices {
		if c.Label == label {
			return c.Value
		}
	}
	for _, c := range r.Cards {
		for _, b := range c.Buttons {
			if b.Kind == chat.ButtonChoice && b.Label == label {
				return b.Value
			}
		}
	}
	return ""
}

// toRoom walks a web conversation from a department to the days of a demo room.
func toRoom(t *testing.T, e *chat.Engine, user string) chat.Reply {
	t.Helper()
	say(t, e, user, "안녕하세요", "")
	say(t, e, user, "", "dept:D001")
	r := say(t, e, user, "정왕동", "")
	var book chat.Button
	for _, c := range r.Cards {
		for _, b := range c.Buttons {
			if strings.HasPrefix(b.Value, "book:") && book.Value == "" {
				book = b
			}
		}
	}
	if book.Value == "" {
		t.Fatalf("no bookable card near 정왕동:\n%s", all(r))
	}
	if !strings.HasSuffix(book.Words(), "예약할게요") || strings.Contains(book.Words(), "#") {
		t.Errorf("the booking button says %q, want a person's words", book.Words())
	}
	// The button's words alone, as Kakao sends them when it drops the extra, pick it.
	r = say(t, e, user, book.Words(), "")
	if len(r.Choices) < 2 || !strings.HasPrefix(r.Choices[0].Value, "doc:") {
		t.Fatalf("tapping %q by its words:\n%s", book.Words(), all(r))
	}
	return say(t, e, user, "", r.Choices[0].Value)
}

func TestBookingReachesTheWholeDay(t *testing.T) {
	e, _ := newEngine(t) // Wednesday 2026-11-25 10:00
	r := toRoom(t, e, "w1")
	if !strings.Contains(all(r), "예약 가능한 날") {
		t.Fatalf("days:\n%s", all(r))
	}

	// A typed day picks it; the morning's first page offers a later page.
	r = say(t, e, "w1", "내일", "")
	if !strings.Contains(all(r), "11월 26일(목)") || choiceOf(r, "09:00") == "" {
		t.Fatalf("typed 내일:\n%s", all(r))
	}
	if choiceOf(r, "더 늦은 시간") == "" || len(r.Choices) > 10 {
		t.Fatalf("no later page, or more than ten quick replies (%d):\n%s", len(r.Choices), all(r))
	}

	// Paging forward reaches the afternoon.
	for page := 0; choiceOf(r, "16:00") == "" && page < 10; page++ {
		next := choiceOf(r, "더 늦은 시간")
		if next == "" {
			t.Fatalf("the afternoon is unreachable by paging:\n%s", all(r))
		}
		r = say(t, e, "w1", "", next)
	}
	if choiceOf(r, "16:00") == "" {
		t.Fatalf("16:00 never offered:\n%s", all(r))
	}

	// Text that is not a time asks again; it does not fall back to the hospital list.
	r = say(t, e, "w1", "아무 때나 괜찮아요", "")
	if !strings.Contains(all(r), "시간을 알아듣지 못했어요") || len(r.Cards) > 0 {
		t.Fatalf("untyped time:\n%s", all(r))
	}

	// A typed afternoon time books that slot.
	r = say(t, e, "w1", "오후 3시", "")
	if got := all(r); !strings.Contains(got, "11월 26일(목) 15:00로 예약할게요") || !strings.Contains(got, "이름을 적어") {
		t.Fatalf("typed 오후 3시:\n%s", got)
	}
}

func TestTypedTimeThatIsTaken(t *testing.T) {
	e, _ := newEngine(t)
	toRoom(t, e, "w2")
	say(t, e, "w2", "11월 26일", "")
	// Lunch (12:30–13:30 in the demo plan) has no slot: the reply offers what follows.
	r := say(t, e, "w2", "12시 45분", "")
	if got := all(r); !strings.Contains(got, "12:45에는 예약할 수 없어요") || choiceOf(r, "13:30") == "" {
		t.Fatalf("typed lunch time:\n%s", got)
	}
}

func TestLinksUseTheRequestBase(t *testing.T) {
	noBase, _ := newEngineWithBase(t, "")
	ctx := chat.WithBaseURL(context.Background(), "https://heydoctor.kr/")
	in := chat.Input{Channel: heydoctor.ChannelWeb, UserKey: "w3"}
	if _, err := noBase.Respond(ctx, chat.Input{Channel: in.Channel, UserKey: in.UserKey, Text: "안녕하세요"}); err != nil {
		t.Fatal(err)
	}
	r, err := noBase.Respond(ctx, chat.Input{Channel: in.Channel, UserKey: in.UserKey, Choice: "my"})
	if err != nil {
		t.Fatal(err)
	}
	if got := all(r); !strings.Contains(got, "https://heydoctor.kr/reservations/lookup") || strings.Contains(got, "localhost") {
		t.Fatalf("links without a configured base:\n%s", got)
	}
}
