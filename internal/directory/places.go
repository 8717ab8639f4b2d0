package directory

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Place is a named point people can pick instead of sharing their location.
type Place struct {
	Name  string  `json:"name"`
	Kind  string  `json:"kind"` // area (시도, 시군구, 읍면동), institution
	Lat   float64 `json:"lat"`
	Lng   float64 `json:"lng"`
	Count int     `json:"count,omitempty"` // institutions in an area
	// Exact is set when the query names this place in full (every word a whole part of
	// its name, the last one its own): "정왕동" is exactly 시흥시 정왕동.
	Exact bool `json:"exact,omitempty"`
}

// place is an area with the parts its name is matched against.
type place struct {
	Place
	parts []string // e.g. 경기도, 경기, 시흥시, 정왕동: every name a part can be typed as
	last  int      // parts[last:] name the place itself (정왕동), the rest its parents
	key   string   // folded full name, for typed text without spaces
}

// sidos maps every spelling of a 시도 in addresses to its name and short name.
var sidos = func() map[string][2]string {
	m := map[string][2]string{}
	for _, s := range [][]string{
		{"서울특별시", "서울", "서울시"}, {"부산광역시", "부산", "부산시"}, {"대구광역시", "대구", "대구시"}, {"인천광역시", "인천", "인천시"},
		{"광주광역시", "광주"}, {"대전광역시", "대전", "대전시"}, {"울산광역시", "울산", "울산시"}, {"세종특별자치시", "세종", "세종시"},
		{"경기도", "경기"}, {"강원특별자치도", "강원", "강원도"}, {"충청북도", "충북"}, {"충청남도", "충남"},
		{"전북특별자치도", "전북", "전라북도"}, {"전라남도", "전남"}, {"경상북도", "경북"}, {"경상남도", "경남"},
		{"제주특별자치도", "제주", "제주도"},
	} {
		for _, alias := range s {
			m[alias] = [2]string{s[0], s[1]}
		}
	}
	return m
}()

var addressPunct = strings.NewReplacer("(", " ", ")", " ", ",", " ")

// area is where an address lies: 시도, 시군구 (one or two words: 안산시 단원구) and 읍면동.
type area struct {
	sido, short string
	sigungu     []string
	dong        string
}

// parseArea reads "경기도 시흥시 정왕동 123", "서울특별시 강남구 남부순환로 2649, 베드로병원
// (도곡동)" or "경기도 안산시 단원구 고잔로 1 (고잔동)". It reports false when the address
// does not start with a 시도.
func parseArea(addr string) (area, bool) {
	f := strings.Fields(addressPunct.Replace(addr))
	if len(f) == 0 {
		return area{}, false
	}
	s, ok := sidos[f[0]]
	if !ok {
		return area{}, false
	}
	a := area{sido: s[0], short: s[1]}
	i := 1
	if a.sido != "세종특별자치시" && i < len(f) && hasSuffix(f[i], "시", "군", "구") {
		a.sigungu = append(a.sigungu, f[i])
		i++
		if strings.HasSuffix(a.sigungu[0], "시") && i < len(f) && strings.HasSuffix(f[i], "구") && dongLike(f[i]) {
			a.sigungu = append(a.sigungu, f[i])
			i++
		}
	}
	for ; i < len(f); i++ {
		if hasSuffix(f[i], "동", "읍", "면", "가") && dongLike(f[i]) {
			a.dong = f[i]
			break
		}
	}
	return a, true
}

func hasSuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) && len(s) > len(x) {
			return true
		}
	}
	return false
}

// dongLike accepts Hangul words such as 정왕동, 역삼1동, 종로5가 and rejects road numbers,
// building numbers (101동) and mixed tokens.
func dongLike(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.Is(unicode.Hangul, r) || utf8.RuneCountInString(w) < 2 {
		return false
	}
	for _, r := range w {
		if !unicode.Is(unicode.Hangul, r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// buildPlaces derives areas from the addresses of the entries, each at the centre of its
// institutions: every 시도, 시군구 and 읍면동 that occurs.
func buildPlaces(entries []entry) []place {
	type acc struct {
		parts    []string
		last     int
		lat, lng float64
		n        int
	}
	areas := map[string]*acc{}
	add := func(key string, parts []string, last int, e *entry) {
		x := areas[key]
		if x == nil {
			x = &acc{parts: parts, last: last}
			areas[key] = x
		}
		x.lat += e.lat
		x.lng += e.lng
		x.n++
	}
	for k := range entries {
		e := &entries[k]
		a, ok := parseArea(e.address())
		if !ok {
			continue
		}
		sido := []string{a.sido, a.short}
		add(a.sido, sido, 0, e)
		parent := sido
		key := a.sido
		for _, g := range a.sigungu {
			key += " " + g
			parts := append(slices.Clip(parent), g)
			add(key, parts, len(parts)-1, e)
			parent = parts
		}
		if a.dong != "" {
			parts := append(slices.Clip(parent), a.dong)
			add(key+" "+a.dong, parts, len(parts)-1, e)
		}
	}
	// Names drop the 시도 unless another 시도 has a place of the same name (중구).
	display := func(x *acc) string {
		switch {
		case x.last == 0:
			return x.parts[0]
		case x.last == 2 && x.parts[0] == "세종특별자치시":
			return x.parts[1] + " " + x.parts[2] // 세종 has no 시군구
		}
		return strings.Join(x.parts[2:], " ")
	}
	seen := map[string]int{}
	for _, x := range areas {
		seen[display(x)]++
	}
	out := make([]place, 0, len(areas))
	for _, x := range areas {
		name := display(x)
		if seen[name] > 1 {
			name = x.parts[1] + " " + name
		}
		out = append(out, place{Place: Place{Name: name, Kind: "area", Lat: x.lat / float64(x.n), Lng: x.lng / float64(x.n), Count: x.n},
			parts: lowerParts(x.parts), last: x.last, key: fold(x.parts[0] + strings.Join(x.parts[2:], ""))})
	}
	slices.SortFunc(out, func(a, b place) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Name, b.Name))
	})
	return out
}

