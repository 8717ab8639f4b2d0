package heydoctor

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
)

// Department is a canonical 진료과. Code is the NMC D-code (D001 내과), which HeyDoctor
// uses as the department's identity everywhere; HIRACode is HIRA's dgsbjtCd and
// GyeonggiCode the code in 경기데이터드림 TREAT_SBJECT_CONT.
type Department struct {
	Code         string   `json:"code"`
	Name         string   `json:"name"`
	HIRACode     string   `json:"hira_code,omitempty"`
	GyeonggiCode string   `json:"-"`
	Aliases      []string `json:"aliases,omitempty"`
}

//go:embed departments.tsv
var departmentsTSV string

var departments = sync.OnceValues(func() ([]Department, map[string]int) {
	var list []Department
	index := make(map[string]int)
	for line := range strings.Lines(departmentsTSV) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		for len(f) < 5 {
			f = append(f, "")
		}
		d := Department{Code: f[0], Name: f[1], HIRACode: f[2], GyeonggiCode: f[3]}
		for a := range strings.SplitSeq(f[4], ",") {
			if a = strings.TrimSpace(a); a != "" {
				d.Aliases = append(d.Aliases, a)
			}
		}
		i := len(list)
		list = append(list, d)
		for _, key := range append([]string{d.Code, d.Name}, d.Aliases...) {
			index[departmentKey(key)] = i
		}
	}
	return list, index
})

// departmentKey folds case and drops spaces and brackets so that "비뇨의학과 ", "(비뇨기과)"
// and "Urology" all find their department.
func departmentKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsSpace(r) || strings.ContainsRune("()[]·.", r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Departments returns the canonical departments in code order. The slice is shared: do not modify it.
func Departments() []Department {
	list, _ := departments()
	return list
}

// LookupDepartment finds a department by D-code, canonical name or alias.
func LookupDepartment(nameOrCode string) (Department, bool) {
	list, index := departments()
	i, ok := index[departmentKey(nameOrCode)]
	if !ok {
		return Department{}, false
	}
	return list[i], true
}

// LookupDepartmentBy finds a department by one of its source codes: "hira" or "gyeonggi".
func LookupDepartmentBy(source, code string) (Department, bool) {
	code = strings.TrimSpace(code)
	for _, d := range Departments() {
		switch {
		case source == "hira" && d.HIRACode != "" && d.HIRACode == code,
			source == "gyeonggi" && d.GyeonggiCode != "" && d.GyeonggiCode == code:
			return d, true
		}
	}
	return Department{}, false
}

// ParseDepartments maps a free-text department list such as "내과, 소아과,내과 ,보건(의료원)소"
// to canonical D-codes, deduplicated, in first-seen order. Tokens that are not departments
// are returned separately so that importers can report them.
func ParseDepartments(text string) (codes []string, unknown []string) {
	seen := make(map[string]bool)
	for tok := range strings.FieldsFuncSeq(text, func(r rune) bool { return r == ',' || r == '/' || r == '\n' || r == '|' }) {
		tok = strings.TrimSpace(tok)
		if tok == "" {
			continue
		}
		d, ok := LookupDepartment(tok)
		if !ok {
			unknown = append(unknown, tok)
			continue
		}
		if !seen[d.Code] {
			seen[d.Code] = true
			codes = append(codes, d.Code)
		}
	}
	return codes, unknown
}
