package booking

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"heydoctor"
)

// ICS returns an RFC 5545 calendar file for a reservation, so patients can keep the
// visit in their phone's calendar. The UID is stable and SEQUENCE follows the
// reservation's, so a calendar app updates the same event on every change. baseURL,
// when set, is the page where the patient manages the reservation. Patient details are
// left out: calendar files get shared and synced.
func ICS(r *heydoctor.Reservation, inst *heydoctor.Institution, baseURL string) []byte {
	var b bytes.Buffer
	line := func(s string) { writeFolded(&b, s) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//HeyDoctor//Booking//KO")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("BEGIN:VTIMEZONE")
	line("TZID:Asia/Seoul")
	line("BEGIN:STANDARD")
	line("DTSTART:19700101T000000")
	line("TZOFFSETFROM:+0900")
	line("TZOFFSETTO:+0900")
	line("TZNAME:KST")
	line("END:STANDARD")
	line("END:VTIMEZONE")
	line("BEGIN:VEVENT")
	line("UID:" + escapeText(r.Code) + "@heydoctor")
	stamp := r.UpdatedAt
	if stamp.IsZero() {
		stamp = r.CreatedAt
	}
	line("DTSTAMP:" + stamp.UTC().Format("20060102T150405Z"))
	line("DTSTART;TZID=Asia/Seoul:" + r.Start.In(heydoctor.KST).Format("20060102T150405"))
	line("DTEND;TZID=Asia/Seoul:" + r.End.In(heydoctor.KST).Format("20060102T150405"))
	line("SEQUENCE:" + strconv.Itoa(max(r.Sequence, 0)))
	line("STATUS:" + icsStatus(r.Status))
	var who, where, place string
	demo := false
	if inst != nil {
		place, where, demo = inst.Name, inst.Address, inst.Demo
	}
	if r.Doctor != nil {
		who, demo = r.Doctor.Name, demo || r.Doctor.Demo
	}
	summary := "진료 예약"
	if place != "" {
		summary += " - " + place
	}
	if who != "" {
		summary += " (" + who + ")"
	}
	if demo {
		summary = "[데모] " + summary
	}
	line("SUMMARY:" + escapeText(summary))
	if where != "" {
		line("LOCATION:" + escapeText(where))
	}
	desc := "예약 번호: " + r.Code + "\n예약을 바꾸거나 취소하려면 예약 번호와 전화번호로 조회해 주세요."
	if inst != nil && inst.Phone != "" {
		desc += "\n병원 전화: " + inst.Phone
	}
	line("DESCRIPTION:" + escapeText(desc))
	if baseURL != "" && !strings.ContainsAny(baseURL, "\r\n") {
		line("URL:" + baseURL)
	}
	line("END:VEVENT")
	line("END:VCALENDAR")
	return b.Bytes()
}

func icsStatus(st heydoctor.ReservationStatus) string {
	switch st {
	case heydoctor.StatusRequested:
		return "TENTATIVE"
	case heydoctor.StatusCancelled, heydoctor.StatusRejected:
		return "CANCELLED"
	default:
		return "CONFIRMED"
	}
}

// escapeText escapes an iCalendar TEXT value and drops control characters, which a
// hostile name or address could use to inject properties.
func escapeText(s string) string {
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// writeFolded writes one content line, folded at 75 octets without splitting a UTF-8
// sequence, with CRLF line ends (RFC 5545 section 3.1).
func writeFolded(b *bytes.Buffer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space of a continuation line counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
