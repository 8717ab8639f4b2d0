package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTriageEval(t *testing.T) {
	file := filepath.Join(t.TempDir(), "set.tsv")
	rows := "# a clinic's own set\n내과\t배가 아프고 설사를 해요\nemergency:119\t가슴이 쥐어짜듯 아프고 식은땀이 나요\nktas:5\t감기 기운이 있어요\n"
	if err := os.WriteFile(file, []byte(rows), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, nil, "triage", "eval", file)
	if err != nil {
		t.Fatalf("triage eval: %v", err)
	}
	for _, want := range []string{"rows: 3", "department top-1:", "department top-3:", "emergency recall: 100.0% (1/1)", "over-triage", "recall per department"} {
		if !strings.Contains(out, want) {
			t.Errorf("triage eval output lacks %q:\n%s", want, out)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.tsv")
	if err := os.WriteFile(bad, []byte("내과 탭이 없어요\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, nil, "triage", "eval", bad); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("triage eval of a malformed file: %v, want an error naming line 1", err)
	}
	if _, _, err := runCmd(t, nil, "triage", "eval"); err == nil {
		t.Error("triage eval without a file: nil error, want a usage error")
	}
}

func TestTriageCVUsage(t *testing.T) {
	for _, args := range [][]string{{"triage", "cv", "-k", "1"}, {"triage", "cv", "extra"}} {
		if _, _, err := runCmd(t, nil, args...); err == nil {
			t.Errorf("%v: nil error, want a usage error", args)
		}
	}
}
