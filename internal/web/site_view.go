package web

import (
	"fmt"
	"html/template"
	"math"
	"net/url"
	"strings"
	"time"

	"heydoctor"
	"heydoctor/internal/hours"
	"heydoctor/internal/paths"
)

// siteBadge is an open/closed/unknown badge. Each state has its own glyph as well as its
// own words, so nothing depends on colour alone.
type siteBadge struct {
	Class string // open, closed, unknown: the CSS class
	Glyph string // ●, ■, ? — shape, hidden from screen readers (the text says it all)
	Text  string // "진료중 · 18:00까지"
}

// siteBadgeFor words a status for a kind of institution relative to now: "진료중 ·
// 18:00까지", "진료 종료 · 내일 09:00 시작", "진료시간 정보 없음". Pharmacies say 영업.
func siteBadgeFor(st hours.Status, kind heydoctor.InstitutionKind, now time.Time) siteBadge {
	label := st.State.LabelFor(kind)
	switch st.State {
	case hours.Open:
		b := siteBadge{Class: "open", Glyph: "●", Text: label}
		if st.ClosesAt.IsZero() {
			b.Text += " · 24시간"
		} else {
			b.Text += " · " + siteWhen(st.ClosesAt, now, true) + "까지"
		}
		return b
	case hours.Closed:
		b := siteBadge{Class: "closed", Glyph: "■", Text: label}
		if !st.OpensAt.IsZero() {
			b.Text += " · " + siteWhen(st.OpensAt, now, false) + " 시작"
		}
		return b
	}
	if kind == heydoctor.KindPharmacy {
		return siteBadge{Class: "unknown", Glyph: "?", Text: "영업시간 정보 없음"}
	}
	return siteBadge{Class: "unknown", Glyph: "?", Text: "진료시간 정보 없음"}
}

// siteWhen says when t is from now in the words a patient uses: "18:00" today (or
// "오늘 14:00" when bare hours would be ambiguous), "내일 09:00", "월요일 09:00" within the
// week, or the date further out.
func siteWhen(t, now time.Time, bareToday bool) string {
	t, now = t.In(heydoctor.KST), now.In(heydoctor.KST)
	hm := t.Format("15:04")
	today := heydoctor.DateOf(now)
	day := heydoctor.DateOf(t)
	switch {
	case day == today && bareToday:
		return hm
	case day == today:
		return "오늘 " + hm
	case day == today.AddDays(1):
		return "내일 " + hm
	case day < today.AddDays(7) && day > today:
		return siteWeekday(t.Weekday()) + "요일 " + hm
	}
	return fmt.Sprintf("%d월 %d일 %s", int(t.Month()), t.Day(), hm)
}

func siteWeekday(w time.Weekday) string {
	return [...]string{"일", "월", "화", "수", "목", "금", "토"}[w]
}

// siteDateLabel is "5월 3일 (수)" for a day.
func siteDateLabel(d heydoctor.Date) string {
	t := d.Time()
	if t.IsZero() {
		return string(d)
	}
	return fmt.Sprintf("%d월 %d일 (%s)", int(t.Month()), t.Day(), siteWeekday(t.Weekday()))
}

// siteDateTime is "2026년 5월 3일 (수) 14:30" in KST, for reservations.
func siteDateTime(t time.Time) string {
	k := t.In(heydoctor.KST)
	return fmt.Sprintf("%d년 %d월 %d일 (%s) %s", k.Year(), int(k.Month()), k.Day(), siteWeekday(k.Weekday()), k.Format("15:04"))
}

// siteDistance is "350m" or "1.2km".
func siteDistance(m float64) string {
	if math.IsNaN(m) || m < 0 {
		return ""
	}
	if m < 1000 {
		return fmt.Sprintf("%dm", int(math.Round(m/10)*10))
	}
	return fmt.Sprintf("%.1fkm", m/1000)
}

// siteTel turns a published phone number into a tel: URL, or "" when it has no digits.
func siteTel(phone string) template.URL {
	var b strings.Builder
	for _, c := range phone {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	if b.Len() < 3 || b.Len() > 15 {
		return ""
	}
	return template.URL("tel:" + b.String())
}

// siteKindName is the Korean word for a kind of institution.
func siteKindName(k heydoctor.InstitutionKind) string {
	switch k {
	case heydoctor.KindHospital:
		return "병원"
	case heydoctor.KindClinic:
		return "의원"
	case heydoctor.KindPharmacy:
		return "약국"
	}
	return ""
}

// siteKakaoMapURL and siteNaverMapURL open the place in the two map apps Koreans use.
func siteKakaoMapURL(in *heydoctor.Institution) string {
	if in.HasLocation() {
		return paths.KakaoMap(in.Name, in.Lat, in.Lng)
	}
	return "https://map.kakao.com/link/search/" + url.PathEscape(in.Address)
}

func siteNaverMapURL(in *heydoctor.Institution) string {
	q := in.Address
	if q == "" {
		q = in.Name
	}
	return "https://map.naver.com/p/search/" + url.PathEscape(q)
}

// siteFieldErrors collects one message per form field, for showing next to it.
type siteFieldErrors map[string]string

// add records err under its field (or "form") and returns true when err is a user error
// that belongs on the form rather than an error page.
func (fe siteFieldErrors) add(err error) bool {
	switch heydoctor.KindOf(err) {
	case heydoctor.Invalid, heydoctor.Conflict, heydoctor.Forbidden, heydoctor.TooMany:
	default:
		return false
	}
	field := heydoctor.FieldOf(err)
	if field == "" {
		field = "form"
	}
	fe[field] = heydoctor.MessageOf(err)
	return true
}