func fold(s string) string { return strings.ToLower(strings.ReplaceAll(s, " ", "")) }

// match scores how well typed words name p: 3 exact, 2 every word starts a part in order,
// 1 the text without spaces occurs in the name, 0 no match.
// lowerParts returns the parts lower-cased once, at build time, rather than on every query.
func lowerParts(parts []string) []string {
	out := make([]string, len(parts))
	for i, s := range parts {
		out[i] = strings.ToLower(s)
	}
	return out
}

func (p *place) match(words []string, folded string) int {
	j, exact := 0, true
	for wi, w := range words {
		found := false
		for ; j < len(p.parts); j++ {
			part := p.parts[j]
			if strings.HasPrefix(part, w) {
				found = true
				if part != w && trimUnit(part) != w {
					exact = false
				}
				if wi == len(words)-1 && j < p.last {
					exact = false // names a parent: 시흥 matches 시흥시 정왕동, but not exactly
				}
				j++
				break
			}
		}
		if !found {
			if strings.Contains(p.key, folded) {
				return 1
			}
			return 0
		}
	}
	if exact {
		return 3
	}
	return 2
}

// trimUnit drops the unit of an area name (시흥시 → 시흥, 정왕동 → 정왕), so that "시흥 정왕동" is exact.
func trimUnit(s string) string {
	for _, u := range []string{"특별자치시", "특별자치도", "특별시", "광역시", "시", "군", "구", "동", "읍", "면", "가", "도"} {
		if t, ok := strings.CutSuffix(s, u); ok && t != "" {
			return t
		}
	}
	return s
}

// Places finds up to limit places named by q: areas (시도, 시군구, 읍면동) best match first,
// then institutions whose name contains q. Several Exact places mean the name is ambiguous
// (중앙동 is in many cities): offer them as a "did you mean" list.
func (d *Directory) Places(q string, limit int) []Place { return d.places(q, limit, true) }

// Areas is Places without institution names, for text that may or may not name a place
// where only an area would do: finding institutions scans every name.
func (d *Directory) Areas(q string, limit int) []Place { return d.places(q, limit, false) }

func (d *Directory) places(q string, limit int, institutions bool) []Place {
	folded := fold(q)
	if folded == "" || limit <= 0 {
		return nil
	}
	words := strings.Fields(strings.ToLower(q))
	s := d.snap.Load()
	type scored struct {
		p     Place
		score int
	}
	var found []scored
	for i := range s.base.places {
		p := &s.base.places[i]
		if sc := p.match(words, folded); sc > 0 {
			pl := p.Place
			pl.Exact = sc == 3
			found = append(found, scored{pl, sc})
		}
	}
	slices.SortStableFunc(found, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
	var out []Place
	for _, f := range found {
		if len(out) == limit {
			return out
		}
		out = append(out, f.p)
	}
	if !institutions || len(found) > 0 && found[0].p.Exact {
		// An exact area name ("정왕동") is the answer; institutions whose names contain it
		// would only crowd the "did you mean" list, and finding them scans every name.
		return out
	}
	for ref := range s.base.entries {
		if len(out) == limit {
			break
		}
		e := s.entry(int32(ref))
		if e == nil || !containsFolded(e.name(), folded) {
			continue
		}
		out = append(out, Place{Name: e.name(), Kind: "institution", Lat: e.lat, Lng: e.lng, Exact: fold(e.name()) == folded})
	}
	return out
}

// containsFolded reports whether s contains the folded text f, ignoring spaces and ASCII
// case in s, without allocating. It runs on every institution name for an unknown place,
// so a name without f's first character (a Hangul syllable, typically) is passed over
// with one vectorised search before the byte-by-byte comparison.
func containsFolded(s, f string) bool {
	if f == "" {
		return true
	}
	if r, n := utf8.DecodeRuneInString(f); r >= utf8.RuneSelf && !strings.Contains(s, f[:n]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			continue
		}
		j, k := i, 0
		for j < len(s) && k < len(f) {
			c := s[j]
			if c == ' ' {
				j++
				continue
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != f[k] {
				break
			}
			j++
			k++
		}
		if k == len(f) {
			return true
		}
	}
	return false
}

// ResolvePlace turns typed text into one place when it names exactly one (or the only
// match), and otherwise returns the candidates to offer.
func (d *Directory) ResolvePlace(q string, limit int) (Place, []Place, bool) {
	return resolve(d.Places(q, limit))
}

// ResolveArea is ResolvePlace among areas only.
func (d *Directory) ResolveArea(q string, limit int) (Place, []Place, bool) {
	return resolve(d.Areas(q, limit))
}

func resolve(list []Place) (Place, []Place, bool) {
	if len(list) == 1 {
		return list[0], list, true
	}
	var exact []Place
	for _, p := range list {
		if p.Exact {
			exact = append(exact, p)
		}
	}
	if len(exact) == 1 {
		return exact[0], list, true
	}
	if len(exact) > 1 {
		return Place{}, exact, false
	}
	return Place{}, list, false
}
