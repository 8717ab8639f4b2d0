package triage

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// match is one pattern occurrence in the compact text.
type match struct {
	sym        int
	start, end int      // compact byte range
	gaps       [][2]int // compact byte ranges between the pattern's parts
	lit        int
}

// findMatches finds every occurrence of every pattern, then keeps the strongest
// non-overlapping ones: more literal characters win, so "오른쪽아랫배" beats "배~아파",
// and every character skipped by a ~ gap counts a quarter of a literal one against it,
// so "목덜미" beats "목(이랑목덜미가)아파".
//
// A gap must stay inside one clause, and a match spanning words must begin at a word
// start unless at least two of its characters sit in the first word ("오른쪽다리가
// 아파요" is 다리~아파; "기침하고 환절기" is not 고환).
func (e *Engine) findMatches(c compacted, bound []bool) []match {
	var all []match
	s := c.s
	for start := 0; start < len(s); {
		r, size := utf8.DecodeRuneInString(s[start:])
		if !e.voidAfter(s, start) {
			for _, ref := range e.byFirst[r] {
				p := &e.symptoms[ref.sym].Patterns[ref.pat]
				if !strings.HasPrefix(s[start:], p.parts[0]) && (len(p.parts) > 1 || !prefixLoose(s[start:], p.parts[0])) {
					continue
				}
				if m, ok := matchRest(s, start, p); ok && c.allowed(m, bound) {
					m.sym = ref.sym
					all = append(all, m)
				}
			}
		}
		start += size
	}
	slices.SortStableFunc(all, func(a, b match) int {
		if a.lit != b.lit {
			return b.lit - a.lit
		}
		if (a.end - a.start) != (b.end - b.start) {
			return (a.end - a.start) - (b.end - b.start)
		}
		return a.start - b.start
	})
	var kept []match
	used := make([]bool, len(s))
	for _, m := range all {
		if slices.Contains(used[m.start:m.end], true) {
			continue
		}
		for i := m.start; i < m.end; i++ {
			used[i] = true
		}
		kept = append(kept, m)
	}
	slices.SortFunc(kept, func(a, b match) int { return a.start - b.start })
	return kept
}

// allowed applies the word and clause rules of findMatches to one candidate: a ~ gap
// never spans a clause boundary, while a literal pattern written across words is a known
// compound ("살면서가장심한", "죽고싶") and may.
func (c compacted) allowed(m match, bound []bool) bool {
	start, end := m.start, m.end
	for _, g := range m.gaps {
		for i := g[0]; i <= g[1]; i++ {
			if bound[i] {
				return false
			}
		}
	}
	if c.wordStart[start] || !c.crossesWord(start, end) {
		return true
	}
	n := 0
	for i := start; i < end && !c.wordStart[i] || i == start; {
		_, size := utf8.DecodeRuneInString(c.s[i:])
		n++
		i += size
		if i < len(c.wordStart) && c.wordStart[i] {
			break
		}
	}
	return n >= 2
}

// negWindow is how many characters after a symptom may hold its negation: "열은 없어요"
// needs two, while "자해를 멈출 수가 없어요" must not read as "no self-harm".
const negWindow = 5

// voidAfter reports whether the match at start begins inside a longer word that the
// lexicon says is something else.
func (e *Engine) voidAfter(s string, start int) bool {
	if start == 0 {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s[start:])
	rules := e.lex.notAfter[first]
	if len(rules) == 0 {
		return false
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:start])
	for _, r := range rules {
		if strings.HasPrefix(s[start:], r.key) && strings.ContainsRune(r.after, prev) {
			return true
		}
	}
	return false
}

// voidRule is one notafter line of lexicon.tsv: a match starting with key is void right
// after one of the characters of after.
type voidRule struct{ key, after string }

// patternRef points at one pattern of one symptom.
type patternRef struct{ sym, pat int }

// indexPatterns groups the patterns by their first character, so that matching walks
// the text once instead of searching it once per pattern.
func indexPatterns(symptoms []symptom) map[rune][]patternRef {
	idx := make(map[rune][]patternRef)
	for si, sym := range symptoms {
		for pi, p := range sym.Patterns {
			r, _ := utf8.DecodeRuneInString(p.parts[0])
			idx[r] = append(idx[r], patternRef{si, pi})
		}
	}
	return idx
}

