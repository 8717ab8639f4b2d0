// Package paths builds the links that replies outside the website (the chat, KakaoTalk)
// give to its pages, so that they point where internal/web serves them. A path is joined
// to the site's public base URL by the caller.
package paths

import (
	"net/url"
	"strconv"
	"strings"
)

// Hospital is an institution's page.
func Hospital(id int64) string { return "/hospitals/" + strconv.FormatInt(id, 10) }

// Lookup is the form that finds a reservation by its code and phone.
func Lookup() string { return "/reservations/lookup" }

// Ticket is the status page of a same-day check-in.
func Ticket(code string) string { return "/queue/" + url.PathEscape(code) }

// KakaoMap is Kakao Map's page for a place: its name and WGS84 point. The link separates
// name, latitude and longitude with commas, so a comma in the name becomes a space.
func KakaoMap(name string, lat, lng float64) string {
	return "https://map.kakao.com/link/map/" + url.PathEscape(strings.ReplaceAll(name, ",", " ")) + "," +
		strconv.FormatFloat(lat, 'f', 6, 64) + "," + strconv.FormatFloat(lng, 'f', 6, 64)
}
