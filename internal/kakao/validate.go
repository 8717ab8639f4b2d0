package kakao

import (
	"fmt"
	"strings"
)

// Violation is one broken rule, with the JSON path of the offending value.
type Violation struct {
	Path    string
	Message string
}

func (v Violation) String() string { return v.Path + ": " + v.Message }

// ValidationError lists every violation found in a response.
type ValidationError struct {
	Violations []Violation
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.String()
	}
	return fmt.Sprintf("kakao: invalid skill response: %d violation(s): %s", len(e.Violations), strings.Join(parts, "; "))
}

// Validate checks a response against the documented SkillResponse v2.0 limits, on its own
// and not through Render, so it can catch Render's mistakes. It returns a
// *ValidationError with all violations, or nil. Characters are counted as runes.
//
// Two documented display limits are not enforced because Kakao's own examples break them,
// so Kakao evidently accepts them: button labels of 8 characters when two buttons sit side
// by side (the textCard example has a 9-character label) and itemList titles of 6
// characters (the itemCard example has "Terminal"). Line-based limits cannot be checked.
func Validate(resp Response) error {
	v := &validator{}
	v.response(resp)
	if len(v.list) == 0 {
		return nil
	}
	return &ValidationError{Violations: v.list}
}

type validator struct {
	list []Violation
}

func (v *validator) add(path, format string, args ...any) {
	v.list = append(v.list, Violation{Path: path, Message: fmt.Sprintf(format, args...)})
}

// maxLen checks s has at most max characters.
func (v *validator) maxLen(path, s string, max int) {
	if n := runes(s); n > max {
		v.add(path, "%d characters, at most %d", n, max)
	}
}

func (v *validator) required(path, s string) {
	if strings.TrimSpace(s) == "" {
		v.add(path, "required")
	}
}

func (v *validator) response(r Response) {
	if r.Version != "2.0" {
		v.add("version", "must be \"2.0\", got %q", r.Version)
	}
	if r.Template == nil && !r.UseCallback && r.Data == nil && r.Context == nil {
		v.add("template", "required when there is no data, context or useCallback")
	}
	if r.Template != nil && !r.UseCallback {
		v.template("template", *r.Template)
	}
	if r.Context != nil {
		for i, cv := range r.Context.Values {
			p := fmt.Sprintf("context.values[%d]", i)
			v.required(p+".name", cv.Name)
			if cv.LifeSpan < 0 {
				v.add(p+".lifeSpan", "must not be negative")
			}
			if cv.TTL < 0 {
				v.add(p+".ttl", "must not be negative")
			}
		}
	}
}

func (v *validator) template(path string, t Template) {
	if n := len(t.Outputs); n < 1 || n > MaxOutputs {
		v.add(path+".outputs", "%d outputs, must be 1 to %d", n, MaxOutputs)
	}
	for i, o := range t.Outputs {
		v.output(fmt.Sprintf("%s.outputs[%d]", path, i), o)
	}
	if n := len(t.QuickReplies); n > MaxQuickReplies {
		v.add(path+".quickReplies", "%d quick replies, at most %d", n, MaxQuickReplies)
	}
	for i, q := range t.QuickReplies {
		p := fmt.Sprintf("%s.quickReplies[%d]", path, i)
		v.required(p+".label", q.Label)
		v.maxLen(p+".label", q.Label, MaxQuickReplyLabel)
		switch q.Action {
		case ActionMessage:
			v.required(p+".messageText", q.MessageText)
		case ActionBlock:
			v.required(p+".blockId", q.BlockID)
		default:
			v.add(p+".action", "must be message or block, got %q", q.Action)
		}
	}
}

func (v *validator) output(path string, o Output) {
	n := 0
	if o.SimpleText != nil {
		n++
		p := path + ".simpleText.text"
		v.required(p, o.SimpleText.Text)
		v.maxLen(p, o.SimpleText.Text, MaxSimpleText)
	}
	if o.SimpleImage != nil {
		n++
		v.imageURL(path+".simpleImage.imageUrl", o.SimpleImage.ImageURL)
		v.maxLen(path+".simpleImage.altText", o.SimpleImage.AltText, MaxAltText)
	}
	if o.TextCard != nil {
		n++
		v.textCard(path+".textCard", *o.TextCard, false)
	}
	if o.BasicCard != nil {
		n++
		v.basicCard(path+".basicCard", *o.BasicCard)
	}
	if o.CommerceCard != nil {
		n++
		v.commerceCard(path+".commerceCard", *o.CommerceCard)
	}
	if o.ListCard != nil {
		n++
		v.listCard(path+".listCard", *o.ListCard, false)
	}
	if o.ItemCard != nil {
		n++
		v.itemCard(path+".itemCard", *o.ItemCard, false)
	}
	if o.Carousel != nil {
		n++
		v.carousel(path+".carousel", *o.Carousel)
	}
	if n != 1 {
		v.add(path, "%d components, exactly one known component is required", n)
	}
}

