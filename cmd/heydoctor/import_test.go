package main

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// releaseSample is HIRA's bulk release cut down to a few hundred real rows.
var releaseSample = filepath.Join("..", "..", "internal", "publicdata", "testdata", "hira_release_sample.zip")

// withoutMember writes a copy of the release sample without the entries starting with prefix.
func withoutMember(t *testing.T, prefix string) string {
	t.Helper()
	zr, err := zip.OpenReader(releaseSample)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, prefix) {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		w, _ := zw.Create(f.Name)
		if _, err := io.Copy(w, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
	zw.Close()
	path := filepath.Join(t.TempDir(), "전국 병의원 및 약국 현황 2026.3.zip")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestImportRelease(t *testing.T) {
	db := filepath.Join(t.TempDir(), "h.db")

	// A truncated download changes nothing and says why.
	data, err := os.ReadFile(releaseSample)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(t.TempDir(), "전국 병의원 및 약국 현황 2026.3.zip")
	if err := os.WriteFile(truncated, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runCmd(t, nil, "import", "--db", db, truncated)
	if err == nil || !strings.Contains(stderr, "nothing imported") || !strings.Contains(stderr, "truncated") {
		t.Errorf("truncated release: %v\n%s", err, stderr)
	}

	// Without 세부정보 the other tables still import, and the summary says what is missing.
	out, stderr, err := runCmd(t, nil, "import", "--db", db, withoutMember(t, "4."))
	if err != nil {
		t.Fatalf("import without member 4: %v\n%s", err, stderr)
	}
	for _, want := range []string{
		"1.병원정보서비스(2026.3.).xlsx (hira-xlsx-hospital): read 241, inserted 241",
		"missing 4.의료기관별상세정보서비스_02_세부정보",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}

	// The whole release: one summary line per table, rejected rows with their position,
	// unused tables listed.
	out, stderr, err = runCmd(t, nil, "import", "--db", db, releaseSample)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	for _, want := range []string{
		"HIRA bulk release, 4 tables imported",
		"1.병원정보서비스(2026.3.).xlsx (hira-xlsx-hospital): read 241, inserted 0, updated 0, unchanged 241, rejected 0",
		"4.의료기관별상세정보서비스_02_세부정보(2026.3.).xlsx (hira-xlsx-detail): read 82, inserted 0, updated 79, unchanged 0, rejected 3",
		`rejected line 14 (ykiho HP26037180d4c8d895abce15…): trmtMonStart: "93" is not HHMM`,
		"5.의료기관별상세정보서비스_03_진료과목정보(2026.3.).xlsx (hira-xlsx-departments): read 1533, inserted 0, updated 0, unchanged 241",
		"skipped 6.의료기관별상세정보서비스_04_교통정보(2026.3.).xlsx: not used",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}

	// Again: nothing changes.
	out, _, err = runCmd(t, nil, "import", "--db", db, releaseSample)
	if err != nil || strings.Count(out, "inserted 0, updated 0") != 4 {
		t.Errorf("re-import: %v\n%s", err, out)
	}

	// A ZIP that is not a release, or one cut short, fails and leaves the directory as it was.
	var other bytes.Buffer
	zw := zip.NewWriter(&other)
	w, _ := zw.Create("readme.txt")
	w.Write([]byte("안내문"))
	zw.Close()
	foreign := filepath.Join(t.TempDir(), "자료.zip")
	os.WriteFile(foreign, other.Bytes(), 0o644)
	for _, bad := range []string{foreign, truncated} {
		if _, stderr, err := runCmd(t, nil, "import", "--db", db, bad); err == nil || !strings.Contains(stderr, "not a HIRA release") {
			t.Errorf("%s: %v\n%s", bad, err, stderr)
		}
	}
	if out, _, err := runCmd(t, nil, "import", "--db", db, releaseSample); err != nil || strings.Count(out, "inserted 0, updated 0") != 4 {
		t.Errorf("after failed imports the directory changed: %v\n%s", err, out)
	}

	// A table on its own imports too.
	zr, err := zip.OpenReader(releaseSample)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "4.") {
			continue
		}
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		member := filepath.Join(t.TempDir(), f.Name)
		os.WriteFile(member, b, 0o644)
		out, _, err := runCmd(t, nil, "import", "--db", db, member)
		if err != nil || !strings.Contains(out, "(hira-xlsx-detail): read 82, inserted 0, updated 0, unchanged 79, rejected 3") {
			t.Errorf("member 4 alone: %v\n%s", err, out)
		}
	}
}
