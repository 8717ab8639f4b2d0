package chat

// hasBatchim reports whether a word ends in a Hangul syllable with a final consonant,
// which decides the particle after it (은/는, 을/를, 이/가).
func hasBatchim(word string) bool {
	r := []rune(word)
	if len(r) == 0 {
		return false
	}
	last := r[len(r)-1]
	if last < 0xAC00 || last > 0xD7A3 {
		return false
	}
	return (last-0xAC00)%28 != 0
}

// josa attaches the right particle: josa("내과", "은", "는") → "내과는".
func josa(word, withBatchim, without string) string {
	if hasBatchim(word) {
		return word + withBatchim
	}
	return word + without
}
