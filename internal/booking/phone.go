package booking

import (
	"strings"

	"heydoctor"
)

// maxPhoneInput bounds the raw phone input so a hostile value is rejected before any work.
const maxPhoneInput = 32

// areaCodes are the three-digit Korean landline area codes (02 Seoul is handled apart),
// plus 070 for internet telephony, which clinics often publish.
var areaCodes = map[string]bool{
	"031": true, "032": true, "033": true, "041": true, "042": true, "043": true, "044": true,
	"051": true, "052": true, "053": true, "054": true, "055": true,
	"061": true, "062": true, "063": true, "064": true, "070": true,
}

// NormalizePhone returns the digits of a Korean mobile, landline or nationwide
// representative (15xx/16xx/18xx) number, so that a patient who types "010 1234 5678" and
// one who types "+82-10-1234-5678" are the same person. Spaces, hyphens, dots and
// parentheses are ignored; anything else is refused. Errors name the field "phone".
func NormalizePhone(s string) (digits string, err error) {
	if len(s) > maxPhoneInput {
		return "", heydoctor.FieldError("phone", "전화번호가 너무 길어요")
	}
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		case r == '+' && i == 0:
			b.WriteByte('+')
		default:
			return "", heydoctor.FieldError("phone", "전화번호에는 숫자와 하이픈(-)만 쓸 수 있어요")
		}
	}
	d := b.String()
	if d == "" {
		return "", heydoctor.FieldError("phone", "전화번호를 입력해 주세요")
	}
	switch {
	case strings.HasPrefix(d, "+82"):
		d = strings.TrimPrefix(d, "+82")
		d = "0" + strings.TrimPrefix(d, "0") // "+82 (0)10 …" is written both ways
	case strings.HasPrefix(d, "+"):
		return "", heydoctor.FieldError("phone", "국내 전화번호만 받을 수 있어요")
	}
	if !validPhoneDigits(d) {
		return "", heydoctor.FieldError("phone", "올바른 전화번호가 아니에요. 010-1234-5678처럼 입력해 주세요")
	}
	return d, nil
}

func validPhoneDigits(d string) bool {
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	n := len(d)
	switch {
	case strings.HasPrefix(d, "010"):
		return n == 11
	case strings.HasPrefix(d, "011"), strings.HasPrefix(d, "016"), strings.HasPrefix(d, "017"),
		strings.HasPrefix(d, "018"), strings.HasPrefix(d, "019"):
		return n == 10 || n == 11
	case strings.HasPrefix(d, "02"):
		return (n == 9 || n == 10) && d[2] != '0'
	case n >= 3 && areaCodes[d[:3]]:
		if d[:3] == "070" {
			return n == 11
		}
		return (n == 10 || n == 11) && d[3] != '0'
	case strings.HasPrefix(d, "15"), strings.HasPrefix(d, "16"), strings.HasPrefix(d, "18"):
		return n == 8
	}
	return false
}

// FormatPhone writes normalised digits the way Koreans read them (010-1234-5678,
// 02-123-4567, 1588-1234); anything it does not recognise is returned unchanged.
func FormatPhone(digits string) string {
	if !validPhoneDigits(digits) {
		return digits
	}
	n := len(digits)
	switch {
	case n == 8:
		return digits[:4] + "-" + digits[4:]
	case strings.HasPrefix(digits, "02"):
		return digits[:2] + "-" + digits[2:n-4] + "-" + digits[n-4:]
	default:
		return digits[:3] + "-" + digits[3:n-4] + "-" + digits[n-4:]
	}
}