// matchRest matches the parts after the first one, each within maxGap characters.
func matchRest(s string, start int, p *pattern) (match, bool) {
	end := start + len(p.parts[0])
	m := match{start: start, lit: 4 * p.lit}
	for k, part := range p.parts[1:] {
		// Look only as far as the gap allows, so that a long repetitive message
		// costs linear, not quadratic, time.
		window := s[end:min(len(s), end+maxGap*utf8.UTFMax+len(part))]
		j := strings.Index(window, part)
		if j < 0 && k == len(p.parts)-2 {
			j = indexLoose(window, part)
		}
		if j < 0 {
			return match{}, false
		}
		gap := s[end : end+j]
		if utf8.RuneCountInString(gap) > maxGap || strings.ContainsFunc(gap, func(r rune) bool { return r < 128 && isPunct(byte(r)) }) {
			return match{}, false
		}
		if j > 0 {
			m.gaps = append(m.gaps, [2]int{end, end + j})
			m.lit -= utf8.RuneCountInString(gap)
		}
		end += j + len(part)
	}
	m.end = end
	return m, true
}

// prefixLoose reports whether s starts with part allowing the last syllable of part,
// when it has no final consonant, to carry one in s: Korean endings often attach as a
// final consonant ("안들리" matches 안들린, "아프" matches 아픈, "부러지" matches 부러진).
// Parts of one syllable must match exactly.
func prefixLoose(s, part string) bool {
	last, size := utf8.DecodeLastRuneInString(part)
	if size == len(part) || !openSyllable(last) || !strings.HasPrefix(s, part[:len(part)-size]) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[len(part)-size:])
	return closes(last, r)
}

// indexLoose is strings.Index with prefixLoose's tolerance.
func indexLoose(s, part string) int {
	last, size := utf8.DecodeLastRuneInString(part)
	if size == len(part) || !openSyllable(last) {
		return -1
	}
	head := part[:len(part)-size]
	for from := 0; from < len(s); {
		i := strings.Index(s[from:], head)
		if i < 0 {
			return -1
		}
		at := from + i
		if r, _ := utf8.DecodeRuneInString(s[at+len(head):]); closes(last, r) {
			return at
		}
		from = at + 1
		for from < len(s) && !utf8.RuneStart(s[from]) {
			from++
		}
	}
	return -1
}

// openSyllable reports whether r is a Hangul syllable without a final consonant.
func openSyllable(r rune) bool {
	return r >= hangulBase && r < hangulBase+11172 && (r-hangulBase)%tCount == 0
}

// closes reports whether t is the open syllable o with a final consonant added.
func closes(o, t rune) bool {
	return t > o && t < o+tCount && t >= hangulBase && t < hangulBase+11172
}

// negated reports whether the words right after a match (up to the next clause marker,
// punctuation or the next match) or inside its gaps deny it: "열은 없어요",
// "기침은 안 나요", "배는 안 아파요", "토하지는 않았어요".
func (e *Engine) negated(c compacted, m match, next int) bool {
	for _, g := range m.gaps {
		gap := c.s[g[0]:g[1]]
		if strings.Contains(gap, "안") || strings.Contains(gap, "전혀") {
			return true
		}
	}
	end := min(next, len(c.s))
	if hasAnyPrefix(c.s[m.end:], "거나", "나", "이나", "하거나", "했거나", "하든지") {
		end = len(c.s) // "토하거나 어지럽진 않아요": the denial after the next symptom covers this one too
	}
	w := c.s[m.end:end]
	for i := 0; i < len(w); i++ {
		if isPunct(w[i]) {
			w = w[:i]
			break
		}
	}
	limit := negWindow
	if strings.HasPrefix(w, "거나") || strings.Contains(w, "하거나") || strings.HasPrefix(w, "나") || strings.HasPrefix(w, "이나") {
		limit = 2 * negWindow // "토하거나 어지럽진 않아요" denies both, "두통이나 다른 증상은 없었고" too
	}
	if hasAnyPrefix(w, "적도", "적은", "적이", "일은", "일도", "은마음", "는마음", "은생각", "는생각") {
		limit = 2 * negWindow // "쓰러진 적도 증상도 없었어요" denies the fall, "해치고 싶은 마음은 전혀 없어요" the wish
	}
	if n := utf8.RuneCountInString(w); n > limit {
		w = string([]rune(w)[:limit])
	}
	cut := len(w)
	// A later word with a topic particle starts its own predicate: in "입술이 살짝 부어
	// 숨은 괜찮아" the 괜찮아 is about 숨, not about the swelling.
	if k := topicWordAt(c, m.end, m.end+len(w), e.lex.boundNoun); k >= 0 {
		cut = k - m.end
	}
	// The clause markers of lexicon.tsv negstop end the scope of a denial: in "열은 없고
	// 기침이 나요" the 없 belongs to 열, and in "열나고 기침은 없어요" to 기침 only.
	for _, mk := range e.lex.negStop {
		// A marker right at the start is part of the symptom word ("열나고"), so it
		// cannot carry a negation before it; cut after it.
		if i := strings.Index(w, mk); i >= 0 && i+len(mk) < cut {
			cut = i + len(mk)
		}
	}
	w = w[:cut]
	for _, n := range e.lex.neg {
		if strings.Contains(w, n) {
			return true
		}
	}
	return false
}

