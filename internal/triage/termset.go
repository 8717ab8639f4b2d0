package triage

import (
	"strings"
	"unicode/utf8"
)

// termSet finds any of a list of terms in a text with one pass over the text: the terms
// are grouped by their first rune, so a clause costs one map lookup per character
// instead of one search per term.
type termSet map[rune][]string

func newTermSet(terms []string) termSet {
	ts := make(termSet)
	for _, t := range terms {
		if r, _ := utf8.DecodeRuneInString(t); t != "" {
			ts[r] = append(ts[r], t)
		}
	}
	return ts
}

// find returns the first term found, scanning the text from the start.
func (ts termSet) find(s string) (string, bool) {
	if len(ts) == 0 {
		return "", false
	}
	for i, r := range s {
		for _, t := range ts[r] {
			if strings.HasPrefix(s[i:], t) {
				return t, true
			}
		}
	}
	return "", false
}
