package triage

import (
	"strings"
	"testing"
)

func TestReadLabelled(t *testing.T) {
	good := "# comment\n내과\t배가 아파요\ndept:소아과\t아이가 열이 나요\nemergency:119\t숨을 못 쉬어요\nktas:4\t발목을 삐었어요\n\n"
	rows, err := ReadLabelled(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"dept:내과", "dept:소아청소년과", "emergency:119", "ktas:4"}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d", len(rows), len(want))
	}
	for i, w := range want {
		if rows[i].Label != w {
			t.Errorf("row %d label = %q, want %q", i, rows[i].Label, w)
		}
	}
	for _, bad := range []string{"내과 배가 아파요\n", "dept:없는과\t배\n", "ktas:9\t배\n", "info:감기\t감기란\n", "내과\t\n", "내과\t" + strings.Repeat("가", 20000) + "\n", "내과\t\xff\n"} {
		if _, err := ReadLabelled(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadLabelled(%.30q) = nil error, want one", bad)
		}
	}
}

func TestReport(t *testing.T) {
	e := newTestEngine(t)
	rows := []Example{
		{"dept:이비인후과", "코가 막히고 콧물이 나요"},
		{"emergency:119", "가슴이 쥐어짜듯 아프고 식은땀이 나요"},
		{"ktas:2", "의식 저하 상태로 내원"},
		{"ktas:5", "감기 기운이 있어요"},
	}
	rep := e.Report(rows)
	if rep.Rows != 4 || rep.DeptN != 1 || rep.EmergencyN != 2 || rep.CalmN != 2 || rep.EmergencyHit != 2 || rep.CalmFlagged != 0 {
		t.Errorf("report = %+v, want 4 rows, 1 department row, 2 emergencies both found, 2 calm rows none flagged", rep)
	}
	out := rep.String()
	for _, want := range []string{"department top-1", "department top-3", "emergency recall: 100.0% (2/2)", "over-triage", "recall per department"} {
		if !strings.Contains(out, want) {
			t.Errorf("report text lacks %q:\n%s", want, out)
		}
	}
}

// TestModelFresh fails when the embedded weights were trained on other data than the
// package now embeds.
func TestModelFresh(t *testing.T) {
	e := newTestEngine(t)
	if e.ModelStale() {
		t.Fatal("data/model.bin is stale for the corpus, lexicon or settings: run `go generate ./internal/triage/` and commit data/model.bin")
	}
}

// TestModelFileRoundTrip checks that the quantised weights answer like the trained ones.
func TestModelFileRoundTrip(t *testing.T) {
	e := newTestEngine(t)
	b, err := encodeModel(e.model, e.dataFP)
	if err != nil {
		t.Fatal(err)
	}
	m, fp, err := decodeModel(b)
	if err != nil {
		t.Fatal(err)
	}
	if fp != e.dataFP || len(m.labels) != len(e.model.labels) || m.temp != e.model.temp {
		t.Fatalf("decoded header differs: %d labels temp %v", len(m.labels), m.temp)
	}
	_, test := e.Corpus()
	same := 0
	for _, ex := range test {
		rd := e.read(compact(normalize(ex.Text)))
		x := e.features(&rd)
		if argmax(m.predict(x)) == argmax(e.model.predict(x)) {
			same++
		}
	}
	if rate := float64(same) / float64(len(test)); rate < 0.99 {
		t.Errorf("decoded model agrees on %.3f of the test split, want ≥ 0.99", rate)
	}
	for _, bad := range [][]byte{nil, []byte("not gzip"), b[:len(b)/2]} {
		if _, _, err := decodeModel(bad); err == nil {
			t.Errorf("decodeModel(%d bytes) = nil error, want one", len(bad))
		}
	}
}

func argmax(p []float64) int {
	best := 0
	for i := range p {
		if p[i] > p[best] {
			best = i
		}
	}
	return best
}
