package chat

import (
	"strconv"
	"strings"
)

// choiceKind is what a tapped choice asks for; turn dispatches on it.
type choiceKind int

// Choice kinds. The zero kind is no choice.
const (
	choiceNone         choiceKind = iota
	choiceRestart                 // start over, keeping the location
	choiceHelp                    // how to use the bot
	choiceMine                    // my reservations
	choiceMyQueue                 // my check-ins today
	choiceQuestion                // arg: index of an answer to the last triage question
	choiceDept                    // arg: department code
	choiceNear                    // open places of the chosen department nearby
	choiceER                      // nearby emergency rooms
	choicePlace                   // arg: index of an offered place, -1 for another place
	choiceBook                    // arg: institution id
	choiceDoctor                  // arg: doctor id
	choiceDay                     // arg: date, optionally "@HHMM" for slots from that time
	choiceSlot                    // arg: slot start, Unix seconds
	choiceConfirm                 // book what the user confirmed
	choiceCancel                  // arg: reservation code
	choiceLink                    // link a reservation made elsewhere
	choiceQueue                   // arg: institution id to check in at
	choiceQueueCancel             // arg: ticket code
	choiceQueueConfirm            // check in as the user confirmed
)

// choiceWire is the wire form of every kind: the whole value of a kind without argument,
// the prefix of one with. These values sit in buttons already sent to KakaoTalk chat rooms
// and in the website's chat form, so they never change (choice_test.go pins them).
var choiceWire = [...]struct {
	prefix string
	hasArg bool
}{
	choiceRestart:      {"restart", false},
	choiceHelp:         {"help", false},
	choiceMine:         {"my", false},
	choiceMyQueue:      {"myqueue", false},
	choiceQuestion:     {"q:", true},
	choiceDept:         {"dept:", true},
	choiceNear:         {"near", false},
	choiceER:           {"er", false},
	choicePlace:        {"place:", true},
	choiceBook:         {"book:", true},
	choiceDoctor:       {"doc:", true},
	choiceDay:          {"day:", true},
	choiceSlot:         {"slot:", true},
	choiceConfirm:      {"confirm", false},
	choiceCancel:       {"cancel:", true},
	choiceLink:         {"link", false},
	choiceQueue:        {"queue:", true},
	choiceQueueCancel:  {"qcancel:", true},
	choiceQueueConfirm: {"qconfirm", false},
}

// choice is a tapped answer: its kind and, for the kinds that take one, its argument.
type choice struct {
	kind choiceKind
	arg  string
}

// encode returns c's wire value, the Value of a Choice or choice Button.
func (c choice) encode() string {
	w := choiceWire[c.kind]
	if !w.hasArg {
		return w.prefix
	}
	return w.prefix + c.arg
}

// parseChoice reads a wire value; ok is false when s is none.
func parseChoice(s string) (c choice, ok bool) {
	for k := choiceRestart; int(k) < len(choiceWire); k++ {
		w := choiceWire[k]
		switch {
		case !w.hasArg && s == w.prefix:
			return choice{kind: k}, true
		case w.hasArg && strings.HasPrefix(s, w.prefix):
			return choice{kind: k, arg: s[len(w.prefix):]}, true
		}
	}
	return choice{}, false
}

// value is the wire value of a kind without argument.
func (k choiceKind) value() string { return choice{kind: k}.encode() }

// with is the wire value of kind k with argument arg.
func (k choiceKind) with(arg string) string { return choice{kind: k, arg: arg}.encode() }

// withID is the wire value of kind k with a number as its argument.
func (k choiceKind) withID(id int64) string { return k.with(strconv.FormatInt(id, 10)) }

// number is the argument read as a number, 0 when it is none.
func (c choice) number() int64 {
	n, _ := strconv.ParseInt(c.arg, 10, 64)
	return n
}
