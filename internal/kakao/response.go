package kakao

import (
	"encoding/json"
	"fmt"
)

// Response is a SkillResponse v2.0. Template is optional because data-only, context-only
// and useCallback responses are legal; Validate enforces which combinations make sense.
type Response struct {
	Version     string          `json:"version"`
	Template    *Template       `json:"template,omitempty"`
	Context     *ContextControl `json:"context,omitempty"`
	Data        map[string]any  `json:"data,omitempty"`
	UseCallback bool            `json:"useCallback,omitempty"`
}

// Template holds the speech bubbles (1 to 3) and the quick replies (at most 10).
type Template struct {
	Outputs      []Output     `json:"outputs"`
	QuickReplies []QuickReply `json:"quickReplies,omitempty"`
}

// Output is one bubble. Exactly one field must be set; the JSON key names the component.
type Output struct {
	SimpleText   *SimpleText   `json:"simpleText,omitempty"`
	SimpleImage  *SimpleImage  `json:"simpleImage,omitempty"`
	TextCard     *TextCard     `json:"textCard,omitempty"`
	BasicCard    *BasicCard    `json:"basicCard,omitempty"`
	CommerceCard *CommerceCard `json:"commerceCard,omitempty"`
	ListCard     *ListCard     `json:"listCard,omitempty"`
	ItemCard     *ItemCard     `json:"itemCard,omitempty"`
	Carousel     *Carousel     `json:"carousel,omitempty"`
}

// SimpleText is a plain bubble; Kakao folds text past 500 characters behind "전체 보기".
type SimpleText struct {
	Text string `json:"text"`
}

// SimpleImage is a picture bubble.
type SimpleImage struct {
	ImageURL string `json:"imageUrl"`
	AltText  string `json:"altText,omitempty"`
}

// TextCard is a card without a picture. HeyDoctor renders institution cards as text cards
// because a basicCard requires a thumbnail and our cards have none.
type TextCard struct {
	Title        string   `json:"title,omitempty"`
	Description  string   `json:"description,omitempty"`
	Buttons      []Button `json:"buttons,omitempty"`
	ButtonLayout string   `json:"buttonLayout,omitempty"`
}

// BasicCard is a card with a thumbnail.
type BasicCard struct {
	Title        string     `json:"title,omitempty"`
	Description  string     `json:"description,omitempty"`
	Thumbnail    *Thumbnail `json:"thumbnail,omitempty"`
	Buttons      []Button   `json:"buttons,omitempty"`
	ButtonLayout string     `json:"buttonLayout,omitempty"`
	Forwardable  bool       `json:"forwardable,omitempty"`
}

// CommerceCard shows a product with a price.
type CommerceCard struct {
	Title           string      `json:"title,omitempty"`
	Description     string      `json:"description,omitempty"`
	Price           int         `json:"price"`
	Currency        string      `json:"currency,omitempty"`
	Discount        int         `json:"discount,omitempty"`
	DiscountRate    int         `json:"discountRate,omitempty"`
	DiscountedPrice int         `json:"discountedPrice,omitempty"`
	Thumbnails      []Thumbnail `json:"thumbnails"`
	Profile         *Profile    `json:"profile,omitempty"`
	Buttons         []Button    `json:"buttons,omitempty"`
	ButtonLayout    string      `json:"buttonLayout,omitempty"`
}

// ListCard is a header with up to five rows.
type ListCard struct {
	Header       ListItem   `json:"header"`
	Items        []ListItem `json:"items"`
	Buttons      []Button   `json:"buttons,omitempty"`
	ButtonLayout string     `json:"buttonLayout,omitempty"`
}

// ListItem is a listCard row (or its header, where only Title counts).
type ListItem struct {
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	ImageURL    string         `json:"imageUrl,omitempty"`
	Link        *Link          `json:"link,omitempty"`
	Action      string         `json:"action,omitempty"`
	BlockID     string         `json:"blockId,omitempty"`
	MessageText string         `json:"messageText,omitempty"`
	Extra       map[string]any `json:"extra,omitempty"`
}

