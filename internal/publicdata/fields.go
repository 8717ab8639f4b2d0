package publicdata

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"heydoctor"
)

// fields is one source record with every value read as trimmed text, whatever type the
// source gave it: the data.go.kr gateway turns "1900" into a number but keeps "0900" a
// string, so typed decoding would break on the next record.
type fields map[string]string

// first returns the first non-empty value among names.
func (f fields) first(names ...string) string {
	for _, n := range names {
		if v := f[n]; v != "" {
			return v
		}
	}
	return ""
}

// hasPrefix reports whether the record has a field whose name starts with prefix, even an
// empty one: the field's presence says the source carries it.
func (f fields) hasPrefix(prefix string) bool {
	for k := range f {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// builder collects a Result and rejects later duplicates of an identity.
type builder struct {
	res  *Result
	seen map[string]string // identity → position of its first record
}

func newBuilder(res *Result) *builder {
	return &builder{res: res, seen: make(map[string]string)}
}

func (b *builder) reject(pos, format string, args ...any) {
	b.res.Rejected = append(b.res.Rejected, Rejection{Position: pos, Reason: fmt.Sprintf(format, args...)})
}

// record converts one row with conv and adds the institution, or rejects the row. The
// position names the row and, when the row has one, its id (idKey: hpid, ykiho). edit,
// when not nil, adjusts the institution before it is added.
func (b *builder) record(pos string, f fields, idKey string, conv func(fields) (heydoctor.Institution, error), edit func(*heydoctor.Institution)) {
	if id := f[idKey]; id != "" {
		pos += " (" + idKey + " " + shortID(id) + ")"
	}
	in, err := conv(f)
	if err != nil {
		b.reject(pos, "%v", err)
		return
	}
	if edit != nil {
		edit(&in)
	}
	b.add(pos, in)
}

// add appends in unless its identity was seen earlier in the same input.
func (b *builder) add(pos string, in heydoctor.Institution) {
	key := identity(in)
	if first, dup := b.seen[key]; dup {
		b.reject(pos, "duplicate %s (first seen at %s)", key, first)
		return
	}
	b.seen[key] = pos
	b.res.Institutions = append(b.res.Institutions, in)
}

func identity(in heydoctor.Institution) string {
	switch {
	case in.HPID != "":
		return "hpid " + in.HPID
	case in.YKIHO != "":
		return "ykiho " + in.YKIHO
	}
	return "key " + in.LocalKey
}

// normHHMM returns a published time as four digits: sources and Excel drop the leading
// zero ("900", 900). Hours up to 47 are kept because closing times past midnight are
// published as 2500 or 2600.
func normHHMM(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) > 4 || !allDigits(s) {
		return "", fmt.Errorf("%q is not HHMM", s)
	}
	s = strings.Repeat("0", 4-len(s)) + s
	h, m := (s[0]-'0')*10+s[1]-'0', (s[2]-'0')*10+s[3]-'0'
	if m >= 60 || h >= 48 {
		return "", fmt.Errorf("%q is not a valid time", s)
	}
	return s, nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// padDigits left-pads a digit string to n digits: numeric JSON and Excel drop leading
// zeros of codes ("01" → 1) and postcodes ("03181" → 3181). Non-digits come back as is.
func padDigits(s string, n int) string {
	if allDigits(s) && len(s) < n {
		return strings.Repeat("0", n-len(s)) + s
	}
	return s
}

// postcode returns a five-digit postcode or "" for anything else (old six-digit codes).
func postcode(s string) string {
	s = padDigits(strings.ReplaceAll(strings.TrimSpace(s), "-", ""), 5)
	if len(s) != 5 || !allDigits(s) {
		return ""
	}
	return s
}

// nmcPostcode joins NMC's 3+2 split postcode (postCdn2 often carries a trailing space).
func nmcPostcode(cdn1, cdn2 string) string {
	cdn1, cdn2 = strings.TrimSpace(cdn1), strings.TrimSpace(cdn2)
	if cdn1 == "" || cdn2 == "" {
		return ""
	}
	return postcode(padDigits(cdn1, 3) + padDigits(cdn2, 2))
}

// coordinates parses a WGS84 pair. Empty or zero means unknown and is kept as zero; a
// swapped pair is put right; a point outside Korea is an error, because a wrong pin is
// worse than none.
func coordinates(latField, lat, lngField, lng string) (float64, float64, error) {
	if (lat == "" || lat == "0") && (lng == "" || lng == "0") {
		return 0, 0, nil
	}
	la, err := parseFloat(lat)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", latField, err)
	}
	lo, err := parseFloat(lng)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", lngField, err)
	}
	switch {
	case heydoctor.InKorea(la, lo):
		return la, lo, nil
	case heydoctor.InKorea(lo, la):
		return lo, la, nil
	}
	return 0, 0, fmt.Errorf("%s/%s: %v,%v is outside Korea", latField, lngField, la, lo)
}

func parseFloat(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return v, nil
}

// phone trims a published phone number for display, dropping the stray dashes some
// sources put around it ("-1644-7889", "-").
func phone(s string) string {
	return strings.Trim(strings.TrimSpace(s), "- ")
}

// weeklyHours reads the eight NMC day slots dutyTime{1..8}{s,c}; a bad value rejects
// the record, naming the field.
func weeklyHours(f fields) (heydoctor.OpeningHours, error) {
	names := [8][2]string{
		{"dutyTime1s", "dutyTime1c"}, {"dutyTime2s", "dutyTime2c"}, {"dutyTime3s", "dutyTime3c"},
		{"dutyTime4s", "dutyTime4c"}, {"dutyTime5s", "dutyTime5c"}, {"dutyTime6s", "dutyTime6c"},
		{"dutyTime7s", "dutyTime7c"}, {"dutyTime8s", "dutyTime8c"},
	}
	var h heydoctor.OpeningHours
	for i, n := range names {
		sf, cf := n[0], n[1]
		open, err := normHHMM(f[sf])
		if err != nil {
			return h, fmt.Errorf("%s: %w", sf, err)
		}
		closing, err := normHHMM(f[cf])
		if err != nil {
			return h, fmt.Errorf("%s: %w", cf, err)
		}
		h.Day[i] = heydoctor.Span{Open: open, Close: closing}
	}
	return h, nil
}

// count reads a non-negative count such as HIRA's 과목별 전문의수 ("3", 3, "").
func count(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if !allDigits(s) || len(s) > 6 {
		return 0, fmt.Errorf("%q is not a count", s)
	}
	n, _ := strconv.Atoi(s)
	return n, nil
}
