package publicdata

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"heydoctor"
)

// FuzzParse feeds every format (and detection) arbitrary bytes: Parse must never panic,
// and whatever it accepts must be well-formed enough for the store.
func FuzzParse(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), "gg_GgHosptlM") {
			continue // the 1.5 MB file makes a slow seed; gg_envelope.json has its rows
		}
		data, err := os.ReadFile(filepath.Join("testdata", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "")
		for _, format := range Formats() {
			f.Add(data, format)
		}
	}
	f.Add(hiraWorkbook(f, hiraHospitalRows()), "")
	f.Fuzz(func(t *testing.T, data []byte, format string) {
		res, err := parser{maxInput: 1 << 20, maxField: 4 << 10}.parse(bytes.NewReader(data), format)
		if err != nil {
			return
		}
		checkResult(t, res)
	})
}

func checkResult(tb testing.TB, res *Result) {
	tb.Helper()
	for i, in := range res.Institutions {
		where := fmt.Sprintf("institution %d", i)
		if in.HPID == "" && in.YKIHO == "" && in.LocalKey == "" {
			tb.Fatalf("%s has no identity: %+v", where, in)
		}
		if !in.Carries.Has(heydoctor.FieldBasis) {
			continue // detail and department rows carry only YKIHO and their fields
		}
		if in.Name == "" || !in.Kind.Valid() || in.Status == "" {
			tb.Fatalf("%s is incomplete: %+v", where, in)
		}
		if in.HasLocation() && !heydoctor.InKorea(in.Lat, in.Lng) {
			tb.Fatalf("%s is outside Korea: %v,%v", where, in.Lat, in.Lng)
		}
		for _, s := range append(in.Hours.Day[:], in.Hours.Lunch[:]...) {
			for _, v := range []string{s.Open, s.Close} {
				if v != "" && (len(v) != 4 || !allDigits(v)) {
					tb.Fatalf("%s has hours %q", where, v)
				}
			}
		}
		for _, d := range in.Departments {
			if _, ok := heydoctor.LookupDepartment(d); !ok {
				tb.Fatalf("%s has department %q", where, d)
			}
		}
	}
	for _, h := range res.Holidays {
		if _, err := heydoctor.ParseDate(string(h.Date)); err != nil {
			tb.Fatalf("holiday %+v: %v", h, err)
		}
	}
}

// FuzzNormHHMM checks that every accepted time is four digits with valid minutes.
func FuzzNormHHMM(f *testing.F) {
	for _, s := range []string{"0900", "900", "2600", "", "09:00", "0960", "１２"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := normHHMM(s)
		if err != nil || got == "" {
			return
		}
		if len(got) != 4 || !allDigits(got) || got[2] > '5' {
			t.Fatalf("normHHMM(%q) = %q", s, got)
		}
	})
}

// BenchmarkParseNMCXML parses a generated 10,000-item NMC FullDown page and reports
// records per second; the whole import (with the database) targets 5,000/s.
func BenchmarkParseNMCXML(b *testing.B) {
	const n = 10000
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><response><header><resultCode>00</resultCode><resultMsg>NORMAL SERVICE.</resultMsg></header><body><items>`)
	for i := range n {
		fmt.Fprintf(&buf, `<item><dutyAddr>서울특별시 강남구 남부순환로 %d, 베드로병원 (도곡동)</dutyAddr><dutyDiv>B</dutyDiv><dutyDivNam>병원</dutyDivNam><dutyEmcls>G099</dutyEmcls><dutyEmclsName>응급의료기관 이외</dutyEmclsName><dutyEryn>2</dutyEryn><dutyEtc>점심시간 13:00~14:00</dutyEtc><dutyMapimg>양재역 4번 출구 도보 5분 거리</dutyMapimg><dutyName>강남병원%d</dutyName><dutyTel1>1544-7522</dutyTel1><dutyTime1c>1800</dutyTime1c><dutyTime1s>0900</dutyTime1s><dutyTime2c>1800</dutyTime2c><dutyTime2s>0900</dutyTime2s><dutyTime3c>1800</dutyTime3c><dutyTime3s>0900</dutyTime3s><dutyTime4c>1800</dutyTime4c><dutyTime4s>0900</dutyTime4s><dutyTime5c>1800</dutyTime5c><dutyTime5s>0900</dutyTime5s><dutyTime6c>1400</dutyTime6c><dutyTime6s>0900</dutyTime6s><hpid>A%07d</hpid><postCdn1>062</postCdn1><postCdn2>71 </postCdn2><rnum>%d</rnum><wgs84Lat>37.485612179925724</wgs84Lat><wgs84Lon>127.0395873429168</wgs84Lon></item>`, i, i, i, i+1)
	}
	fmt.Fprintf(&buf, `</items><numOfRows>%d</numOfRows><pageNo>1</pageNo><totalCount>%d</totalCount></body></response>`, n, n)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		res, err := Parse(bytes.NewReader(data), FormatNMC)
		if err != nil || len(res.Institutions) != n {
			b.Fatalf("Parse: %d institutions, %v", len(res.Institutions), err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}
