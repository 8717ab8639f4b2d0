package chat_test

import (
	"strings"
	"testing"
)

// TestBarePainAsksWhere: "아파요" alone gets "어디가 아프세요?" with body-part choices,
// and a choice leads on to an answer.
func TestBarePainAsksWhere(t *testing.T) {
	e, _ := newEngine(t)
	r := say(t, e, "pain-user", "아파요", "")
	got := all(r)
	if !strings.Contains(got, "어디가 아프세요?") || strings.Contains(got, "이해하지 못") {
		t.Fatalf("bare pain reply = %q, want it to ask where it hurts", got)
	}
	if len(r.Choices) < 5 || !strings.HasPrefix(r.Choices[0].Value, "q:") {
		t.Fatalf("bare pain choices = %v, want body parts", r.Choices)
	}
	r = say(t, e, "pain-user", "", r.Choices[3].Value) // 배·소화
	if got := all(r); !strings.Contains(got, "과") {
		t.Errorf("after a body part the reply = %q, want a department", got)
	}
}

// TestGroupQuestion: a disease-group question is explained with its departments.
func TestGroupQuestion(t *testing.T) {
	e, _ := newEngine(t)
	got := all(say(t, e, "group-user", "소화기 질환에 대해 알려줘", ""))
	if !strings.Contains(got, "소화기 질환") || !strings.Contains(got, "내과") || strings.Contains(got, "이해하지 못") {
		t.Errorf("group reply = %q, want the group explained with 내과", got)
	}
}

// TestAtMostThreeQuestions: however the user answers, one description gets no more than
// three follow-up questions before an answer.
func TestAtMostThreeQuestions(t *testing.T) {
	e, _ := newEngine(t)
	r := say(t, e, "q-user", "아파요", "")
	questions := 0
	for range 6 {
		if !strings.Contains(all(r), "?") || len(r.Choices) == 0 || !strings.HasPrefix(r.Choices[0].Value, "q:") {
			break
		}
		questions++
		r = say(t, e, "q-user", "음", "")
	}
	if questions > 3 {
		t.Errorf("asked %d questions, want at most 3", questions)
	}
}
