package triage

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxInputRunes bounds the work per message; chat messages are short, and a 5,000
// character paste should not cost more than a normal one.
const maxInputRunes = 600

// Hangul composition constants (Unicode 3.12), so that NFD text from macOS keyboards
// matches the lexicon without importing x/text.
const (
	hangulBase = 0xAC00
	lBase      = 0x1100
	vBase      = 0x1161
	tBase      = 0x11A7
	lCount     = 19
	vCount     = 21
	tCount     = 28
)

// normalize returns the text in a canonical form: composed Hangul, lower-case Latin,
// half-width ASCII, no laughter/crying jamo (ㅋㅋ, ㅠㅠ), no control characters, runs of
// three or more equal characters cut to one, and single spaces.
func normalize(text string) string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, " ")
	}
	rs := make([]rune, 0, min(len(text), maxInputRunes))
	for _, r := range text {
		if len(rs) >= maxInputRunes {
			break
		}
		switch {
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r -= 0xFEE0
		case r == '\u3000':
			r = ' '
		case r == '℃':
			r = '도'
		}
		// Compose a conjoining vowel or final consonant with the syllable before it.
		if n := len(rs); n > 0 {
			prev := rs[n-1]
			if r >= vBase && r < vBase+vCount && prev >= lBase && prev < lBase+lCount {
				rs[n-1] = hangulBase + ((prev-lBase)*vCount+(r-vBase))*tCount
				continue
			}
			if r > tBase && r < tBase+tCount && prev >= hangulBase && prev < hangulBase+11172 && (prev-hangulBase)%tCount == 0 {
				rs[n-1] = prev + (r - tBase)
				continue
			}
		}
		switch {
		case r >= 0x3131 && r <= 0x318E: // compatibility jamo: ㅋㅋ ㅎㅎ ㅠㅠ ㅜㅜ ㄷㄷ
			// Keep consonant-only chat words for intent patterns (ㅎㅇ = hi, ㄱㄱ), drop vowels.
			if r >= 0x314F {
				r = ' '
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
		case r == '.' || r == ',' || r == '?' || r == '!':
		case r == '/' && len(rs) > 0 && rs[len(rs)-1] >= '0' && rs[len(rs)-1] <= '9':
			// "혈압 80/50": keep the two numbers apart.
		case unicode.IsSpace(r) || unicode.IsControl(r):
			r = ' '
		default:
			// Emoji, symbols and other punctuation separate words.
			r = ' '
		}
		rs = append(rs, r)
	}
	// Collapse runs: spaces to one, any other character repeated 3+ times to one, and drop
	// laughter like ㅋㅋ/ㅎㅎ repeated (kept once so "ㅎㅇ" survives).
	var b strings.Builder
	b.Grow(len(rs) * 3)
	prevSpace := true
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == ' ' {
			if !prevSpace {
				b.WriteRune(' ')
			}
			prevSpace = true
			continue
		}
		j := i
		for j+1 < len(rs) && rs[j+1] == r {
			j++
		}
		run := j - i + 1
		if run >= 3 || (run == 2 && (r == 'ㅋ' || r == 'ㅎ' || r == '.' || r == '!' || r == '?')) {
			run = 1
		}
		for range run {
			b.WriteRune(r)
		}
		i = j
		prevSpace = false
	}
	return strings.TrimSpace(b.String())
}

// compactKey drops white space and lower-cases, for lexicon terms.
func compactKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if !unicode.IsSpace(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// compacted is the normalised text without spaces, so that "배가너무아파요" and
// "배가 너무 아파요" match the same lexicon terms. orig maps every byte of s to its byte
// in norm so that matches can be reported in the user's own words.
//
// wordStart marks the compact bytes that begin a word of the normalised text (after a
// space or a punctuation mark): a pattern that spans two words must begin at one, so
// that "기침하고 환절기" never reads as 고환 nor "여자 해변" as 자해.
type compacted struct {
	norm      string
	s         string
	orig      []int
	wordStart []bool
}

func compact(norm string) compacted {
	c := compacted{norm: norm, orig: make([]int, 0, len(norm)), wordStart: make([]bool, 0, len(norm)+1)}
	var b strings.Builder
	b.Grow(len(norm))
	start := true
	for i := 0; i < len(norm); i++ {
		if norm[i] == ' ' {
			start = true
			continue
		}
		b.WriteByte(norm[i])
		c.orig = append(c.orig, i)
		c.wordStart = append(c.wordStart, start)
		start = isPunct(norm[i])
	}
	c.wordStart = append(c.wordStart, true)
	c.s = b.String()
	return c
}

// crossesWord reports whether the compact range [start,end) spans more than one word.
func (c compacted) crossesWord(start, end int) bool {
	for i := start + 1; i < end && i < len(c.wordStart); i++ {
		if c.wordStart[i] {
			return true
		}
	}
	return false
}

// words returns the user's text for the compact byte range [start,end), widened to whole
// words of the normalised text.
func (c compacted) words(start, end int) string {
	if start >= end || end > len(c.orig) {
		return ""
	}
	a, z := c.orig[start], c.orig[end-1]+1
	for a > 0 && c.norm[a-1] != ' ' {
		a--
	}
	for z < len(c.norm) && c.norm[z] != ' ' {
		z++
	}
	return strings.Trim(c.norm[a:z], ".,?!")
}

// isPunct reports whether a compact byte ends a clause.
func isPunct(b byte) bool { return b == '.' || b == ',' || b == '?' || b == '!' }