// topicWordAt returns the start of the first word in c.s[from:to] (not the word holding
// from) that ends in the topic particle 은/는, or -1. Bound nouns (lexicon.tsv boundnoun:
// 것은, 적은, 정도는) keep the denial with what came before: "숨이 찬 것은 아니에요".
func topicWordAt(c compacted, from, to int, bound []string) int {
	for i := from + 1; i < to && i < len(c.s); i++ {
		if !c.wordStart[i] {
			continue
		}
		j := i + 1
		for j < len(c.s) && !c.wordStart[j] {
			j++
		}
		word := strings.TrimRight(c.s[i:j], ".,?!")
		if utf8.RuneCountInString(word) < 2 || !(strings.HasSuffix(word, "은") || strings.HasSuffix(word, "는")) {
			continue
		}
		if hasAnyPrefix(word, bound...) || strings.HasSuffix(word, "지는") || strings.HasSuffix(word, "기는") {
			continue
		}
		if hasAnyPrefix(c.s[j:], "건", "것", "거", "적", "일", "경우") {
			continue // a modifier before a bound noun, not a topic: "물이 새는 건 없어요"
		}
		return i
	}
	return -1
}

// containsAny reports whether s contains any of the terms and returns the first found.
func containsAny(s string, terms []string) (string, bool) {
	for _, t := range terms {
		if strings.Contains(s, t) {
			return t, true
		}
	}
	return "", false
}

// nativeMonthAge reads a baby's age in months written with a native numeral: "석 달 안 된
// 아기", "두 달 반 된", "태어난 지 두 달" (numerals from lexicon.tsv monthnumber). A month
// count counts as an age only after 태어난지 or 생후, or before 된/됐/짜리/아기, so that
// "두 달째 기침" stays a duration.
func nativeMonthAge(s string, numerals []wordCount) (int, bool) {
	for _, nn := range numerals {
		from := 0
		for {
			i := strings.Index(s[from:], nn.word+"달")
			if i < 0 {
				break
			}
			at := from + i
			before, rest := s[:at], s[at+len(nn.word+"달"):]
			from = at + len(nn.word+"달")
			days := nn.n * 30
			if r, ok := strings.CutPrefix(rest, "반"); ok {
				rest, days = r, days+15
			}
			switch {
			case hasAnyPrefix(rest, "안된", "도안된", "이안된", "미만"):
				return nn.n*30 - 1, true
			case hasAnyPrefix(rest, "된", "됐", "짜리", "아기", "애기") || strings.HasSuffix(before, "태어난지") || strings.HasSuffix(before, "생후"):
				return days, true
			}
		}
	}
	return 0, false
}

// sinceEvent reports whether the words before a count of days or weeks make it the time
// since something was done ("수술을 받은 지", "약을 먹은 지", "다친 지"), not since birth.
func sinceEvent(before string) bool {
	for _, w := range []string{"은지", "한지", "친지", "긴지", "된지", "난지", "린지"} {
		if strings.HasSuffix(before, w) && !strings.HasSuffix(before, "태어난지") {
			return true
		}
	}
	return false
}

