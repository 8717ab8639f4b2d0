package chat

import (
	"strings"
	"testing"
)

// TestChoiceWire pins the wire value of every kind: buttons already sent to KakaoTalk chat
// rooms and the website's chat form send these back.
func TestChoiceWire(t *testing.T) {
	tests := []struct {
		c    choice
		want string
	}{
		{choice{kind: choiceRestart}, "restart"},
		{choice{kind: choiceHelp}, "help"},
		{choice{kind: choiceMine}, "my"},
		{choice{kind: choiceMyQueue}, "myqueue"},
		{choice{kind: choiceQuestion, arg: "2"}, "q:2"},
		{choice{kind: choiceDept, arg: "D001"}, "dept:D001"},
		{choice{kind: choiceNear}, "near"},
		{choice{kind: choiceER}, "er"},
		{choice{kind: choicePlace, arg: "-1"}, "place:-1"},
		{choice{kind: choiceBook, arg: "42"}, "book:42"},
		{choice{kind: choiceDoctor, arg: "7"}, "doc:7"},
		{choice{kind: choiceDay, arg: "2026-12-03"}, "day:2026-12-03"},
		{choice{kind: choiceDay, arg: "2026-12-03@1430"}, "day:2026-12-03@1430"},
		{choice{kind: choiceSlot, arg: "1796176800"}, "slot:1796176800"},
		{choice{kind: choiceConfirm}, "confirm"},
		{choice{kind: choiceCancel, arg: "ABCD2345"}, "cancel:ABCD2345"},
		{choice{kind: choiceLink}, "link"},
		{choice{kind: choiceQueue, arg: "42"}, "queue:42"},
		{choice{kind: choiceQueueCancel, arg: "T3X9"}, "qcancel:T3X9"},
		{choice{kind: choiceQueueConfirm}, "qconfirm"},
	}
	seen := map[choiceKind]bool{}
	for _, tt := range tests {
		seen[tt.c.kind] = true
		if got := tt.c.encode(); got != tt.want {
			t.Errorf("%+v.encode() = %q, want %q", tt.c, got, tt.want)
		}
		if got, ok := parseChoice(tt.want); !ok || got != tt.c {
			t.Errorf("parseChoice(%q) = %+v, %v, want %+v", tt.want, got, ok, tt.c)
		}
	}
	for k := choiceRestart; int(k) < len(choiceWire); k++ {
		if !seen[k] {
			t.Errorf("kind %d (%q) has no row here", k, choiceWire[k].prefix)
		}
	}
	for _, s := range []string{"", "restart:", "helpme", "q", "dept", "qcancel", "Restart", " my"} {
		if c, ok := parseChoice(s); ok {
			t.Errorf("parseChoice(%q) = %+v, want none", s, c)
		}
	}
}

// TestChoiceWireUnambiguous checks that no wire value can be read as two kinds, so the
// order parseChoice tries them in does not matter.
func TestChoiceWireUnambiguous(t *testing.T) {
	for a := choiceRestart; int(a) < len(choiceWire); a++ {
		for b := choiceRestart; int(b) < len(choiceWire); b++ {
			wa, wb := choiceWire[a], choiceWire[b]
			if a == b {
				continue
			}
			if wa.prefix == wb.prefix || wb.hasArg && strings.HasPrefix(wa.prefix, wb.prefix) {
				t.Errorf("%q (kind %d) starts with the prefix %q of kind %d", wa.prefix, a, wb.prefix, b)
			}
		}
	}
}

func FuzzParseChoice(f *testing.F) {
	for _, s := range []string{"restart", "q:0", "dept:D001", "day:2026-12-03@1430", "slot:1796176800", "qcancel:T3X9", "place:-1", "book:", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := parseChoice(s)
		if !ok {
			if c != (choice{}) {
				t.Fatalf("parseChoice(%q) = %+v, false; want the zero choice", s, c)
			}
			return
		}
		if c.kind == choiceNone {
			t.Fatalf("parseChoice(%q) ok with no kind", s)
		}
		if got := c.encode(); got != s {
			t.Fatalf("parseChoice(%q).encode() = %q", s, got)
		}
		if again, ok := parseChoice(c.encode()); !ok || again != c {
			t.Fatalf("parseChoice(%q) = %+v, then %+v", s, c, again)
		}
	})
}
