package publicdata

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"heydoctor"
)

// hiraWorkbook builds a HIRA-like workbook the way Excel stores it: numbers as numeric
// cells (clCd 1, 우편번호 3181, 개설일자 as a date serial) and trailing empty cells absent.
func hiraWorkbook(tb testing.TB, rows [][]any) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			tb.Fatal(err)
		}
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			tb.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func hiraHospitalRows() [][]any {
	return [][]any{
		{"암호화요양기호", "요양기관명", "종별코드", "종별코드명", "시도코드", "시도코드명", "우편번호", "주소", "전화번호", "병원홈페이지", "개설일자", "총의사수", "의과전문의 인원수", "좌표(X)", "좌표(Y)"},
		{"JDQ4MTg4MSM1MSMkMSMk", "강북삼성병원", 1, "상급종합", 110000, "서울", 3181, "서울특별시 종로구 새문안로 29", "02-2001-2001", "http://www.kbsmc.co.kr", 28938, 397, 256, 126.96775, 37.5684083},
		{"JDQ4MTAxMiM1MSMkMSMk", "좌표없는의원", 31, "의원", 110000, "서울", "03189", "서울특별시 종로구 종로 51", "02-000-1234"},
		{"JDQ4MTAxMyM1MSMkMSMk", "알수없는종별", 77, "?", 110000, "서울", "03189", "서울특별시 종로구 종로 52"},
	}
}

func TestParseXLSX(t *testing.T) {
	data := hiraWorkbook(t, hiraHospitalRows())
	res, err := Parse(bytes.NewReader(data), "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != FormatHIRAHospitalXLSX || !res.FullRefresh || res.Scope != "hira:hospital" || res.Read != 3 {
		t.Fatalf("format %q full %v scope %q read %d", res.Format, res.FullRefresh, res.Scope, res.Read)
	}
	want := []heydoctor.Institution{
		{Kind: heydoctor.KindHospital, TypeCode: "01", TypeName: "상급종합", Class: heydoctor.ClassTertiary, Carries: heydoctor.FieldBasis | heydoctor.FieldPostcode, Name: "강북삼성병원", Address: "서울특별시 종로구 새문안로 29",
			Postcode: "03181", Phone: "02-2001-2001", Lat: 37.5684083, Lng: 126.96775, Status: heydoctor.StatusOperating, YKIHO: "JDQ4MTg4MSM1MSMkMSMk", Source: "hira"},
		{Kind: heydoctor.KindClinic, TypeCode: "31", TypeName: "의원", Class: heydoctor.ClassClinic, Carries: heydoctor.FieldBasis | heydoctor.FieldPostcode, Name: "좌표없는의원", Address: "서울특별시 종로구 종로 51",
			Postcode: "03189", Phone: "02-000-1234", Status: heydoctor.StatusOperating, YKIHO: "JDQ4MTAxMiM1MSMkMSMk", Source: "hira"},
	}
	if diff := cmp.Diff(want, res.Institutions); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"line 4 (ykiho JDQ4MTAxMyM1MSMkMSMk) | clCd"}, rejectionSummary(res.Rejected)); diff != "" {
		t.Errorf("rejections mismatch (-want +got):\n%s", diff)
	}

	t.Run("departments", func(t *testing.T) {
		data := hiraWorkbook(t, [][]any{
			{"암호화요양기호", "요양기관명", "진료과목코드", "진료과목코드명", "과목별 전문의수", "선택진료 의사수"},
			{"Y1", "가", 1, "내과", 3, 0},
			{"Y1", "가", 23, "가정의학과", 1, 0},
		})
		res, err := Parse(bytes.NewReader(data), FormatHIRAXLSX)
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != FormatHIRADeptXLSX || len(res.Institutions) != 1 {
			t.Fatalf("format %q, %+v", res.Format, res.Institutions)
		}
		if diff := cmp.Diff([]string{"D001", "D022"}, res.Institutions[0].Departments); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("unknown column", func(t *testing.T) {
		data := hiraWorkbook(t, [][]any{{"암호화요양기호", "요양기관명", "비밀"}})
		_, err := Parse(bytes.NewReader(data), "")
		if err == nil || !strings.Contains(err.Error(), `unknown column "비밀"`) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("not a workbook", func(t *testing.T) {
		_, err := Parse(bytes.NewReader([]byte("PK\x03\x04garbage")), "")
		if err == nil || !strings.Contains(err.Error(), "xlsx") {
			t.Errorf("err = %v", err)
		}
	})
}