// babyBefore reports whether the compact text just before a number ends in a baby word
// ("아기100일").
func babyBefore(before string) bool {
	return strings.HasSuffix(before, "아기") || strings.HasSuffix(before, "애기") || strings.HasSuffix(before, "신생아")
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// containsAffirmed reports whether s holds one of the cue words, not inside another word
// (lexicon.tsv notafter: 깔아주면 holds no 아주, 조심해야 no 심해) and not followed closely
// by a denial: "죽을 것 같은 정도는 아니고" is not extreme pain.
func (e *Engine) containsAffirmed(s string, cues []string) bool {
	for _, cue := range cues {
		from := 0
		for {
			i := strings.Index(s[from:], cue)
			if i < 0 {
				break
			}
			end := from + i + len(cue)
			if e.voidAfter(s, from+i) {
				from = end
				continue
			}
			after := []rune(s[end:])
			after = after[:min(len(after), 8)]
			if a := string(after); !strings.Contains(a, "아니") && !strings.Contains(a, "않") {
				return true
			}
			from = end
		}
	}
	return false
}

// number is a run of ASCII digits (with one optional decimal point) in the compact text.
type number struct {
	value      float64
	start, end int
}

// A number never runs across a word boundary: "SpO2 90" is 2 and 90, not 290.
func numbers(s string, wordStart []bool) []number {
	var out []number
	for i := 0; i < len(s); {
		if s[i] < '0' || s[i] > '9' {
			i++
			continue
		}
		j := i
		dot := false
		for j < len(s) && (j == i || j >= len(wordStart) || !wordStart[j] || s[j-1] == '.') && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' && !dot && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9') {
			if s[j] == '.' {
				dot = true
			}
			j++
		}
		if j-i <= 6 {
			if v, err := strconv.ParseFloat(s[i:j], 64); err == nil {
				out = append(out, number{v, i, j})
			}
		}
		i = j
	}
	return out
}

// facts are the non-symptom things read from the text.
type facts struct {
	patient  Patient
	temp     float64
	tempWord string
	tempAt   int // compact byte of the temperature's number
	duration string
	days     int // duration in days when known
	severe   bool
	extreme  bool
	sudden   bool
	// vitals read from numbers after a keyword ("맥박이 150", "혈당 500", "혈압이 200")
	pulse, sugar, bp float64
	bpSys            float64 // the first number after 혈압 ("혈압 80/50" → 80)
	spo2             float64 // 산소포화도 in %
	pain             float64 // a pain score out of 10 ("통증 점수 9점", "NRS 8", "8/10")
	lowTemp          float64 // the lowest body temperature under 36도
	vitalAt          []int   // compact bytes of the numbers read as vital signs
	mild             bool    // a word for slight ("경미한", "지혈됨")
	underCare        bool    // already seen or treated ("깁스", "진단받았")
}

// readFacts reads the patient, the temperature, vitals, the duration and the severity
// cues; the words for each come from lexicon.tsv (vital, durationunit, durationmark,
// durationword, agenumber, monthnumber, infantage, who, pregnant, severe, …).
func (e *Engine) readFacts(c compacted) facts { return e.readFactsSkip(c, nil) }

