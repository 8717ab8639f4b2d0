package triage

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestBlindSets reports the engine on testdata/blind, sets written apart from the corpus
// and the rules (see its README). It asserts nothing about accuracy: a number that is
// tuned against stops measuring anything.
func TestBlindSets(t *testing.T) {
	e := newTestEngine(t)
	for _, name := range []string{"short.tsv", "online.tsv", "ktas.tsv"} {
		f, err := os.Open(filepath.Join("testdata", "blind", name))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := ReadLabelled(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(rows) < 250 {
			t.Fatalf("%s: %d rows, want the whole set", name, len(rows))
		}
		rep := e.Report(rows)
		t.Logf("blind %-10s rows=%d top1=%s top3=%s emergency_recall=%s over_triage=%s ktas3_as_emergency=%s", name, rep.Rows,
			ratio(rep.Top1, rep.DeptN), ratio(rep.Top3, rep.DeptN), ratio(rep.EmergencyHit, rep.EmergencyN),
			ratio(rep.CalmFlagged, rep.CalmN), ratio(rep.KTAS3Hit, rep.KTAS3N))
	}
}

func ratio(a, n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f(%d/%d)", float64(a)/float64(n), a, n)
}
