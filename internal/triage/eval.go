package triage

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Eval is the engine's accuracy on a labelled set; the test guards it and a CLI can
// print it.
type Eval struct {
	N int // rows evaluated

	DeptN    int // rows labelled dept:X, plus info:X rows counted by their condition's first department
	Top1     int // X is the first department
	Top3     int // X is among the first three
	IntentN  int
	IntentOK int

	EmergencyN      int // rows labelled emergency:*
	EmergencyHit    int // of those, results at an emergency level
	CrisisN         int
	CrisisHit       int // emergency:crisis rows that got a crisis red flag
	FalseEmergency  int // non-emergency rows that got an emergency level
	InfoN           int
	InfoConditionOK int // info:X rows whose Condition is X

	// Confusion counts, for dept rows, the first department given per wanted department.
	Confusion map[string]map[string]int
	// Misses lists a few wrong rows for debugging: "label → got: text".
	Misses []string
}

// Top1Rate and the other rates return 0 for an empty denominator.
func (ev Eval) Top1Rate() float64          { return rate(ev.Top1, ev.DeptN) }
func (ev Eval) Top3Rate() float64          { return rate(ev.Top3, ev.DeptN) }
func (ev Eval) IntentRate() float64        { return rate(ev.IntentOK, ev.IntentN) }
func (ev Eval) EmergencyRecall() float64   { return rate(ev.EmergencyHit, ev.EmergencyN) }
func (ev Eval) InfoConditionRate() float64 { return rate(ev.InfoConditionOK, ev.InfoN) }

func rate(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// String is the one-line summary the test logs.
func (ev Eval) String() string {
	return fmt.Sprintf("n=%d top1=%.3f top3=%.3f (dept n=%d) intent=%.3f (n=%d) emergency_recall=%.3f (n=%d) crisis=%d/%d false_emergency=%d info_condition=%.3f (n=%d)",
		ev.N, ev.Top1Rate(), ev.Top3Rate(), ev.DeptN, ev.IntentRate(), ev.IntentN,
		ev.EmergencyRecall(), ev.EmergencyN, ev.CrisisHit, ev.CrisisN, ev.FalseEmergency, ev.InfoConditionRate(), ev.InfoN)
}

// Short is the one-line department and emergency summary for a register.
func (ev Eval) Short() string {
	return fmt.Sprintf("n=%d top1=%.3f top3=%.3f (dept n=%d) emergency_recall=%.3f (n=%d) over_triage=%.3f (%d/%d)",
		ev.N, ev.Top1Rate(), ev.Top3Rate(), ev.DeptN, ev.EmergencyRecall(), ev.EmergencyN,
		rate(ev.FalseEmergency, ev.N-ev.EmergencyN), ev.FalseEmergency, ev.N-ev.EmergencyN)
}

// ConfusionSummary lists, per wanted department, how often each department came first.
func (ev Eval) ConfusionSummary() string {
	var want []string
	for w := range ev.Confusion {
		want = append(want, w)
	}
	sort.Strings(want)
	var b strings.Builder
	for _, w := range want {
		var got []string
		total, ok := 0, 0
		for g, n := range ev.Confusion[w] {
			total += n
			if g == w {
				ok = n
			} else {
				got = append(got, fmt.Sprintf("%s×%d", g, n))
			}
		}
		sort.Strings(got)
		fmt.Fprintf(&b, "%s %d/%d", w, ok, total)
		if len(got) > 0 {
			fmt.Fprintf(&b, " (else %s)", strings.Join(got, " "))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// intentOf maps a corpus label to the intent the engine should give.
func intentOf(label string) Intent {
	kind, _, _ := strings.Cut(label, ":")
	switch kind {
	case "dept":
		return IntentSymptom
	case "info":
		return IntentDiseaseInfo
	case "emergency":
		return IntentEmergency
	}
	return Intent(kind)
}

// Evaluate analyses every row and scores it against its label. Department accuracy
// uses dept:X rows and info:X rows (by the condition's departments, as the product's
// held-out set labels questions about a condition with a department).
func (e *Engine) Evaluate(rows []Example) Eval {
	ev := Eval{Confusion: make(map[string]map[string]int)}
	for _, row := range rows {
		ev.N++
		r := e.Analyze(row.Text)
		kind, arg, _ := strings.Cut(row.Label, ":")
		wantIntent := intentOf(row.Label)
		ev.IntentN++
		okIntent := r.Intent == wantIntent
		if okIntent {
			ev.IntentOK++
		}
		got := ""
		if len(r.Departments) > 0 {
			got = r.Departments[0].Name
		}
		wantDept := ""
		switch kind {
		case "dept":
			wantDept = arg
		case "info":
			ev.InfoN++
			if r.Condition != nil && r.Condition.Name == arg {
				ev.InfoConditionOK++
			}
		case "emergency":
			ev.EmergencyN++
			if r.Level.IsEmergency() {
				ev.EmergencyHit++
			}
			if arg == "crisis" {
				ev.CrisisN++
				if r.Crisis {
					ev.CrisisHit++
				}
			}
		}
		if kind != "emergency" && r.Level.IsEmergency() {
			ev.FalseEmergency++
		}
		if wantDept != "" {
			ev.DeptN++
			if ev.Confusion[wantDept] == nil {
				ev.Confusion[wantDept] = make(map[string]int)
			}
			ev.Confusion[wantDept][got]++
			if got == wantDept {
				ev.Top1++
			}
			if slices.ContainsFunc(r.Departments, func(d Recommendation) bool { return d.Name == wantDept }) {
				ev.Top3++
			}
		}
		wrong := !okIntent || (wantDept != "" && got != wantDept) || (kind == "emergency" && !r.Level.IsEmergency())
		if wrong {
			ev.Misses = append(ev.Misses, fmt.Sprintf("%s → %s/%s/%s: %s", row.Label, r.Intent, r.Level, got, row.Text))
		}
	}
	return ev
}
