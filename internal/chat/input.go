package chat

import (
	"context"
	"strings"

	"heydoctor"
)

// Input is one user turn from any channel.
type Input struct {
	Channel heydoctor.Channel `json:"channel"`
	// UserKey identifies the person within the channel (Kakao botUserKey, a web session id).
	UserKey string `json:"user_key"`
	Text    string `json:"text,omitempty"`
	// Choice is the Value of a Choice or choice Button the user tapped, if any.
	Choice string `json:"choice,omitempty"`
	// Location is where the user is, when the channel knows it (Kakao location value, browser geolocation).
	Location *Location `json:"location,omitempty"`
	// ClientAddr is the client address of a website turn, for the booking limits; Kakao
	// turns come from Kakao's servers and are limited by UserKey instead.
	ClientAddr string `json:"-"`
}

// Location is a WGS84 point.
type Location struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

type baseURLKey struct{}

// WithBaseURL records the public URL a request came in on (scheme and host, as the
// server's trusted-proxy rules resolved them), for links in replies when no base URL is
// configured.
func WithBaseURL(ctx context.Context, base string) context.Context {
	return context.WithValue(ctx, baseURLKey{}, strings.TrimRight(base, "/"))
}

// BaseURLFrom returns the URL recorded by WithBaseURL, or "".
func BaseURLFrom(ctx context.Context) string {
	s, _ := ctx.Value(baseURLKey{}).(string)
	return s
}