// readFactsSkip is readFacts reading no vital sign from the numbers at the compact bytes
// in skip.
func (e *Engine) readFactsSkip(c compacted, skip map[int]bool) facts {
	var f facts
	s := c.s
	for _, n := range numbers(s, c.wordStart) {
		rest := s[n.end:]
		before := s[max(0, n.start-21):n.start]
		// The vital sign named closest before the number is the one it measures.
		vi, vAt := -1, -1
		for k, v := range e.lex.vitals {
			if i := strings.LastIndex(before, v.key); i >= 0 && i+len(v.key) > vAt {
				vi, vAt = k, i+len(v.key)
			}
		}
		if hasAnyPrefix(rest, "세", "살", "대", "년", "개월", "주차", "주째", "주전", "시간", "분", "kg", "cm", "일째", "일전", "일간", "일동안") || skip[n.start] {
			vi = -1 // an age or a time ("혈압약 복용 문의 / 58세") is no reading, nor one told of the past
		}
		if vi >= 0 {
			f.vitalAt = append(f.vitalAt, n.start)
		}
		for k, v := range e.lex.vitals {
			if k == vi {
				switch v.kind {
				case "pulse":
					f.pulse = n.value
				case "sugar":
					f.sugar = n.value
				case "bp":
					f.bp = max(f.bp, n.value)
					if f.bpSys == 0 && n.value >= 30 && n.value <= 300 && !strings.Contains(s[max(0, n.start-1):n.start], "/") &&
						!strings.Contains(before, "평소") && !strings.Contains(before, "원래") {
						f.bpSys = n.value
					}
				case "spo2":
					if n.value >= 40 && n.value <= 100 {
						f.spo2 = n.value
					}
				case "pain":
					if n.value <= 10 && n.value == float64(int(n.value)) && (v.key != "통증은" || strings.HasPrefix(rest, "점")) {
						f.pain = max(f.pain, n.value)
					}
				}

			}
		}
		if strings.HasPrefix(rest, "일") && (strings.HasPrefix(rest, "일아기") || strings.HasPrefix(rest, "일짜리") || strings.HasPrefix(rest, "일된") ||
			strings.HasPrefix(rest, "일째아기") || strings.HasPrefix(rest, "일된아기") || strings.Contains(before, "생후")) && n.value <= 400 {
			f.patient.AgeDays = int(n.value)
			f.patient.Infant, f.patient.Child = true, true
			continue
		}
		if strings.HasPrefix(rest, "/10") && n.value <= 10 {
			f.pain = max(f.pain, n.value)
		}
		if (strings.HasPrefix(rest, "도") || strings.HasPrefix(rest, "c")) && n.value >= 30 && n.value < 36 && strings.Contains(before+rest[:min(len(rest), 4)], "체온") || strings.HasPrefix(rest, "도") && n.value >= 30 && n.value < 36 && strings.Contains(s[max(0, n.start-9):n.start], "체온") {
			if f.lowTemp == 0 || n.value < f.lowTemp {
				f.lowTemp = n.value
			}
		}
		if strings.HasPrefix(rest, "주") && !strings.HasPrefix(rest, "주차") && strings.Contains(before, "생후") && n.value <= 60 {
			f.patient.AgeDays = int(n.value) * 7
			f.patient.Infant, f.patient.Child = true, true
		}
		switch {
		case (strings.HasPrefix(rest, "도") || strings.HasPrefix(rest, "c")) && n.value >= 36 && n.value <= 43:
			if n.value > f.temp {
				f.temp, f.tempWord, f.tempAt = n.value, c.words(n.start, n.end+1), n.start
			}
		case strings.Contains(s[n.start:n.end], ".") && n.value >= 35 && n.value < 43 && !strings.ContainsAny(before, "맥혈당"):
			// "열 37.8" — a decimal in this range is a body temperature.
			if n.value > f.temp {
				f.temp, f.tempWord, f.tempAt = n.value, c.words(n.start, n.end), n.start
			}
		case (strings.HasPrefix(rest, "살") || strings.HasPrefix(rest, "세")) && n.value < 120 && n.value == float64(int(n.value)):
			f.patient.Age = int(n.value)
		case strings.HasPrefix(rest, "개월") && n.value < 48 && !strings.HasPrefix(rest, "개월째") && !strings.HasPrefix(rest, "개월전") &&
			!strings.HasPrefix(rest, "개월동안") && !strings.HasPrefix(rest, "개월넘") && !strings.HasPrefix(rest, "개월이상") && !strings.HasPrefix(rest, "개월정도") &&
			!hasAnyPrefix(rest, "개월마다", "개월후", "개월뒤", "개월만에", "개월간", "개월사이", "개월에한", "개월에두", "개월치"):
			f.patient.AgeMonths = int(n.value)
			f.patient.Child = true
			if n.value == 0 {
				f.patient.AgeDays = 20
			}
			// "3개월 안 된 아기", "3개월 미만" mean younger than that.
			for _, under := range []string{"개월안된", "개월도안된", "개월미만", "개월전아기", "개월이안된"} {
				if strings.HasPrefix(rest, under) {
					f.patient.AgeDays = int(n.value)*30 - 1
				}
			}
		case strings.HasPrefix(rest, "대") && n.value >= 10 && n.value <= 100 && int(n.value)%10 == 0:
			f.patient.Age = int(n.value)
		case strings.HasPrefix(rest, "주차") || strings.HasPrefix(rest, "주째") && strings.Contains(s, "임신"):
			f.patient.Pregnant = true
		}
		if (strings.HasPrefix(rest, "일된") || strings.HasPrefix(rest, "일됐") || strings.HasPrefix(rest, "일째된") || strings.HasPrefix(rest, "일밖에안된")) && n.value <= 400 && !sinceEvent(before) {
			f.patient.AgeDays = int(n.value)
			f.patient.Infant, f.patient.Child = true, true
		}
		// "100일 아기", "아기 100일 열 38.4": a day count right after a baby word is an
		// age, unless it reads as a duration ("아기 3일째 열").
		if strings.HasPrefix(rest, "일") && n.value <= 400 && babyBefore(before) && !hasAnyPrefix(rest, "일째", "일동안", "일전", "일넘", "일정도", "일간", "일이상") {
			f.patient.AgeDays = int(n.value)
			f.patient.Infant, f.patient.Child = true, true
		}
		// "수술을 받은 지 8주 된 45세" counts time since an event, not a baby's age.
		if (strings.HasPrefix(rest, "주된") || strings.HasPrefix(rest, "주됐") || strings.HasPrefix(rest, "주밖에안된")) && n.value <= 60 && !sinceEvent(before) {
			f.patient.AgeDays = int(n.value) * 7
			f.patient.Infant, f.patient.Child = true, true
		}
		if f.duration == "" {
			for _, u := range e.lex.durationUnits {
				if !strings.HasPrefix(rest, u.word) || strings.HasPrefix(rest, "일된") || strings.HasPrefix(rest, "개월된") || strings.HasPrefix(rest, "주된") {
					continue
				}
				after := rest[len(u.word):]
				window := after[:min(len(after), 12)]
				for _, mk := range e.lex.durationMarks {
					if i := strings.Index(window, mk); i >= 0 {
						f.duration = c.words(n.start, n.end+len(u.word)+i+len(mk))
						f.days = int(n.value) * u.n
						break
					}
				}
				break
			}
		}
	}
	if f.duration == "" {
		for _, d := range e.lex.durationWords {
			if i := strings.Index(s, d.word); i >= 0 {
				f.duration, f.days = c.words(i, i+len(d.word)), d.n
				break
			}
		}
	}
	if f.patient.Age == 0 {
		for _, nn := range e.lex.ageNumbers {
			if i := strings.Index(s, nn.word+"살"); i >= 0 {
				f.patient.Age = nn.n
				break
			}
		}
	}
	if f.patient.AgeDays == 0 && f.patient.AgeMonths == 0 {
		if days, ok := nativeMonthAge(s, e.lex.monthNumbers); ok {
			f.patient.AgeDays, f.patient.Infant, f.patient.Child = days, true, true
		}
	}
	for _, m := range e.lex.infantAges {
		if strings.Contains(s, m.word) {
			f.patient.AgeDays, f.patient.Infant, f.patient.Child = m.n, true, true
			break
		}
	}
	if strings.Contains(s, "신생아") {
		f.patient.Infant, f.patient.Child = true, true
		if f.patient.AgeDays == 0 && f.patient.AgeMonths == 0 {
			f.patient.AgeDays = 28
		}
	}
	whoText := s
	grown := false
	for _, x := range e.lex.notWho {
		whoText = strings.ReplaceAll(whoText, x, " ")
	}
	for _, w := range e.lex.who {
		if !strings.Contains(whoText, w.Word) {
			continue
		}
		if f.patient.Who == "" {
			f.patient.Who = w.Word
		}
		switch w.Kind {
		case "child":
			f.patient.Child = true
		case "infant":
			f.patient.Child, f.patient.Infant = true, true
		case "grown":
			grown = true
		case "adult", "elderly", "self":
			// Only the first who-word names the patient ("엄마인데 아이가 …" is about the child).
			if f.patient.Who == w.Word && f.patient.Age == 0 && !f.patient.Child && w.Kind == "elderly" {
				f.patient.Age = 70
			}
		}
	}
	if grown && f.patient.Age == 0 && f.patient.AgeMonths == 0 && f.patient.AgeDays == 0 {
		f.patient.Child, f.patient.Infant = false, false // "고등학생 아들", "성인이에요"
	}
	if f.patient.Age > 0 && f.patient.Age < 15 {
		f.patient.Child = true
	}
	if f.patient.Age >= 15 {
		f.patient.Child, f.patient.Infant = false, false
	}
	if f.patient.AgeMonths > 0 && f.patient.AgeMonths < 12 {
		f.patient.Infant, f.patient.Child = true, true
	}
	if _, ok := containsAny(s, e.lex.pregnant); ok {
		f.patient.Pregnant = true
	}
	f.severe = e.containsAffirmed(s, e.lex.severe)
	f.extreme = e.containsAffirmed(s, e.lex.extreme)
	f.sudden = e.containsAffirmed(s, e.lex.sudden)
	_, f.mild = containsAny(s, e.lex.mild)
	_, f.underCare = containsAny(s, e.lex.underCare)
	if f.extreme {
		f.severe = true
	}
	return f
}

// under3Months reports whether the patient is an infant younger than three months
// (100 days), the age at which any fever needs an emergency room.
func (p Patient) under3Months() bool {
	switch {
	case p.AgeDays > 0:
		return p.AgeDays <= 100
	case p.AgeMonths > 0:
		return p.AgeMonths < 3
	}
	return false
}