// ItemCard is a receipt-like card with label/value rows.
type ItemCard struct {
	Thumbnail         *Thumbnail       `json:"thumbnail,omitempty"`
	Head              *ItemHead        `json:"head,omitempty"`
	Profile           *ItemProfile     `json:"profile,omitempty"`
	ImageTitle        *ImageTitle      `json:"imageTitle,omitempty"`
	ItemList          []ItemListEntry  `json:"itemList"`
	ItemListAlignment string           `json:"itemListAlignment,omitempty"`
	ItemListSummary   *ItemListSummary `json:"itemListSummary,omitempty"`
	Title             string           `json:"title,omitempty"`
	Description       string           `json:"description,omitempty"`
	Buttons           []Button         `json:"buttons,omitempty"`
	ButtonLayout      string           `json:"buttonLayout,omitempty"`
}

// ItemHead is the one-line heading of an itemCard.
type ItemHead struct {
	Title string `json:"title"`
}

// ItemProfile is the small profile line of an itemCard.
type ItemProfile struct {
	Title    string `json:"title"`
	ImageURL string `json:"imageUrl,omitempty"`
	Width    int    `json:"width,omitempty"`
	Height   int    `json:"height,omitempty"`
}

// ImageTitle is the titled block with a side image of an itemCard.
type ImageTitle struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	ImageURL    string `json:"imageUrl,omitempty"`
}

// ItemListEntry is one label/value row of an itemCard.
type ItemListEntry struct {
	Title       string `json:"title"`
	Description string `json:"description"`
}

// ItemListSummary is the total row of an itemCard.
type ItemListSummary struct {
	Title       string `json:"title"`
	Description string `json:"description"`
}

// Thumbnail is a card picture. Width and Height are used by itemCard only.
type Thumbnail struct {
	ImageURL   string `json:"imageUrl"`
	AltText    string `json:"altText,omitempty"`
	Link       *Link  `json:"link,omitempty"`
	FixedRatio bool   `json:"fixedRatio,omitempty"`
	Width      int    `json:"width,omitempty"`
	Height     int    `json:"height,omitempty"`
}

// Link is where tapping a picture or a list row goes; Web wins over PC and Mobile.
type Link struct {
	PC     string `json:"pc,omitempty"`
	Mobile string `json:"mobile,omitempty"`
	Web    string `json:"web,omitempty"`
}

// Profile is the seller line of a commerceCard.
type Profile struct {
	Nickname string `json:"nickname"`
	ImageURL string `json:"imageUrl,omitempty"`
}

// Button is a card button. Which of WebLinkURL, MessageText, PhoneNumber and BlockID is
// needed depends on Action.
type Button struct {
	Label       string         `json:"label"`
	Action      string         `json:"action"`
	WebLinkURL  string         `json:"webLinkUrl,omitempty"`
	MessageText string         `json:"messageText,omitempty"`
	PhoneNumber string         `json:"phoneNumber,omitempty"`
	BlockID     string         `json:"blockId,omitempty"`
	Extra       map[string]any `json:"extra,omitempty"`
}

// Button and list item actions.
const (
	ActionWebLink  = "webLink"
	ActionMessage  = "message"
	ActionPhone    = "phone"
	ActionBlock    = "block"
	ActionShare    = "share"
	ActionOperator = "operator"
)

// Button layouts.
const (
	LayoutVertical   = "vertical"
	LayoutHorizontal = "horizontal"
)

// QuickReply is a chip under the last bubble. Kakao delivers Extra as action.clientExtra
// of the next request.
type QuickReply struct {
	Label       string         `json:"label"`
	Action      string         `json:"action"`
	MessageText string         `json:"messageText,omitempty"`
	BlockID     string         `json:"blockId,omitempty"`
	Extra       map[string]any `json:"extra,omitempty"`
}

