package publicdata

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/korean"

	"heydoctor"
)

func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func parseFile(tb testing.TB, name, format string) *Result {
	tb.Helper()
	res, err := Parse(bytes.NewReader(readTestdata(tb, name)), format)
	if err != nil {
		tb.Fatalf("Parse(%s, %q): %v", name, format, err)
	}
	return res
}

func week(spans ...heydoctor.Span) heydoctor.OpeningHours {
	var h heydoctor.OpeningHours
	copy(h.Day[:], spans)
	return h
}

func span(open, closing string) heydoctor.Span { return heydoctor.Span{Open: open, Close: closing} }

// rejectionSummary keeps positions and the start of each reason, so tests pin what
// was rejected without freezing every word of the message.
func rejectionSummary(rs []Rejection) []string {
	var out []string
	for _, r := range rs {
		reason, _, _ := strings.Cut(r.Reason, ":")
		out = append(out, r.Position+" | "+reason)
	}
	return out
}

func TestParseNMCGangnamXML(t *testing.T) {
	res := parseFile(t, "nmc_list_gangnam_B.xml", "")
	if res.Format != FormatNMC || res.Read != 10 || res.Total != 21 || len(res.Rejected) != 0 || res.Scope != "nmc:hospital" {
		t.Fatalf("got format %q read %d total %d rejected %v scope %q", res.Format, res.Read, res.Total, res.Rejected, res.Scope)
	}
	nine := span("0900", "1800")
	want := heydoctor.Institution{
		Kind: heydoctor.KindHospital, TypeCode: "B", TypeName: "병원", Class: heydoctor.ClassHospital,
		Carries:  heydoctor.FieldBasis | heydoctor.FieldPostcode | heydoctor.FieldHours | heydoctor.FieldER,
		Name:     "강남베드로병원",
		Address:  "서울특별시 강남구 남부순환로 2649, 베드로병원 (도곡동)",
		Postcode: "06271", Phone: "1544-7522",
		Lat: 37.485612179925724, Lng: 127.0395873429168,
		Hours:  week(nine, nine, nine, nine, nine, span("0900", "1400")),
		Status: heydoctor.StatusOperating, HPID: "A1100141", Source: "nmc",
	}
	if diff := cmp.Diff(want, res.Institutions[0]); diff != "" {
		t.Errorf("first institution mismatch (-want +got):\n%s", diff)
	}
	byID := make(map[string]heydoctor.Institution)
	for _, in := range res.Institutions {
		byID[in.HPID] = in
		if in.ER {
			t.Errorf("%s: ER = true, want false (dutyEryn 2)", in.HPID)
		}
	}
	if got, want := byID["A1100161"].Hours.Day[heydoctor.Holiday], span("0900", "1300"); got != want {
		t.Errorf("A1100161 holiday hours = %v, want %v", got, want)
	}
	if got, want := byID["A1100156"].Notes, "산부인과(분만 X)/ 환자접수는 진료마감 30분까지 / 점심시간 13:00~13:30"; got != want {
		t.Errorf("A1100156 notes = %q, want %q", got, want)
	}
	if got := byID["A1100141"].Hours.Day[6]; !got.IsZero() {
		t.Errorf("A1100141 Sunday = %v, want no hours (absent element)", got)
	}
}

