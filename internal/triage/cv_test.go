package triage

import (
	"reflect"
	"testing"
)

// TestCrossValidate runs the cross-validation on a tenth of the train split: every row
// is analysed exactly once, by a model that did not train on it, and the same rows give
// the same reports.
func TestCrossValidate(t *testing.T) {
	e := newTestEngine(t)
	full := e.newCV(3, nil)
	cv := &cvData{e: e, k: 3}
	for i := 0; i < len(full.rows); i += 10 {
		cv.rows = append(cv.rows, full.rows[i])
		cv.reg = append(cv.reg, full.reg[i])
		cv.fold = append(cv.fold, full.fold[i])
		cv.rds = append(cv.rds, full.rds[i])
		if InTestSplit(full.rows[i].Text) {
			t.Fatalf("dev row in the cross-validation: %s", full.rows[i].Text)
		}
	}
	reps := cv.run(defaultModel)
	var all Report
	all.PerDept, all.Confusions = map[string][2]int{}, map[[2]string]int{}
	for _, rep := range reps {
		all.add(rep)
	}
	if all.Rows != len(cv.rows) {
		t.Errorf("%d rows analysed, want %d", all.Rows, len(cv.rows))
	}
	for _, reg := range []string{"corpus", "online", "clinical"} {
		if reps[reg].Rows == 0 {
			t.Errorf("no %s rows in the report", reg)
		}
	}
	t.Log("all: " + all.Summary())
	if got := float64(all.Top1) / float64(all.DeptN); got < 0.5 {
		t.Errorf("cross-validated top-1 on a tenth of the rows = %.3f, want ≥ 0.5", got)
	}
	if again := cv.run(defaultModel); !reflect.DeepEqual(again, reps) {
		t.Error("a second run on the same rows gave other reports")
	}
}
