package triage

import (
	"fmt"
	"hash/fnv"
	"maps"
	"runtime"
	"slices"
	"sync"
)

// CrossValidate measures the department model by k-fold cross-validation on the train
// splits of the corpora (corpus.tsv and every register): each fold is analysed by an
// engine whose model was trained, as the embedded one is, on the other folds. The dev
// splits take no part, so settings can be chosen on these numbers and the dev split
// still measures them honestly. The reports are by register ("corpus" for corpus.tsv).
func (e *Engine) CrossValidate(k int) map[string]Report {
	cv := e.newCV(k, nil)
	return cv.run(defaultModel)
}

// cvData is the train split read once, to cross-validate several settings.
type cvData struct {
	e     *Engine
	k     int
	rows  []Example // as labelled, for the reports
	reg   []string  // register of each row
	fold  []int
	rds   []reading
	extra []Example // rows only ever trained on
	xrds  []reading
}

func (e *Engine) newCV(k int, extra []Example) *cvData {
	cv := &cvData{e: e, k: k, extra: classLabels(extra)}
	add := func(reg string, rows []Example) {
		for _, ex := range rows {
			cv.rows = append(cv.rows, ex)
			cv.reg = append(cv.reg, reg)
			cv.fold = append(cv.fold, cvFold(ex.Text, k))
		}
	}
	add("corpus", e.train)
	for _, reg := range slices.Sorted(maps.Keys(e.regTrain)) {
		add(reg, e.regTrain[reg])
	}
	cv.rds = e.readRows(cv.rows)
	cv.xrds = e.readRows(cv.extra)
	return cv
}

// cvFold is a train row's fold: FNV-1a-32 of the text, past the part that picks the
// dev split, modulo k.
func cvFold(text string, k int) int {
	h := fnv.New32a()
	h.Write([]byte(text))
	return int(h.Sum32()/5) % k
}

// run trains one model per fold with cfg and returns the reports of the held-out rows
// by register, the folds run on GOMAXPROCS cores.
func (cv *cvData) run(cfg modelConfig) map[string]Report {
	e := cv.e
	all := e.trainRows(classLabels(cv.rows), cv.rds, &cfg)
	extra := e.trainRows(cv.extra, cv.xrds, &cfg)
	reports := make([]map[string]Report, cv.k)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for f := range cv.k {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			var train []trainRow
			held := make(map[string][]Example)
			for i, r := range all {
				if cv.fold[i] == f {
					held[cv.reg[i]] = append(held[cv.reg[i]], cv.rows[i])
				} else {
					train = append(train, r)
				}
			}
			fe := *e
			fe.model = fitModel(append(train, extra...), cfg)
			reports[f] = make(map[string]Report)
			for reg, rows := range held {
				reports[f][reg] = fe.Report(rows)
			}
		})
	}
	wg.Wait()
	out := make(map[string]Report)
	for _, byReg := range reports {
		for reg, rep := range byReg {
			acc, ok := out[reg]
			if !ok {
				acc = Report{PerDept: make(map[string][2]int), Confusions: make(map[[2]string]int)}
			}
			acc.add(rep)
			out[reg] = acc
		}
	}
	return out
}

// add adds the counts of o to rep.
func (rep *Report) add(o Report) {
	rep.Rows += o.Rows
	rep.DeptN += o.DeptN
	rep.Top1 += o.Top1
	rep.Top3 += o.Top3
	rep.EmergencyN += o.EmergencyN
	rep.EmergencyHit += o.EmergencyHit
	rep.CalmN += o.CalmN
	rep.CalmFlagged += o.CalmFlagged
	rep.KTAS3N += o.KTAS3N
	rep.KTAS3Hit += o.KTAS3Hit
	for d, v := range o.PerDept {
		pd := rep.PerDept[d]
		rep.PerDept[d] = [2]int{pd[0] + v[0], pd[1] + v[1]}
	}
	for p, n := range o.Confusions {
		rep.Confusions[p] += n
	}
}

// Summary is the report's department and emergency numbers on one line.
func (rep Report) Summary() string {
	r := func(a, n int) string {
		if n == 0 {
			return "-"
		}
		return fmt.Sprintf("%.3f (%d/%d)", float64(a)/float64(n), a, n)
	}
	return fmt.Sprintf("rows=%d top1=%s top3=%s emergency_recall=%s over_triage=%s", rep.Rows,
		r(rep.Top1, rep.DeptN), r(rep.Top3, rep.DeptN), r(rep.EmergencyHit, rep.EmergencyN), r(rep.CalmFlagged, rep.CalmN))
}