func TestParseNMCDetailXML(t *testing.T) {
	res := parseFile(t, "nmc_detail.xml", "")
	if len(res.Institutions) != 1 {
		t.Fatalf("got %d institutions, rejected %v", len(res.Institutions), res.Rejected)
	}
	got := res.Institutions[0]
	want := heydoctor.Institution{
		Kind: heydoctor.KindHospital, TypeCode: "A", TypeName: "종합병원", Class: heydoctor.ClassGeneral,
		Carries: heydoctor.AllFields &^ heydoctor.FieldNotes,
		Name:    "경희대학교병원", Address: "서울특별시 동대문구 경희대로 23 (회기동)",
		Postcode: "02447", Phone: "02-958-8114", ERPhone: "02-958-8282",
		Lat: 37.5938, Lng: 127.0519,
		Departments: []string{"D022", "D001", "D017", "D014", "D007"},
		Hours:       week(span("0830", "1730"), heydoctor.Span{}, heydoctor.Span{}, heydoctor.Span{}, heydoctor.Span{}, span("0830", "1230")),
		ER:          true, Status: heydoctor.StatusOperating, HPID: "A1100001", Source: "nmc",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestParseNMCMixedJSON(t *testing.T) {
	res := parseFile(t, "nmc_fulldown_mixed.json", "")
	if res.Format != FormatNMC || res.Read != 7 {
		t.Fatalf("format %q read %d", res.Format, res.Read)
	}
	var ids []string
	for _, in := range res.Institutions {
		ids = append(ids, in.HPID)
	}
	if diff := cmp.Diff([]string{"B1100001", "A1100002", "B1100005"}, ids); diff != "" {
		t.Errorf("imported ids mismatch (-want +got):\n%s", diff)
	}
	wantRejected := []string{
		"item 3 (hpid T1100003) | dutyDiv",
		"item 4 (hpid B1100004) | dutyTime3s",
		"item 6 (hpid B1100001) | duplicate hpid B1100001 (first seen at item 1 (hpid B1100001))",
		"item 7 (hpid B1100007) | wgs84Lat/wgs84Lon",
	}
	if diff := cmp.Diff(wantRejected, rejectionSummary(res.Rejected)); diff != "" {
		t.Errorf("rejections mismatch (-want +got):\n%s", diff)
	}
	first := res.Institutions[0]
	if diff := cmp.Diff(week(span("0900", "1900"), span("0900", "1900"), heydoctor.Span{}, heydoctor.Span{}, heydoctor.Span{}, span("0900", "1300")), first.Hours); diff != "" {
		t.Errorf("mixed string/number hours mismatch (-want +got):\n%s", diff)
	}
	if first.Lat != 37.5 || first.Lng != 127.03 || first.Postcode != "06135" || first.Kind != heydoctor.KindClinic {
		t.Errorf("first = %+v", first)
	}
	er := res.Institutions[1]
	if !er.ER || er.ERPhone != "02-555-0119" || er.Postcode != "06201" || er.Hours.Day[0] != span("0000", "2400") {
		t.Errorf("ER hospital = %+v", er)
	}
	swapped := res.Institutions[2]
	if swapped.Lat != 37.504 || swapped.Lng != 127.034 {
		t.Errorf("swapped coordinates not put right: %v,%v", swapped.Lat, swapped.Lng)
	}
}

func TestParseNMCPharmacy(t *testing.T) {
	t.Run("detail JSON, single item object", func(t *testing.T) {
		res := parseFile(t, "nmc_pharmacy_basis.json", "")
		if res.Format != FormatNMCPharmacy || len(res.Institutions) != 1 {
			t.Fatalf("format %q, %d institutions, rejected %v", res.Format, len(res.Institutions), res.Rejected)
		}
		got := res.Institutions[0]
		n := span("0900", "1900")
		want := heydoctor.Institution{
			Kind: heydoctor.KindPharmacy, TypeCode: "H", TypeName: "약국", Class: heydoctor.ClassPharmacy, Name: "청실약국",
			Carries:  heydoctor.FieldBasis | heydoctor.FieldPostcode | heydoctor.FieldHours,
			Address:  "서울특별시 중구 무교로 15, 남강건설회관빌딩 1층 (무교동)",
			Postcode: "04520", Phone: "02-3789-6953", Lat: 37.5672818668855, Lng: 126.978921749794,
			Hours:  week(n, n, span("0900", "2000"), n, n, span("1000", "1400")),
			Status: heydoctor.StatusOperating, HPID: "C1110693", Source: "nmc",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("location op has no weekly hours", func(t *testing.T) {
		res := parseFile(t, "nmc_pharmacy_lcinfo.json", FormatNMCPharmacy)
		if len(res.Institutions) != 3 {
			t.Fatalf("got %d institutions, rejected %v", len(res.Institutions), res.Rejected)
		}
		for _, in := range res.Institutions {
			if in.Hours.Known() {
				t.Errorf("%s: hours %v invented from today's startTime/endTime", in.HPID, in.Hours)
			}
			if in.Kind != heydoctor.KindPharmacy || !in.HasLocation() {
				t.Errorf("%s: kind %s location %v,%v", in.HPID, in.Kind, in.Lat, in.Lng)
			}
		}
	})
}

func TestParseGyeonggiFile(t *testing.T) {
	res := parseFile(t, "gg_GgHosptlM_dataSet.json", "")
	if res.Format != FormatGyeonggi || res.Read != 1354 || !res.FullRefresh || res.Scope != "gyeonggi" {
		t.Fatalf("format %q read %d full %v scope %q", res.Format, res.Read, res.FullRefresh, res.Scope)
	}
	count := make(map[heydoctor.BusinessStatus]int)
	noLocation := 0
	keys := make(map[string]bool)
	for _, in := range res.Institutions {
		count[in.Status]++
		if !in.HasLocation() {
			noLocation++
		}
		if !strings.HasPrefix(in.LocalKey, "gg:") || len(in.LocalKey) != 19 || keys[in.LocalKey] {
			t.Errorf("%s: bad or repeated LocalKey %q", in.Name, in.LocalKey)
		}
		keys[in.LocalKey] = true
		if in.Hours.Known() {
			t.Errorf("%s: Gyeonggi publishes no hours, got %v", in.Name, in.Hours)
		}
	}
	if count[heydoctor.StatusOperating] != 883 || count[heydoctor.StatusSuspended] != 19 {
		t.Errorf("statuses = %v, want 883 operating, 19 suspended", count)
	}
	if noLocation != 9 {
		t.Errorf("%d rows without coordinates, want 9 kept", noLocation)
	}
	// Three rows repeat an earlier one (same name up to spaces, address and licence date).
	for _, r := range res.Rejected {
		if !strings.Contains(r.Reason, "duplicate key gg:") {
			t.Errorf("unexpected rejection %+v", r)
		}
	}
	if len(res.Rejected) != 3 {
		t.Errorf("%d rejected, want 3 duplicates", len(res.Rejected))
	}
	first := res.Institutions[0]
	want := heydoctor.Institution{
		Kind: heydoctor.KindHospital, TypeName: "요양병원(일반요양병원)", Class: heydoctor.ClassLongTermCare, Name: "가평산속요양병원",
		Carries: heydoctor.FieldBasis | heydoctor.FieldPostcode | heydoctor.FieldDepartments,
		Address: "경기도 가평군 상면 대보간선로 889", Postcode: "12445", Phone: "031-584-8900",
		Lat: 37.7889383379, Lng: 127.4043821351, Departments: []string{"D001", "D044"},
		Status: heydoctor.StatusOperating, LocalKey: first.LocalKey, Source: "gyeonggi",
	}
	if diff := cmp.Diff(want, first); diff != "" {
		t.Errorf("first row mismatch (-want +got):\n%s", diff)
	}
	// Codes "308 301 122 101" in another order than the names: mapped by code.
	if diff := cmp.Diff([]string{"D051", "D044", "D022", "D001"}, res.Institutions[1].Departments); diff != "" {
		t.Errorf("second row departments mismatch (-want +got):\n%s", diff)
	}
	if first.LocalKey != gyeonggiKey("가평산속 요양병원", "경기도 가평군 상면  대보간선로 889", "20121008") {
		t.Errorf("LocalKey is not stable under spacing")
	}
}

func TestParseGyeonggiEnvelope(t *testing.T) {
	res := parseFile(t, "gg_envelope.json", "")
	if res.Format != FormatGyeonggi || res.Total != 3 || len(res.Institutions) != 3 || !res.FullRefresh {
		t.Fatalf("format %q total %d institutions %d full %v", res.Format, res.Total, len(res.Institutions), res.FullRefresh)
	}
	tests := []struct {
		name, input, wantErr string
	}{
		{"error envelope", `{"RESULT":{"CODE":"ERROR-300","MESSAGE":"필수 값이 누락되어 있습니다."}}`, "ERROR-300"},
		{"no data in head", `{"GgHosptlM":[{"head":[{"list_total_count":0},{"RESULT":{"CODE":"INFO-200","MESSAGE":"해당하는 데이터가 없습니다."}}]}]}`, "INFO-200"},
		{"not JSON", `{"GgHosptlM":[`, "json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.input), FormatGyeonggi)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want it to mention %q", err, tt.wantErr)
			}
		})
	}
	t.Run("bad rows", func(t *testing.T) {
		in := `[{"BIZPLC_NM":"외국병원","BSN_STATE_NM":"영업중","REFINE_WGS84_LAT":"48.1","REFINE_WGS84_LOGT":"11.5"},
			{"BIZPLC_NM":"이상한병원","BSN_STATE_NM":"무엇"},
			{"BIZPLC_NM":"과목이름만병원","BSN_STATE_NM":"휴업","TREAT_SBJECT_CONT":"999","TREAT_SBJECT_CONT_INFO":"소아과, 치과"}]`
		res, err := Parse(strings.NewReader(in), FormatGyeonggi)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"row 1 (외국병원) | REFINE_WGS84_LAT/REFINE_WGS84_LOGT", "row 2 (이상한병원) | BSN_STATE_NM"}
		if diff := cmp.Diff(want, rejectionSummary(res.Rejected)); diff != "" {
			t.Errorf("rejections mismatch (-want +got):\n%s", diff)
		}
		if len(res.Institutions) != 1 {
			t.Fatalf("got %d institutions", len(res.Institutions))
		}
		if diff := cmp.Diff([]string{"D002", "D026"}, res.Institutions[0].Departments); diff != "" {
			t.Errorf("fallback departments mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestParseKASI(t *testing.T) {
	tests := []struct {
		name, file string
		want       []heydoctor.PublicHoliday
		wantLen    int
	}{
		{"2026 XML", "kasi_holiday_2026.xml", []heydoctor.PublicHoliday{
			{Date: "2026-01-01", Name: "1월1일"}, {Date: "2026-02-16", Name: "설날"},
		}, 22},
		{"2025-05 JSON, number locdate, two names on one day", "kasi_2025_05.json", []heydoctor.PublicHoliday{
			{Date: "2025-05-05", Name: "어린이날, 부처님오신날"}, {Date: "2025-05-06", Name: "대체공휴일"},
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseFile(t, tt.file, "")
			if res.Format != FormatKASI || len(res.Holidays) != tt.wantLen || len(res.Rejected) != 0 {
				t.Fatalf("format %q, %d holidays, rejected %v", res.Format, len(res.Holidays), res.Rejected)
			}
			if diff := cmp.Diff(tt.want, res.Holidays[:2]); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("empty items and NODATA", func(t *testing.T) {
		for _, in := range []string{
			`{"response":{"header":{"resultCode":"00","resultMsg":"NORMAL SERVICE."},"body":{"items":"","numOfRows":10,"pageNo":1,"totalCount":0}}}`,
			`<response><header><resultCode>00</resultCode></header><body><items/><totalCount>0</totalCount></body></response>`,
			`{"response":{"header":{"resultCode":"03","resultMsg":"NODATA_ERROR"}}}`,
		} {
			res, err := Parse(strings.NewReader(in), FormatKASI)
			if err != nil || len(res.Holidays) != 0 {
				t.Errorf("Parse(%s) = %v, %v; want empty result", in, res, err)
			}
		}
	})
}

func TestParseHIRABasis(t *testing.T) {
	res := parseFile(t, "hira_hospital_list.json", "")
	if res.Format != FormatHIRABasis || res.Total != 440 || len(res.Institutions) != 3 {
		t.Fatalf("format %q total %d, %d institutions, rejected %v", res.Format, res.Total, len(res.Institutions), res.Rejected)
	}
	type row struct {
		Code, TypeName string
		Lat, Lng       float64
		Postcode       string
	}
	var got []row
	for _, in := range res.Institutions {
		got = append(got, row{in.TypeCode, in.TypeName, in.Lat, in.Lng, in.Postcode})
	}
	want := []row{
		{"01", "상급종합", 37.5684083, 126.96775, "03181"},
		{"11", "종합병원", 37.5671805, 126.9669974, "03181"},
		{"28", "요양병원", 37.5722735, 126.9709911, "03175"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if in := res.Institutions[0]; in.YKIHO == "" || in.Kind != heydoctor.KindHospital || in.Source != "hira" {
		t.Errorf("first = %+v", in)
	}
}

func TestParseHIRACSV(t *testing.T) {
	t.Run("hospital CP949", func(t *testing.T) {
		res := parseFile(t, "hira_hospital_cp949.csv", "")
		if res.Format != FormatHIRAHospitalCSV || !res.FullRefresh || res.Scope != "hira:hospital" || res.Read != 5 {
			t.Fatalf("format %q full %v scope %q read %d", res.Format, res.FullRefresh, res.Scope, res.Read)
		}
		var names []string
		for _, in := range res.Institutions {
			names = append(names, in.Name+" "+in.TypeCode+" "+string(in.Kind)+" "+in.Postcode)
		}
		want := []string{"강북삼성병원 01 hospital 03181", "종로튼튼의원 31 clinic 03189", "좌표바뀐병원 21 hospital 03181"}
		if diff := cmp.Diff(want, names); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"line 5 | ykiho", "line 6 (ykiho JDQ4MTAxNCM1MSMkMSMkMCMk…) | clCd"}, rejectionSummary(res.Rejected)); diff != "" {
			t.Errorf("rejections mismatch (-want +got):\n%s", diff)
		}
		if in := res.Institutions[2]; in.Lat != 37.5671805 || in.Lng != 126.9669974 {
			t.Errorf("swapped 좌표 not put right: %v,%v", in.Lat, in.Lng)
		}
	})
	t.Run("pharmacy UTF-8 with old headers", func(t *testing.T) {
		res := parseFile(t, "hira_pharmacy_utf8.csv", "")
		if res.Format != FormatHIRAPharmacyCSV || len(res.Institutions) != 2 {
			t.Fatalf("format %q, %d institutions, rejected %v", res.Format, len(res.Institutions), res.Rejected)
		}
		if in := res.Institutions[1]; in.Kind != heydoctor.KindPharmacy || in.Postcode != "" || in.HasLocation() {
			t.Errorf("old 6-digit postcode or blank 좌표 mishandled: %+v", in)
		}
	})
	t.Run("departments merged by ykiho", func(t *testing.T) {
		res := parseFile(t, "hira_departments_utf8.csv", "")
		if res.Format != FormatHIRADeptCSV || res.FullRefresh {
			t.Fatalf("format %q full %v", res.Format, res.FullRefresh)
		}
		type dep struct {
			Short string
			Codes []string
		}
		var got []dep
		for _, in := range res.Institutions {
			got = append(got, dep{in.YKIHO[:12], in.Departments})
		}
		want := []dep{{"JDQ4MTg4MSM1", []string{"D001", "D003"}}, {"JDQ4MTAxMiM1", []string{"D022"}}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"line 7 (ykiho JDQ4MTg4MSM1MSMkMSMkMCMk…) | 진료과목 \"98\" \"알수없는과\" is not a known department", "line 8 | ykiho"}, rejectionSummary(res.Rejected)); diff != "" {
			t.Errorf("rejections mismatch (-want +got):\n%s", diff)
		}
	})
}

// NMC's emergency-room list for Seoul (CP949): every row an emergency room, designated
// by 응급의료기관코드 whatever its 병원분류, with its ER phone; the shifted text columns
// of this copy are not carried.
func TestParseSeoulER(t *testing.T) {
	res := parseFile(t, "seoul_er_sample_cp949.csv", "")
	if res.Format != FormatSeoulHospital || res.Read != 10 || len(res.Rejected) != 0 {
		t.Fatalf("format %q read %d rejected %v", res.Format, res.Read, res.Rejected)
	}
	for _, in := range res.Institutions {
		if !in.ER || in.ERPhone == "" || !in.Class.HospitalGrade() || in.Notes != "" || in.Carries.Has(heydoctor.FieldNotes) {
			t.Errorf("%s %s: ER %v phone %q class %q notes %q", in.HPID, in.Name, in.ER, in.ERPhone, in.Class, in.Notes)
		}
	}
	if in := res.Institutions[0]; in.Name != "가톨릭대학교 여의도성모병원" || in.Hours.Day[6] != span("1000", "1600") {
		t.Errorf("first = %s %+v", in.Name, in.Hours.Day)
	}
}

func TestParseSeoulCSV(t *testing.T) {
	t.Run("pharmacy CP949", func(t *testing.T) {
		res := parseFile(t, "seoul_pharmacy_cp949.csv", "")
		if res.Format != FormatSeoulPharmacy || res.Read != 5 {
			t.Fatalf("format %q read %d", res.Format, res.Read)
		}
		wantRejected := []string{
			"line 5 (hpid C1100002) | dutyTime1c",
			"line 6 (hpid C1110693) | duplicate hpid C1110693 (first seen at line 2 (hpid C1110693))",
		}
		if diff := cmp.Diff(wantRejected, rejectionSummary(res.Rejected)); diff != "" {
			t.Errorf("rejections mismatch (-want +got):\n%s", diff)
		}
		if len(res.Institutions) != 3 {
			t.Fatalf("got %d institutions", len(res.Institutions))
		}
		mangled := res.Institutions[1]
		if mangled.Hours.Day[0] != span("0900", "1815") || mangled.Postcode != "04538" || mangled.Kind != heydoctor.KindPharmacy || mangled.Source != "seoul" {
			t.Errorf("Excel-mangled row = %+v", mangled)
		}
		late := res.Institutions[2].Hours
		want := week(span("1900", "2500"), span("1900", "2500"), span("1900", "2500"), span("1900", "2500"), span("1900", "2500"), span("1800", "2600"), span("1800", "0130"), span("0000", "2400"))
		if diff := cmp.Diff(want, late); diff != "" {
			t.Errorf("past-midnight hours mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("hospital UTF-8 BOM", func(t *testing.T) {
		res := parseFile(t, "seoul_hospital_utf8bom.csv", "")
		if res.Format != FormatSeoulHospital || len(res.Institutions) != 1 {
			t.Fatalf("format %q, %d institutions, rejected %v", res.Format, len(res.Institutions), res.Rejected)
		}
		in := res.Institutions[0]
		if !in.ER || in.ERPhone != "02-2072-2473" || in.Hours.Day[5] != span("0830", "1200") || in.Postcode != "03101" {
			t.Errorf("got %+v", in)
		}
		if diff := cmp.Diff([]string{"line 3 (hpid W1100001) | dutyDiv", "line 4 (hpid A1100018) | wgs84Lat/wgs84Lon"}, rejectionSummary(res.Rejected)); diff != "" {
			t.Errorf("rejections mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestParseErrors(t *testing.T) {
	cp949 := func(s string) string {
		b, err := toCP949(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name, format, input string
		wantErr             string
	}{
		{"gateway error envelope", "", string(readTestdata(t, "gateway_error.xml")), "SERVICE_KEY_IS_NOT_REGISTERED_ERROR"},
		{"gateway error for a JSON format", FormatNMC, string(readTestdata(t, "gateway_error.xml")), "SERVICE_KEY_IS_NOT_REGISTERED_ERROR"},
		{"result code", "", `{"response":{"header":{"resultCode":"22","resultMsg":"LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR"}}}`, "error 22"},
		{"truncated XML", "", string(readTestdata(t, "nmc_list_gangnam_B.xml"))[:5000], "xml"},
		{"truncated JSON", "", string(readTestdata(t, "hira_hospital_list.json"))[:500], "json"},
		{"unknown CSV column", "", "암호화요양기호,요양기관명,비밀컬럼\nX,Y,Z\n", `unknown column "비밀컬럼"`},
		{"unknown Seoul column CP949", "", cp949("약국ID,약국명,주차장\n"), `unknown column "주차장"`},
		{"missing id column", FormatSeoulPharmacy, "약국명,주소\n가,나\n", "no hpid column"},
		{"HTML notice", "", "<html><body>서비스가 종료되었습니다</body></html>", "HTML"},
		{"not text", "", "\xff\xfe\x00\x01\x80\x81", "neither UTF-8 nor CP949"},
		{"unknown format", "dbf", "x", "unknown format"},
		{"empty", "", "  ", "empty"},
		{"XML with other root", "", "<rss></rss>", "not a data.go.kr"},
		{"items not an object", FormatNMC, `{"response":{"header":{"resultCode":"00"},"body":{"items":[1]}}}`, "body.items"},
		{"field not scalar", FormatNMC, `{"response":{"header":{"resultCode":"00"},"body":{"items":{"item":{"hpid":{"x":1}}}}}}`, "not a scalar"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Parse(strings.NewReader(tt.input), tt.format)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Parse = %+v, %v; want error mentioning %q", res, err, tt.wantErr)
			}
		})
	}
	t.Run("APIError is inspectable", func(t *testing.T) {
		_, err := Parse(bytes.NewReader(readTestdata(t, "gateway_error.xml")), "")
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Code != "30" || apiErr.AuthMsg != "SERVICE_KEY_IS_NOT_REGISTERED_ERROR" {
			t.Errorf("err = %#v", err)
		}
	})
}

func TestParseLimits(t *testing.T) {
	p := parser{maxInput: 1000, maxField: 64}
	tests := []struct {
		name, input, wantErr string
	}{
		{"input too big", strings.Repeat(" ", 1001), "larger than 1000"},
		{"XML field too long", `<response><body><items><item><dutyEtc>` + strings.Repeat("가", 30) + `</dutyEtc></item></items></body></response>`, "longer than 64"},
		{"JSON field too long", `{"response":{"body":{"items":{"item":{"dutyEtc":"` + strings.Repeat("a", 65) + `"}}}}}`, "longer than 64"},
		{"CSV field too long", "약국ID,약국명\nC1," + strings.Repeat("a", 65) + "\n", "longer than 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.parse(strings.NewReader(tt.input), "")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want it to mention %q", err, tt.wantErr)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		file, want string
	}{
		{"nmc_list_gangnam_B.xml", FormatNMC},
		{"nmc_detail.xml", FormatNMC},
		{"nmc_fulldown_mixed.json", FormatNMC},
		{"nmc_pharmacy_basis.json", FormatNMCPharmacy},
		{"hira_hospital_list.json", FormatHIRABasis},
		{"kasi_holiday_2026.xml", FormatKASI},
		{"kasi_2025_05.json", FormatKASI},
		{"gateway_error.xml", FormatDataGoKr},
		{"gg_envelope.json", FormatGyeonggi},
		{"gg_GgHosptlM_dataSet.json", FormatGyeonggi},
		{"hira_hospital_cp949.csv", FormatHIRAHospitalCSV},
		{"hira_pharmacy_utf8.csv", FormatHIRAPharmacyCSV},
		{"hira_departments_utf8.csv", FormatHIRADeptCSV},
		{"seoul_pharmacy_cp949.csv", FormatSeoulPharmacy},
		{"seoul_hospital_utf8bom.csv", FormatSeoulHospital},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readTestdata(t, tt.file)
			// Detect sees only the head, which may end inside a character or a column name.
			got, err := Detect(data[:min(len(data), 1501)])
			if err != nil || got != tt.want {
				t.Errorf("Detect = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestNormHHMM(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"0900", "0900", false},
		{"900", "0900", false},
		{" 1900 ", "1900", false},
		{"0", "0000", false},
		{"", "", false},
		{"2600", "2600", false},
		{"2430", "2430", false},
		{"0960", "", true},
		{"09:00", "", true},
		{"12345", "", true},
		{"-900", "", true},
		{"4800", "", true},
		{"９００", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := normHHMM(tt.in)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("normHHMM(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestFormatsAllParse(t *testing.T) {
	// Every listed format is accepted by Parse (an empty input fails as empty, not unknown).
	for _, f := range Formats() {
		t.Run(f, func(t *testing.T) {
			_, err := Parse(strings.NewReader(""), f)
			if err != nil && strings.Contains(err.Error(), "unknown format") {
				t.Errorf("format %q is listed but unknown to Parse", f)
			}
		})
	}
}

func toCP949(s string) (string, error) {
	return korean.EUCKR.NewEncoder().String(s)
}
