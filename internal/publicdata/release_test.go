package publicdata

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/korean"

	"heydoctor"
)

// rezip copies the release sample, renaming or dropping entries (rename returns "" to
// drop) and adding extra ones.
func rezip(tb testing.TB, rename func(string) string, extra map[string][]byte) []byte {
	tb.Helper()
	src := readTestdata(tb, releaseSample)
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		name := f.Name
		if rename != nil {
			name = rename(name)
		}
		if name == "" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(data)
	}
	for name, data := range extra {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func readRelease(tb testing.TB, data []byte) (*Release, error) {
	tb.Helper()
	return ReadRelease(bytes.NewReader(data), int64(len(data)), nil)
}

func byName(list []heydoctor.Institution) map[string]heydoctor.Institution {
	m := make(map[string]heydoctor.Institution)
	for _, in := range list {
		m[in.Name] = in
	}
	return m
}

func TestReadReleaseSample(t *testing.T) {
	var calls int
	rel, err := OpenRelease("testdata/"+releaseSample, func(member string, rows, done, total int) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 {
		t.Error("progress was never called")
	}
	type summary struct {
		Number, Read, Records int
		Format                string
	}
	var got []summary
	for _, m := range rel.Members {
		got = append(got, summary{m.Number, m.Read, len(m.Institutions), m.Format})
	}
	want := []summary{
		{1, 241, 241, FormatHIRAHospitalXLSX},
		{2, 77, 77, FormatHIRAPharmacyXLSX},
		{4, 82, 79, FormatHIRADetailXLSX},
		{5, 1533, 241, FormatHIRADeptXLSX},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("members mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"6.의료기관별상세정보서비스_04_교통정보(2026.3.).xlsx"}, rel.Skipped); diff != "" {
		t.Errorf("skipped mismatch (-want +got):\n%s", diff)
	}
	if len(rel.Missing) != 0 {
		t.Errorf("missing = %v, want none", rel.Missing)
	}
	// Times such as "93" are neither an hour nor HHMM: the row is rejected, by position.
	if diff := cmp.Diff([]string{
		"line 14 (ykiho HP26037180d4c8d895abce15…) | trmtMonStart",
		"line 16 (ykiho HP2603b17eb2448fde76352c…) | trmtMonStart",
		"line 19 (ykiho HP2603f535df02ffef100769…) | trmtMonStart",
	}, rejectionSummary(rel.Member(MemberDetail).Rejected)); diff != "" {
		t.Errorf("detail rejections mismatch (-want +got):\n%s", diff)
	}

	list, orphans := rel.Institutions()
	if len(list) != 318 || orphans != 0 {
		t.Fatalf("merged %d institutions with %d orphans, want 318 and 0", len(list), orphans)
	}
	m := byName(list)
	nine := func(open, closing string) heydoctor.Span { return heydoctor.Span{Open: open, Close: closing} }
	for _, tc := range []struct {
		name  string
		class heydoctor.InstitutionClass
		er    bool
		check func(t *testing.T, in heydoctor.Institution)
	}{
		{"강원특별자치도강릉의료원", heydoctor.ClassGeneral, true, func(t *testing.T, in heydoctor.Institution) {
			if got := in.Specialists["D001"]; got != 3 {
				t.Errorf("내과 전문의 = %d, want 3", got)
			}
			if got, want := in.Hours.Lunch[0], nine("1230", "1330"); got != want {
				t.Errorf("Monday lunch = %v, want %v", got, want)
			}
		}},
		// 응급실 운영여부 Y on a 한의원 is not an emergency room.
		{"강릉동양한의원", heydoctor.ClassKoreanClinic, false, nil},
		{"마음속내과의원", heydoctor.ClassClinic, false, func(t *testing.T, in heydoctor.Institution) {
			// No Sunday hours and a note that is not a closure: unknown, not closed.
			if !in.Hours.Day[6].Unknown {
				t.Errorf("Sunday = %+v, want unknown", in.Hours.Day[6])
			}
			if got := in.Hours.Day[heydoctor.Holiday]; !got.IsZero() {
				t.Errorf("holiday = %+v, want closed", got)
			}
		}},
		{"동서외과의원", heydoctor.ClassClinic, false, func(t *testing.T, in heydoctor.Institution) {
			if got, want := in.Hours.Day[6], nine("1000", "1500"); got != want {
				t.Errorf("Sunday = %v, want %v", got, want)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, ok := m[tc.name]
			if !ok {
				t.Fatal("not in the release")
			}
			if in.Class != tc.class || in.ER != tc.er {
				t.Errorf("class %q ER %v, want %q %v", in.Class, in.ER, tc.class, tc.er)
			}
			if !in.Carries.Has(heydoctor.FieldBasis | heydoctor.FieldHours | heydoctor.FieldDepartments | heydoctor.FieldER) {
				t.Errorf("carries %b, want basis, hours, departments and ER", in.Carries)
			}
			if tc.check != nil {
				tc.check(t, in)
			}
		})
	}
}

func TestReadReleaseNamesDrift(t *testing.T) {
	// 2024.12 spelling, a CP949 CSV member as older releases ship, and entries in a folder.
	data := rezip(t, func(name string) string {
		switch {
		case strings.HasPrefix(name, "1."):
			return ""
		case strings.HasPrefix(name, "2."):
			return "전국 병의원 및 약국 현황 2024.12/2.약국정보서비스 2024.12.xlsx"
		}
		return name
	}, map[string][]byte{"1. 병원정보서비스 2020.3.csv": readTestdata(t, "hira_hospital_cp949.csv")})
	rel, err := readRelease(t, data)
	if err != nil {
		t.Fatal(err)
	}
	if m := rel.Member(MemberHospitals); m == nil || m.Format != FormatHIRAHospitalCSV || len(m.Institutions) == 0 {
		t.Errorf("member 1 = %+v, want the CSV hospitals", m)
	}
	if m := rel.Member(MemberPharmacies); m == nil || len(m.Institutions) != 77 {
		t.Errorf("member 2 = %+v, want 77 pharmacies", m)
	}
	_, orphans := rel.Institutions()
	if orphans == 0 {
		t.Error("detail rows of hospitals absent from member 1 should be orphans")
	}
}

// Archives zipped on Korean Windows store entry names in CP949.
func TestReadReleaseCP949Names(t *testing.T) {
	var detail []byte
	data := readTestdata(t, releaseSample)
	zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "4.") {
			rc, _ := f.Open()
			detail, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	name, err := korean.EUCKR.NewEncoder().String("4.의료기관별상세정보서비스_02_세부정보 2022.10..xlsx")
	if err != nil {
		t.Fatal(err)
	}
	rel, err := readRelease(t, rezip(t, func(n string) string {
		if strings.HasPrefix(n, "4.") {
			return ""
		}
		return n
	}, map[string][]byte{name: detail}))
	if err != nil {
		t.Fatal(err)
	}
	if m := rel.Member(MemberDetail); m == nil || m.Name != "4.의료기관별상세정보서비스_02_세부정보 2022.10..xlsx" || len(m.Institutions) != 79 {
		t.Errorf("member 4 = %+v", m)
	}
}

func TestReadReleaseMissingMember(t *testing.T) {
	rel, err := readRelease(t, rezip(t, func(name string) string {
		if strings.HasPrefix(name, "4.") {
			return ""
		}
		return name
	}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"4.의료기관별상세정보서비스_02_세부정보"}, rel.Missing); diff != "" {
		t.Errorf("missing mismatch (-want +got):\n%s", diff)
	}
	list, _ := rel.Institutions()
	in := byName(list)["강원특별자치도강릉의료원"]
	if in.Hours.Known() || in.Carries.Has(heydoctor.FieldHours) || len(in.Departments) == 0 {
		t.Errorf("without 세부정보: hours %v carries %b departments %v; want no hours, not carried, departments kept", in.Hours, in.Carries, in.Departments)
	}
}

func TestReadReleaseBad(t *testing.T) {
	sample := readTestdata(t, releaseSample)
	unknownColumn := hiraWorkbook(t, [][]any{{"암호화요양기호", "요양기관명", "종별코드", "새로운열"}, {"X1", "가", 31, "?"}})
	for _, tc := range []struct {
		name string
		data []byte
		want []string // pieces of the error
	}{
		{"truncated", sample[:len(sample)-300], []string{"not a HIRA release", "truncated"}},
		{"not a zip", []byte("암호화요양기호,요양기관명\n"), []string{"not a HIRA release"}},
		{"other zip", rezip(t, func(string) string { return "" }, map[string][]byte{"readme.txt": []byte("hi")}), []string{"not a HIRA release", "no entry"}},
		{"unknown column", rezip(t, func(name string) string {
			if strings.HasPrefix(name, "1.") {
				return ""
			}
			return name
		}, map[string][]byte{"1.병원정보서비스(2026.6.).xlsx": unknownColumn}), []string{"1.병원정보서비스(2026.6.).xlsx", `unknown column "새로운열"`}},
		{"wrong table", rezip(t, func(name string) string {
			switch {
			case strings.HasPrefix(name, "1."):
				return ""
			case strings.HasPrefix(name, "2."):
				return "1.병원정보서비스.xlsx"
			}
			return name
		}, nil), []string{"1.병원정보서비스.xlsx", "should be 병원정보서비스"}},
		{"duplicate number", rezip(t, nil, map[string][]byte{"1.병원정보서비스 사본.xlsx": hiraWorkbook(t, hiraHospitalRows())}), []string{"both have number 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readRelease(t, tc.data)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestIsRelease(t *testing.T) {
	if !IsRelease(bytes.NewReader(readTestdata(t, releaseSample)), int64(len(readTestdata(t, releaseSample)))) {
		t.Error("the release sample is not a release")
	}
	wb := hiraWorkbook(t, hiraHospitalRows())
	if IsRelease(bytes.NewReader(wb), int64(len(wb))) {
		t.Error("a workbook is a release")
	}
}

func TestParseLunch(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "HHMM-HHMM" or "" for none
	}{
		{"12:30 - 14:00", "1230-1400"},
		{"13시~14시", "1300-1400"},
		{"13시00분~14시00분", "1300-1400"},
		{"12시 30분 ~14시 00", "1230-1400"},
		{"1시~2시", "1300-1400"},
		{"12:30~2:00", "1230-1400"},
		{"오후 1시 ~ 오후 2시", "1300-1400"},
		{"오후 12시 30분 ~ 오후 1시 30분", "1230-1330"},
		{"PM 01:00 ~ PM 02:00", "1300-1400"},
		{"13;00-14;00", "1300-1400"},
		{"1300-1400", "1300-1400"},
		{"13-14시", "1300-1400"},
		{"13시 14시", "1300-1400"},
		{"12시 30분부터 2시까지", "1230-1400"},
		{"12시:00분~13시:00분", "1200-1300"},
		{"13:00분~14:00분", "1300-1400"},
		{"점심시간 없음", ""},
		{"없음", ""},
		{"", ""},
		{"14시~13시", ""},
		{"09:00~18:00", ""}, // not a lunch break
		{"수요일 13시~14시", ""},
		{"12시 30분", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			sp, ok := parseLunch(tc.in)
			got := ""
			if ok {
				got = sp.Open + "-" + sp.Close
			}
			if got != tc.want {
				t.Errorf("parseLunch(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestClosureNote(t *testing.T) {
	closed, unknown := heydoctor.Span{}, heydoctor.Span{Unknown: true}
	for _, tc := range []struct {
		in   string
		want heydoctor.Span
	}{
		{"", closed},
		{"휴진", closed},
		{"전부 휴진", closed},
		{"전부휴진", closed},
		{"휴무", closed},
		{"'전부휴진'", closed},
		{"전부  휴진", closed},
		{"휴진입니다.", closed},
		{"매주 일요일 휴진", closed},
		{"외래 전부 휴진", closed},
		{"진료없음", closed},
		{"진료", unknown},
		{"정상진료", unknown},
		{"오후 1시 이후", unknown},
		{"매월 마지막주 일요일 휴진", unknown},
		{"일부 휴진", unknown},
		{"휴진없음", unknown},
		{"09:00~13:00", heydoctor.Span{Open: "0900", Close: "1300"}},
		{"09시00분~13시00분", heydoctor.Span{Open: "0900", Close: "1300"}},
		{"9:30~1:00", heydoctor.Span{Open: "0930", Close: "1300"}},
		{"오전9시~오후1시", heydoctor.Span{Open: "0900", Close: "1300"}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := closureNote(tc.in); got != tc.want {
				t.Errorf("closureNote(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestHIRATime(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		err      bool
	}{
		{"900", "0900", false}, {"1830", "1830", false}, {"0", "0000", false}, {"", "", false},
		{"2430", "2430", false}, {"8", "", true}, {"93", "", true}, {"9:00", "", true}, {"1860", "", true},
	} {
		got, err := hiraTime(tc.in)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("hiraTime(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// TestReadRealRelease reads a whole release when HEYDOCTOR_HIRA_ZIP names one.
func TestReadRealRelease(t *testing.T) {
	path := os.Getenv("HEYDOCTOR_HIRA_ZIP")
	if path == "" {
		t.Skip("set HEYDOCTOR_HIRA_ZIP to a HIRA bulk release")
	}
	rel, err := OpenRelease(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range rel.Members {
		t.Logf("%s: read %d, records %d, rejected %d", m.Name, m.Read, len(m.Institutions), len(m.Rejected))
	}
	list, orphans := rel.Institutions()
	er := 0
	for _, in := range list {
		if in.ER {
			er++
			if !in.Class.HospitalGrade() {
				t.Errorf("%s (%s) is an ER", in.Name, in.Class)
			}
		}
	}
	t.Logf("%d institutions, %d ERs, %d orphans", len(list), er, orphans)
}

func FuzzParseTimeRange(f *testing.F) {
	for _, s := range []string{"12:30 - 14:00", "13시~14시", "1시~2시", "오후 1시 ~ 오후 2시", "1300-1400", "13시 14시", "9:30~1:00", "휴진", "ㅁ12시~"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, midday := range []bool{true, false} {
			sp, ok := parseTimeRange(s, midday)
			if !ok {
				continue
			}
			o, err1 := normHHMM(sp.Open)
			c, err2 := normHHMM(sp.Close)
			if err1 != nil || err2 != nil || o != sp.Open || c != sp.Close || hhmmMinutes(c) <= hhmmMinutes(o) {
				t.Fatalf("parseTimeRange(%q, %v) = %+v", s, midday, sp)
			}
		}
		closureNote(s)
		parseLunch(s)
	})
}

func FuzzReadRelease(f *testing.F) {
	sample := readTestdata(f, releaseSample)
	f.Add(sample[:4096])
	f.Add(rezip(f, func(name string) string {
		if strings.HasPrefix(name, "4.") {
			return name
		}
		return ""
	}, nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		rel, err := parser{maxInput: 1 << 20, maxField: 4 << 10}.readRelease(bytes.NewReader(data), int64(len(data)), nil)
		if err != nil {
			return
		}
		for _, m := range rel.Members {
			checkResult(t, m.Result)
		}
		rel.Institutions()
	})
}

func TestParseReleaseAsOneInput(t *testing.T) {
	_, err := Parse(bytes.NewReader(readTestdata(t, releaseSample)), "")
	if err == nil || !strings.Contains(err.Error(), "bulk release") {
		t.Errorf("Parse of a release: %v, want an error pointing to the release reader", err)
	}
	// The pharmacy location operation says dutyDiv H: its scope is the pharmacies'.
	if res := parseFile(t, "nmc_pharmacy_lcinfo.json", ""); res.Scope != "nmc:pharmacy" || res.Institutions[0].Carries.Has(heydoctor.FieldHours) {
		t.Errorf("location list: scope %q, carries %b; want nmc:pharmacy without hours", res.Scope, res.Institutions[0].Carries)
	}
}
