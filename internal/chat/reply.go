// Package chat is HeyDoctor's channel-agnostic dialogue engine: a text or a tapped choice
// in, a Reply out. KakaoTalk and the web chat render the same Reply their own way.
package chat

// Reply is what the bot says in one turn. Channels render Texts in order, then Cards,
// and offer Choices as quick replies.
type Reply struct {
	Texts   []string `json:"texts"`
	Cards   []Card   `json:"cards,omitempty"`
	Choices []Choice `json:"choices,omitempty"`
}

// Choice is a tappable answer. Label is shown; Value is sent back as the next input's choice.
type Choice struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Card shows one institution, slot or reservation with up to three buttons.
type Card struct {
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Buttons     []Button `json:"buttons,omitempty"`
}

// ButtonKind is what a card button does.
type ButtonKind string

// Button kinds.
const (
	ButtonLink   ButtonKind = "link"   // opens Value, an https URL
	ButtonPhone  ButtonKind = "phone"  // dials Value, a phone number
	ButtonChoice ButtonKind = "choice" // sends Value back as a choice
)

// Button is a card action. Say is what a choice button puts in the user's bubble when
// tapped, in a person's words ("시화병원 예약할게요"); the Label when empty.
type Button struct {
	Label string     `json:"label"`
	Kind  ButtonKind `json:"kind"`
	Value string     `json:"value"`
	Say   string     `json:"say,omitempty"`
}

// Words returns what tapping b says.
func (b Button) Words() string {
	if b.Say != "" {
		return b.Say
	}
	return b.Label
}
