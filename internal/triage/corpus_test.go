package triage

import (
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
)

// newTestEngine returns one engine shared by the package's tests: it is immutable and
// safe for concurrent use, and training its model once keeps the suite quick under -race.
func newTestEngine(tb testing.TB) *Engine {
	tb.Helper()
	testEngineOnce.Do(func() { testEngine, testEngineErr = New() })
	if testEngineErr != nil {
		tb.Fatalf("New: %v", testEngineErr)
	}
	return testEngine
}

var (
	testEngineOnce sync.Once
	testEngine     *Engine
	testEngineErr  error
)

// TestCorpus guards the accuracy on the test split of the embedded corpus.
func TestCorpus(t *testing.T) {
	e := newTestEngine(t)
	_, test := e.Corpus()
	ev := e.Evaluate(test)
	t.Log("test split: " + ev.String())
	t.Log("confusion (wanted dept: right/total, else first given):\n" + ev.ConfusionSummary())
	if testing.Verbose() {
		t.Log("misses:\n" + strings.Join(ev.Misses, "\n"))
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		// Guards sit a little under the numbers reached (0.82, 0.98, 0.98, 1.00 on
		// 2026-12-01) so that new corpus lines do not fail the build for noise. This split
		// was written by the same hands as the lexicon and the blend share was chosen on
		// it, so it measures memory; the register dev split is the honest number.
		{"top-1 department accuracy", ev.Top1Rate(), 0.78},
		{"top-3 department accuracy", ev.Top3Rate(), 0.95},
		{"intent accuracy", ev.IntentRate(), 0.94},
		{"emergency recall", ev.EmergencyRecall(), 0.98},
		{"crisis rows with crisis lines", rate(ev.CrisisHit, ev.CrisisN), 1},
		{"non-emergency rows kept out of emergency", 1 - rate(ev.FalseEmergency, ev.N-ev.EmergencyN), 0.98},
	}
	for _, c := range checks {
		if c.got < c.want {
			t.Errorf("%s = %.3f, want ≥ %.2f", c.name, c.got, c.want)
		}
	}
}

// TestHeldoutStyle reports top-1 on short messages written apart from the corpus, in
// the style of the real held-out set (내과, 이비인후과, 소아청소년과, 정형외과, greetings).
func TestHeldoutStyle(t *testing.T) {
	e := newTestEngine(t)
	rows, err := loadCorpus(os.DirFS("testdata"), "heldout_style.tsv", nil)
	if err != nil {
		t.Fatal(err)
	}
	var ok int
	var misses []string
	for _, row := range rows {
		r := e.Analyze(row.Text)
		var hit bool
		if dept, isDept := strings.CutPrefix(row.Label, "dept:"); isDept {
			hit = len(r.Departments) > 0 && r.Departments[0].Name == dept
		} else {
			hit = string(r.Intent) == row.Label
		}
		if hit {
			ok++
		} else {
			got := string(r.Intent)
			if len(r.Departments) > 0 {
				got += "/" + r.Departments[0].Name
			}
			misses = append(misses, row.Label+" → "+got+": "+row.Text)
		}
	}
	top1 := float64(ok) / float64(len(rows))
	t.Logf("held-out style: top-1 %.3f (%d/%d)", top1, ok, len(rows))
	if testing.Verbose() {
		t.Log("misses:\n" + strings.Join(misses, "\n"))
	}
	if top1 < 0.9 {
		t.Errorf("held-out style top-1 = %.3f, want ≥ 0.90", top1)
	}
}

// TestCorpusRegisters reports top-1/top-3, emergency recall and over-triage on the dev
// split of every register corpus, and per department over all registers. The dev split
// is never used to tune the engine; see Registers.
func TestCorpusRegisters(t *testing.T) {
	e := newTestEngine(t)
	_, dev := e.Registers()
	var all []Example
	for _, reg := range slices.Sorted(maps.Keys(dev)) {
		ev := e.Evaluate(dev[reg])
		t.Logf("dev split: %-8s %s", reg, ev.Short())
		all = append(all, dev[reg]...)
	}
	ev := e.Evaluate(all)
	t.Logf("dev split: %-8s %s", "all", ev.Short())
	// Guards well under the numbers reached on 2026-12-01 (top-1 0.82, top-3 0.91 on
	// shown departments, emergency recall 0.87, over-triage 0.043) so that new corpus lines
	// do not fail the build for noise, while a real regression does.
	checks := []struct {
		name      string
		got, want float64
	}{
		{"dev top-1", ev.Top1Rate(), 0.75},
		{"dev top-3", ev.Top3Rate(), 0.85},
		{"dev emergency recall", ev.EmergencyRecall(), 0.80},
		{"dev non-emergency rows kept out of emergency", 1 - rate(ev.FalseEmergency, ev.N-ev.EmergencyN), 0.92},
	}
	for _, c := range checks {
		if len(all) > 500 && c.got < c.want {
			t.Errorf("%s = %.3f, want ≥ %.2f", c.name, c.got, c.want)
		}
	}
	t.Log("dev per department (wanted: right/total, else first given):\n" + ev.ConfusionSummary())
	if testing.Verbose() && os.Getenv("TRIAGE_MISSES") != "" {
		t.Log("misses:\n" + strings.Join(ev.Misses, "\n"))
	}
}
