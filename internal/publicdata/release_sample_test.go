package publicdata

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// releaseSample is a fixture made of real rows of HIRA's 2026.3 release (see
// testdata/SOURCES.txt): every institution of 정왕동 and 배곧동 in 시흥시 with their
// pharmacies, and rows chosen for what they test (a 치과의원 and a 한의원 that say
// 응급실 운영, hospitals with an ER, Sunday hours, free-text closures, times such as "8").
const releaseSample = "hira_release_sample.zip"

// TestWriteReleaseSample rebuilds testdata/hira_release_sample.zip from a full release:
//
//	HEYDOCTOR_HIRA_ZIP="../shared/data/public/hira-2026.3/전국 병의원 및 약국 현황 2026.3.zip" \
//	  go test ./internal/publicdata/ -run TestWriteReleaseSample
//
// (with the path as seen from this package's directory). It is skipped otherwise.
func TestWriteReleaseSample(t *testing.T) {
	src := os.Getenv("HEYDOCTOR_HIRA_ZIP")
	if src == "" || os.Getenv("HEYDOCTOR_WRITE_SAMPLE") != "1" {
		t.Skip("set HEYDOCTOR_HIRA_ZIP and HEYDOCTOR_WRITE_SAMPLE=1 to rebuild the fixture")
	}
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	tables := make(map[int][][]string)
	names := make(map[int]string)
	for _, f := range zr.File {
		n, ok := memberNumber(entryName(f))
		if !ok || n > 5 {
			continue
		}
		names[n] = entryName(f)
		tables[n] = readSheet(t, f)
	}
	col := func(n int, name string) int {
		for i, c := range tables[n][0] {
			if c == name {
				return i
			}
		}
		t.Fatalf("member %d has no column %s", n, name)
		return -1
	}
	get := func(row []string, i int) string {
		if i < len(row) {
			return row[i]
		}
		return ""
	}
	class := make(map[string]string)
	keep := make(map[string]bool)
	local := func(addr string) bool {
		return strings.Contains(addr, "시흥시") && (strings.Contains(addr, "정왕동") || strings.Contains(addr, "배곧"))
	}
	for _, n := range []int{1, 2} {
		id, cl, addr := col(n, "암호화요양기호"), col(n, "종별코드"), col(n, "주소")
		for _, r := range tables[n][1:] {
			class[get(r, id)] = get(r, cl)
			if local(get(r, addr)) {
				keep[get(r, id)] = true
			}
		}
	}
	id4 := col(4, "암호화요양기호")
	er, sun, sunNote, mon := col(4, "응급실_주간_운영여부"), col(4, "진료시작시간_일요일"), col(4, "휴진안내_일요일"), col(4, "진료시작시간_월요일")
	quota := map[string]int{"er-dental": 2, "er-korean": 2, "er-hospital": 6, "sunday": 4, "note": 6, "short": 3}
	for _, r := range tables[4][1:] {
		id := get(r, id4)
		var why string
		switch c := class[id]; {
		case get(r, er) == "Y" && c == "51":
			why = "er-dental"
		case get(r, er) == "Y" && c == "93":
			why = "er-korean"
		case get(r, er) == "Y" && (c == "01" || c == "11" || c == "21"):
			why = "er-hospital"
		case len(get(r, mon)) > 0 && len(get(r, mon)) < 3:
			why = "short"
		case get(r, sun) != "":
			why = "sunday"
		case strings.Contains(get(r, sunNote), "이후"):
			why = "note"
		}
		if why != "" && quota[why] > 0 {
			quota[why]--
			keep[id] = true
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range []int{1, 2, 4, 5} {
		id := col(n, "암호화요양기호")
		rows := [][]string{tables[n][0]}
		for _, r := range tables[n][1:] {
			if keep[get(r, id)] {
				rows = append(rows, r)
			}
		}
		w, err := zw.Create(names[n])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(workbook(t, rows)); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d rows", names[n], len(rows)-1)
	}
	// An entry HeyDoctor does not use, as real releases have eight of them.
	if w, err := zw.Create("6.의료기관별상세정보서비스_04_교통정보(2026.3.).xlsx"); err != nil {
		t.Fatal(err)
	} else if _, err := w.Write(workbook(t, [][]string{{"암호화요양기호", "요양기관명", "교통편"}})); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", releaseSample), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readSheet(tb testing.TB, f *zip.File) [][]string {
	tb.Helper()
	rc, err := f.Open()
	if err != nil {
		tb.Fatal(err)
	}
	defer rc.Close()
	wb, err := excelize.OpenReader(rc)
	if err != nil {
		tb.Fatal(err)
	}
	defer wb.Close()
	rows, err := wb.Rows(wb.GetSheetList()[0])
	if err != nil {
		tb.Fatal(err)
	}
	var out [][]string
	for rows.Next() {
		r, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// workbook writes rows as HIRA's workbooks hold them: whole numbers and decimals as
// numeric cells (times 900, counts, coordinates), everything else as text.
func workbook(tb testing.TB, rows [][]string) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, v := range row {
			cells[j] = v
			if i == 0 || v == "" || len(v) > 12 || v[0] == '0' && len(v) > 1 && v[1] != '.' {
				continue
			}
			if n, err := strconv.Atoi(v); err == nil {
				cells[j] = n
			} else if x, err := strconv.ParseFloat(v, 64); err == nil && strings.Contains(v, ".") {
				cells[j] = x
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &cells); err != nil {
			tb.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