// ContextControl sets or deletes block output contexts.
type ContextControl struct {
	Values []ContextValue `json:"values"`
}

// ContextValue is one output context; LifeSpan 0 deletes it, so it is never omitted.
type ContextValue struct {
	Name     string            `json:"name"`
	LifeSpan int               `json:"lifeSpan"`
	TTL      int               `json:"ttl,omitempty"`
	Params   map[string]string `json:"params,omitempty"`
}

// CarouselHeader is the cover card of a basicCard, commerceCard or itemCard carousel.
type CarouselHeader struct {
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Thumbnail   Thumbnail `json:"thumbnail"`
}

// Carousel is a row of cards of one Type. Its items are kept in the typed slice matching
// Type; the others must stay empty (Validate checks this).
type Carousel struct {
	Type          string
	Header        *CarouselHeader
	TextCards     []TextCard
	BasicCards    []BasicCard
	CommerceCards []CommerceCard
	ListCards     []ListCard
	ItemCards     []ItemCard
}

// Carousel types.
const (
	TypeTextCard     = "textCard"
	TypeBasicCard    = "basicCard"
	TypeCommerceCard = "commerceCard"
	TypeListCard     = "listCard"
	TypeItemCard     = "itemCard"
)

type carouselJSON struct {
	Type   string          `json:"type"`
	Header *CarouselHeader `json:"header,omitempty"`
	Items  json.RawMessage `json:"items"`
}

// len returns the number of items of the carousel's own type.
func (c *Carousel) len() int {
	switch c.Type {
	case TypeTextCard:
		return len(c.TextCards)
	case TypeBasicCard:
		return len(c.BasicCards)
	case TypeCommerceCard:
		return len(c.CommerceCards)
	case TypeListCard:
		return len(c.ListCards)
	case TypeItemCard:
		return len(c.ItemCards)
	}
	return 0
}

// MarshalJSON writes the items of the carousel's Type as "items".
func (c Carousel) MarshalJSON() ([]byte, error) {
	var items any
	switch c.Type {
	case TypeTextCard:
		items = nonNil(c.TextCards)
	case TypeBasicCard:
		items = nonNil(c.BasicCards)
	case TypeCommerceCard:
		items = nonNil(c.CommerceCards)
	case TypeListCard:
		items = nonNil(c.ListCards)
	case TypeItemCard:
		items = nonNil(c.ItemCards)
	default:
		items = []struct{}{}
	}
	raw, err := json.Marshal(items)
	if err != nil {
		return nil, fmt.Errorf("carousel items: %w", err)
	}
	return json.Marshal(carouselJSON{Type: c.Type, Header: c.Header, Items: raw})
}

// UnmarshalJSON reads "items" into the slice named by "type". Items of an unknown type
// are dropped; Validate then reports the type.
func (c *Carousel) UnmarshalJSON(b []byte) error {
	var cj carouselJSON
	if err := json.Unmarshal(b, &cj); err != nil {
		return fmt.Errorf("carousel: %w", err)
	}
	*c = Carousel{Type: cj.Type, Header: cj.Header}
	if len(cj.Items) == 0 || string(cj.Items) == "null" {
		return nil
	}
	var err error
	switch cj.Type {
	case TypeTextCard:
		err = json.Unmarshal(cj.Items, &c.TextCards)
	case TypeBasicCard:
		err = json.Unmarshal(cj.Items, &c.BasicCards)
	case TypeCommerceCard:
		err = json.Unmarshal(cj.Items, &c.CommerceCards)
	case TypeListCard:
		err = json.Unmarshal(cj.Items, &c.ListCards)
	case TypeItemCard:
		err = json.Unmarshal(cj.Items, &c.ItemCards)
	}
	if err != nil {
		return fmt.Errorf("carousel items of type %q: %w", cj.Type, err)
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