func (v *validator) textCard(path string, c TextCard, inCarousel bool) {
	if strings.TrimSpace(c.Title) == "" && strings.TrimSpace(c.Description) == "" {
		v.add(path, "title or description is required")
	}
	v.maxLen(path+".title", c.Title, MaxTextCardTitle)
	max := MaxTextCardText
	if inCarousel {
		max = MaxTextCardTextInCarou
	}
	if n := runes(c.Title) + runes(c.Description); n > max {
		v.add(path+".description", "title and description have %d characters together, at most %d", n, max)
	}
	v.buttons(path, c.Buttons, c.ButtonLayout, false)
}

func (v *validator) basicCard(path string, c BasicCard) {
	v.maxLen(path+".title", c.Title, MaxBasicCardTitle)
	v.maxLen(path+".description", c.Description, MaxBasicCardDesc)
	fixed := false
	if c.Thumbnail == nil {
		v.add(path+".thumbnail", "required")
	} else {
		v.thumbnail(path+".thumbnail", *c.Thumbnail)
		fixed = c.Thumbnail.FixedRatio
	}
	v.buttons(path, c.Buttons, c.ButtonLayout, fixed)
}

func (v *validator) commerceCard(path string, c CommerceCard) {
	v.maxLen(path+".title", c.Title, MaxCommerceTitle)
	v.maxLen(path+".description", c.Description, MaxCommerceDesc)
	if c.Price < 0 {
		v.add(path+".price", "must not be negative")
	}
	if c.Currency != "" && c.Currency != "won" {
		v.add(path+".currency", "must be \"won\", got %q", c.Currency)
	}
	if c.DiscountRate != 0 && c.DiscountedPrice == 0 {
		v.add(path+".discountedPrice", "required with discountRate")
	}
	if len(c.Thumbnails) != 1 {
		v.add(path+".thumbnails", "%d thumbnails, exactly 1 is required", len(c.Thumbnails))
	}
	for i, t := range c.Thumbnails {
		v.thumbnail(fmt.Sprintf("%s.thumbnails[%d]", path, i), t)
	}
	if c.Profile != nil {
		v.required(path+".profile.nickname", c.Profile.Nickname)
	}
	fixed := len(c.Thumbnails) > 0 && c.Thumbnails[0].FixedRatio
	v.buttons(path, c.Buttons, c.ButtonLayout, fixed)
}

func (v *validator) listCard(path string, c ListCard, inCarousel bool) {
	v.required(path+".header.title", c.Header.Title)
	max := MaxListItems
	if inCarousel {
		max = MaxListItemsInCarousel
	}
	if n := len(c.Items); n < 1 || n > max {
		v.add(path+".items", "%d items, must be 1 to %d", n, max)
	}
	for i, it := range c.Items {
		p := fmt.Sprintf("%s.items[%d]", path, i)
		v.required(p+".title", it.Title)
		switch it.Action {
		case "":
		case ActionBlock:
			v.required(p+".blockId", it.BlockID)
		case ActionMessage:
			v.required(p+".messageText", it.MessageText)
		default:
			v.add(p+".action", "must be block or message, got %q", it.Action)
		}
		v.link(p+".link", it.Link)
	}
	v.buttons(path, c.Buttons, c.ButtonLayout, false)
}

func (v *validator) itemCard(path string, c ItemCard, inCarousel bool) {
	if c.Thumbnail != nil {
		v.thumbnail(path+".thumbnail", *c.Thumbnail)
	}
	if c.Head != nil {
		v.required(path+".head.title", c.Head.Title)
	}
	if c.Profile != nil {
		v.required(path+".profile.title", c.Profile.Title)
		v.maxLen(path+".profile.title", c.Profile.Title, MaxItemProfileTitle)
	}
	if c.Head != nil && c.Profile != nil {
		v.add(path, "head and profile cannot be used together")
	}
	if c.ImageTitle != nil {
		v.required(path+".imageTitle.title", c.ImageTitle.Title)
	}
	max := MaxItemList
	if inCarousel {
		max = MaxItemListInCarousel
	}
	if n := len(c.ItemList); n < 1 || n > max {
		v.add(path+".itemList", "%d entries, must be 1 to %d", n, max)
	}
	for i, e := range c.ItemList {
		p := fmt.Sprintf("%s.itemList[%d]", path, i)
		v.required(p+".title", e.Title)
		v.required(p+".description", e.Description)
	}
	switch c.ItemListAlignment {
	case "", "left", "right":
	default:
		v.add(path+".itemListAlignment", "must be left or right, got %q", c.ItemListAlignment)
	}
	if s := c.ItemListSummary; s != nil {
		v.required(path+".itemListSummary.title", s.Title)
		v.maxLen(path+".itemListSummary.title", s.Title, MaxItemSummaryTitle)
		v.required(path+".itemListSummary.description", s.Description)
		v.maxLen(path+".itemListSummary.description", s.Description, MaxItemSummaryDesc)
	}
	if c.Description != "" && c.Title == "" {
		v.add(path+".title", "required with description")
	}
	max = MaxItemCardText
	if inCarousel {
		max = MaxItemCardTextInCarou
	}
	if n := runes(c.Title) + runes(c.Description); n > max {
		v.add(path+".description", "title and description have %d characters together, at most %d", n, max)
	}
	fixed := c.Thumbnail != nil && c.Thumbnail.FixedRatio
	v.buttons(path, c.Buttons, c.ButtonLayout, fixed)
}

