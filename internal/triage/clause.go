package triage

import (
	"strings"
	"unicode/utf8"
)

// clause is one stretch of the compact text between clause boundaries (punctuation, or a
// word ending in a connective such as -는데, -지만, -고), with what its words say about
// the symptoms inside it. A symptom in a worried, hypothetical or past clause still
// counts towards the department, but never fires a red flag: "뇌졸중일까 봐 걱정돼요",
// "작년에 쓰러진 적이 있는데 지금은 괜찮아요".
type clause struct {
	start, end int
	worry      bool   // a worry, a question about a disease or a hypothetical
	past       bool   // history: 예전에, 작년에, -ㄴ 적이 있다, -었었다; or a habit: 가끔, 생각만 해도
	who        string // "child" or "other" when the clause names whose symptom it is
	current    int    // symptoms reported in it as happening now
	resolved   bool   // a later clause says it is over ("지금은 괜찮아요")
}

// splitClauses cuts the compact text into clauses. bound[i] is true where a new clause
// starts at compact byte i (i > 0).
func (e *Engine) splitClauses(c compacted) ([]clause, []bool) {
	s := c.s
	bound := make([]bool, len(s)+1)
	var out []clause
	start := 0
	cut := func(at int) {
		if at > start {
			out = append(out, clause{start: start, end: at})
			bound[at] = true
			start = at
		}
	}
	wordAt := 0
	for i := 0; i < len(s); i++ {
		if c.wordStart[i] {
			wordAt = i
		}
		if isPunct(s[i]) {
			j := i
			for j+1 < len(s) && isPunct(s[j+1]) {
				j++
			}
			cut(j + 1)
			i = j
			continue
		}
		// At the end of a word, see whether it ends its clause.
		if i+1 < len(s) && c.wordStart[i+1] && !isPunct(s[i+1]) && e.endsClause(s[wordAt:i+1]) && !e.auxNext(s[i+1:]) {
			cut(i + 1)
		}
	}
	if start < len(s) {
		out = append(out, clause{start: start, end: len(s)})
	}
	// History runs on through the rest of its sentence ("2년 전 지하철에서 숨이 안
	// 쉬어져서 응급실에 갔는데") until a clause speaks of now; a clause saying it is over
	// ("지금은 괜찮아요", "금방 깨어났고") makes every clause before it history.
	carry, habitCarry := false, false
	for k := range out {
		cl := &out[k]
		text := s[cl.start:cl.end]
		_, cl.worry = e.lex.worrySet.find(text)
		_, cl.past = e.lex.pastSet.find(text)
		cl.past = cl.past || pluperfect(text)
		cl.who = e.clauseWho(text)
		_, now := e.lex.nowSet.find(text)
		if _, ok := e.lex.pastBackSet.find(text); ok {
			// "숨이 차서 입원한 적도 있어요": the experience covers the clauses before it.
			for j := k - 1; j >= 0 && !isPunct(s[out[j].end-1]); j-- {
				if _, jnow := e.lex.nowSet.find(s[out[j].start:out[j].end]); !jnow {
					out[j].past = true
				}
			}
		}
		switch {
		case cl.past:
			carry = true
		case now:
			carry = false
		case carry:
			cl.past = true
		}
		// A complaint that comes now and then or in one situation ("가끔 두근거려요",
		// "출근 생각만 해도 숨이 막혀요") is a pattern to see a doctor about, not an
		// emergency now: it counts like history, for this clause and the rest of its
		// sentence until one speaks of now ("밤마다 코를 골다가 조용해지고 숨을 몰아쉬어요").
		_, habit := e.lex.habitSet.find(text)
		switch {
		case habit:
			habitCarry = true
		case now:
			habitCarry = false
		}
		if habit || habitCarry {
			cl.past = true
		}
		// What one read or was told, or what could happen, is no event now.
		if _, ok := e.lex.hearsaySet.find(text); ok {
			cl.past = true
		}
		if _, ok := e.lex.resolvedSet.find(text); ok && !cl.past {
			// "예전에는 이 정도면 가라앉았는데 오늘은 달라요" tells of old episodes, not of now.
			for j := 0; j <= k; j++ {
				out[j].resolved = true
			}
		}
		if isPunct(s[cl.end-1]) {
			carry, habitCarry = false, false
		}
	}
	// A supposition ("만약 밤에 열이 오르고 경련을 하면 119를 불러야 하나요") makes its
	// whole sentence a hypothetical.
	for k := range out {
		if _, ok := e.lex.supposeSet.find(s[out[k].start:out[k].end]); !ok {
			continue
		}
		for j := k; j >= 0 && (j == k || !isPunct(s[out[j].end-1])); j-- {
			out[j].worry = true
		}
		for j := k; j < len(out) && (j == k || !isPunct(s[out[j-1].end-1])); j++ {
			out[j].worry = true
		}
	}
	return out, bound
}

// endsClause reports whether a word ends its clause: "아픈데", "있지만", "아프고" (but
// not the nouns "사고", "최고" listed as clausekeep).
func (e *Engine) endsClause(word string) bool {
	word = strings.TrimRight(word, ".,?!")
	if utf8.RuneCountInString(word) < 2 {
		return false
	}
	for _, k := range e.lex.clauseKeep {
		if strings.HasSuffix(word, k) {
			return false
		}
	}
	for _, end := range e.lex.clauseEnd {
		if strings.HasSuffix(word, end) {
			return true
		}
	}
	return false
}

// clauseWho names whose symptom the clause reports, from a person word with a subject
// or topic particle ("아이가", "어머니가", "남편은").
func (e *Engine) clauseWho(text string) string {
	for _, w := range e.lex.subject {
		if strings.Contains(text, w.Word) {
			return w.Kind
		}
	}
	return ""
}

// clauseAt returns the clause holding compact byte i.
func clauseAt(cls []clause, i int) *clause {
	for k := range cls {
		if i >= cls[k].start && i < cls[k].end {
			return &cls[k]
		}
	}
	return nil
}

// auxNext reports whether the next word is an auxiliary that keeps the clause going:
// "먹고 있어요", "죽고 싶어요", "아파서 죽겠어요".
func (e *Engine) auxNext(rest string) bool {
	for _, a := range e.lex.aux {
		if strings.HasPrefix(rest, a) {
			return true
		}
	}
	return false
}

// pluperfect reports whether the text holds a past-perfect ending: a syllable with the
// final consonant ㅆ (other than 있) followed by 었/았/였 ("불렀었죠", "다쳤었어요",
// "가셨었는데"): it tells of something over, whatever the verb.
func pluperfect(s string) bool {
	prev := rune(0)
	for _, r := range s {
		if (r == '었' || r == '았' || r == '였') && prev != '있' && openSyllable(prev-20) && prev >= hangulBase {
			return true
		}
		prev = r
	}
	return false
}
