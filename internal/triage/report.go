package triage

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"heydoctor"
)

// maxEvalLine bounds one row of an evaluation file.
const maxEvalLine = 16 << 10

// ReadLabelled reads "LABEL<TAB>TEXT" rows for an evaluation: LABEL is dept:NAME (or a
// bare department name), emergency:119|er|crisis, or ktas:1–5 (1–2 must be answered as
// an emergency, 4–5 must not; 3 is reported apart). Blank lines and lines starting with #
// are skipped; a malformed row is an error naming its line.
func ReadLabelled(r io.Reader) ([]Example, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxEvalLine)
	var out []Example
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !utf8.ValidString(line) {
			return nil, fmt.Errorf("line %d: not valid UTF-8", n)
		}
		label, text, ok := strings.Cut(line, "\t")
		label, text = strings.TrimSpace(label), strings.TrimSpace(text)
		if !ok || text == "" {
			return nil, fmt.Errorf("line %d: want LABEL<TAB>TEXT", n)
		}
		if d, ok := departmentLabel(label); ok {
			label = "dept:" + d
		}
		if kt, ok := strings.CutPrefix(label, "ktas:"); ok {
			if len(kt) != 1 || kt[0] < '1' || kt[0] > '5' {
				return nil, fmt.Errorf("line %d: label %q, want ktas:1 to ktas:5", n, label)
			}
		} else if err := checkLabel(label, nil); err != nil || strings.HasPrefix(label, "info:") {
			return nil, fmt.Errorf("line %d: label %q, want dept:NAME, emergency:119|er|crisis or ktas:1–5", n, label)
		}
		out = append(out, Example{Label: label, Text: text})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", n+1, err)
	}
	return out, nil
}

// departmentLabel accepts "내과", "소아과" or "dept:소아과" and returns the canonical name.
func departmentLabel(label string) (string, bool) {
	name := strings.TrimPrefix(label, "dept:")
	if strings.Contains(name, ":") {
		return "", false
	}
	d, ok := heydoctor.LookupDepartment(name)
	return d.Name, ok
}

// Report is what `heydoctor triage eval` prints: department top-1/top-3 with recall per
// department and the most common confusions, emergency recall and over-triage.
type Report struct {
	Rows         int
	DeptN        int
	Top1, Top3   int
	PerDept      map[string][2]int // wanted department → {right at top-1, rows}
	Confusions   map[[2]string]int // {wanted, given first} → rows
	EmergencyN   int               // emergency:* and ktas:1–2 rows
	EmergencyHit int
	CalmN        int // dept:* and ktas:4–5 rows
	CalmFlagged  int // of those, answered as an emergency
	KTAS3N       int
	KTAS3Hit     int
}

// Report returns the report for the labelled rows. Department accuracy uses
// top_departments, so an emergency answer still counts its department ranking.
func (e *Engine) Report(rows []Example) Report {
	rep := Report{PerDept: make(map[string][2]int), Confusions: make(map[[2]string]int)}
	for _, row := range rows {
		rep.Rows++
		r := e.Analyze(row.Text)
		emergency := r.Level.IsEmergency()
		kind, arg, _ := strings.Cut(row.Label, ":")
		switch {
		case kind == "emergency" || kind == "ktas" && arg <= "2":
			rep.EmergencyN++
			if emergency {
				rep.EmergencyHit++
			}
		case kind == "ktas" && arg == "3":
			rep.KTAS3N++
			if emergency {
				rep.KTAS3Hit++
			}
		default:
			rep.CalmN++
			if emergency {
				rep.CalmFlagged++
			}
		}
		if kind != "dept" {
			continue
		}
		rep.DeptN++
		got := ""
		if len(r.TopDepartments) > 0 {
			got = r.TopDepartments[0].Name
		}
		pd := rep.PerDept[arg]
		pd[1]++
		if got == arg {
			rep.Top1++
			pd[0]++
		} else {
			rep.Confusions[[2]string{arg, got}]++
		}
		rep.PerDept[arg] = pd
		if slices.ContainsFunc(r.TopDepartments, func(d Ranked) bool { return d.Name == arg }) {
			rep.Top3++
		}
	}
	return rep
}

// String formats the report for a terminal.
func (rep Report) String() string {
	var b strings.Builder
	pct := func(a, n int) string {
		if n == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f%% (%d/%d)", 100*float64(a)/float64(n), a, n)
	}
	fmt.Fprintf(&b, "rows: %d\n", rep.Rows)
	fmt.Fprintf(&b, "department top-1: %s\n", pct(rep.Top1, rep.DeptN))
	fmt.Fprintf(&b, "department top-3: %s\n", pct(rep.Top3, rep.DeptN))
	fmt.Fprintf(&b, "emergency recall: %s\n", pct(rep.EmergencyHit, rep.EmergencyN))
	fmt.Fprintf(&b, "over-triage (non-emergency answered as emergency): %s\n", pct(rep.CalmFlagged, rep.CalmN))
	if rep.KTAS3N > 0 {
		fmt.Fprintf(&b, "KTAS 3 answered as emergency: %s\n", pct(rep.KTAS3Hit, rep.KTAS3N))
	}
	if len(rep.PerDept) > 0 {
		b.WriteString("\nrecall per department (top-1):\n")
		names := make([]string, 0, len(rep.PerDept))
		for d := range rep.PerDept {
			names = append(names, d)
		}
		sort.Strings(names)
		for _, d := range names {
			fmt.Fprintf(&b, "  %s %s\n", d, pct(rep.PerDept[d][0], rep.PerDept[d][1]))
		}
	}
	if len(rep.Confusions) > 0 {
		type pair struct {
			k [2]string
			n int
		}
		var ps []pair
		for k, n := range rep.Confusions {
			ps = append(ps, pair{k, n})
		}
		sort.Slice(ps, func(i, j int) bool {
			if ps[i].n != ps[j].n {
				return ps[i].n > ps[j].n
			}
			return ps[i].k[0]+ps[i].k[1] < ps[j].k[0]+ps[j].k[1]
		})
		b.WriteString("\nconfusions (wanted → given first):\n")
		for i, p := range ps {
			if i == 20 {
				break
			}
			got := p.k[1]
			if got == "" {
				got = "(none)"
			}
			fmt.Fprintf(&b, "  %s → %s: %d\n", p.k[0], got, p.n)
		}
	}
	return b.String()
}