func (v *validator) carousel(path string, c Carousel) {
	max := MaxCarouselItems
	switch c.Type {
	case TypeListCard:
		max = MaxCarouselListCards
		if c.Header != nil {
			v.add(path+".header", "not supported on a listCard carousel")
		}
	case TypeTextCard:
		if c.Header != nil {
			v.add(path+".header", "not supported on a textCard carousel")
		}
	case TypeBasicCard, TypeCommerceCard, TypeItemCard:
	default:
		v.add(path+".type", "unknown carousel type %q", c.Type)
	}
	if n := c.len(); n < 1 || n > max {
		v.add(path+".items", "%d items, must be 1 to %d", n, max)
	}
	if total := len(c.TextCards) + len(c.BasicCards) + len(c.CommerceCards) + len(c.ListCards) + len(c.ItemCards); total != c.len() {
		v.add(path+".items", "items of a type other than %q", c.Type)
	}
	if h := c.Header; h != nil {
		v.required(path+".header.title", h.Title)
		v.required(path+".header.description", h.Description)
		v.imageURL(path+".header.thumbnail.imageUrl", h.Thumbnail.ImageURL)
	}
	item := func(i int) string { return fmt.Sprintf("%s.items[%d]", path, i) }
	for i, it := range c.TextCards {
		v.textCard(item(i), it, true)
	}
	for i, it := range c.BasicCards {
		v.basicCard(item(i), it)
	}
	for i, it := range c.CommerceCards {
		v.commerceCard(item(i), it)
	}
	for i, it := range c.ListCards {
		v.listCard(item(i), it, true)
	}
	for i, it := range c.ItemCards {
		v.itemCard(item(i), it, true)
	}
}

func (v *validator) thumbnail(path string, t Thumbnail) {
	v.imageURL(path+".imageUrl", t.ImageURL)
	v.maxLen(path+".altText", t.AltText, MaxAltText)
	v.link(path+".link", t.Link)
	if t.Width < 0 || t.Height < 0 {
		v.add(path, "width and height must not be negative")
	}
}

func (v *validator) link(path string, l *Link) {
	if l == nil {
		return
	}
	for _, u := range []struct{ name, url string }{{"pc", l.PC}, {"mobile", l.Mobile}, {"web", l.Web}} {
		if u.url != "" && !httpURL(u.url) {
			v.add(path+"."+u.name, "must be an http(s) URL")
		}
	}
}

func (v *validator) imageURL(path, s string) {
	if s == "" {
		v.add(path, "required")
		return
	}
	if !httpURL(s) {
		v.add(path, "must be an http(s) URL")
	}
}

// buttons checks count, labels and per-action fields. A thumbnail with fixedRatio lays
// buttons side by side unless buttonLayout says vertical.
func (v *validator) buttons(path string, bs []Button, layout string, fixedRatio bool) {
	max := MaxButtons
	switch layout {
	case LayoutHorizontal:
		max = MaxButtonsSideBySide
	case LayoutVertical:
	case "":
		if fixedRatio {
			max = MaxButtonsSideBySide
		}
	default:
		v.add(path+".buttonLayout", "must be vertical or horizontal, got %q", layout)
	}
	if len(bs) > max {
		v.add(path+".buttons", "%d buttons, at most %d", len(bs), max)
	}
	for i, b := range bs {
		p := fmt.Sprintf("%s.buttons[%d]", path, i)
		v.required(p+".label", b.Label)
		v.maxLen(p+".label", b.Label, MaxButtonLabel)
		switch b.Action {
		case ActionWebLink:
			if !httpURL(b.WebLinkURL) {
				v.add(p+".webLinkUrl", "must be an http(s) URL")
			}
		case ActionMessage:
			v.required(p+".messageText", b.MessageText)
		case ActionPhone:
			v.required(p+".phoneNumber", b.PhoneNumber)
		case ActionBlock:
			v.required(p+".blockId", b.BlockID)
		case ActionShare, ActionOperator:
		default:
			v.add(p+".action", "unknown action %q", b.Action)
		}
	}
}
