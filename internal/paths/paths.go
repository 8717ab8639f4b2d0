// Package paths builds the links to the website's pages that are made in Go code: the
// chat's and KakaoTalk's replies, the API's status URLs and the site's own redirects, so
// that they point where internal/web serves them. A link outside the site joins a path to
// the public base URL.
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
