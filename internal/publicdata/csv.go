package publicdata

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"heydoctor"
)

// ignored marks a known column that HeyDoctor does not import.
const ignored = "-"

// csvKey folds a header for the alias tables: releases differ in spaces and quotes
// ("의과일반의 인원수" vs "의과일반의인원수").
func csvKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '"' || r == '\uFEFF' {
			return -1
		}
		return r
	}, s)
}

// hiraColumn maps a header of HIRA's bulk tables (병원정보서비스, 약국정보서비스,
// 진료과목정보) to getHospBasisList field names, across the releases' renamings.
func hiraColumn(key string) (string, bool) {
	switch key {
	case "암호화요양기호", "암호화YKIHO코드", "암호화된요양기호", "요양기호":
		return "ykiho", true
	case "요양기관명":
		return "yadmNm", true
	case "종별코드":
		return "clCd", true
	case "종별코드명":
		return "clCdNm", true
	case "시도코드":
		return "sidoCd", true
	case "시도코드명", "시도명":
		return "sidoCdNm", true
	case "시군구코드":
		return "sgguCd", true
	case "시군구코드명", "시군구명":
		return "sgguCdNm", true
	case "읍면동":
		return "emdongNm", true
	case "우편번호":
		return "postNo", true
	case "주소":
		return "addr", true
	case "전화번호":
		return "telno", true
	case "병원홈페이지", "병원URL":
		return "hospUrl", true
	case "개설일자":
		return "estbDd", true
	case "총의사수", "의사총수":
		return "drTotCnt", true
	case "좌표(X)", "X좌표", "좌표X":
		return "XPos", true
	case "좌표(Y)", "Y좌표", "좌표Y":
		return "YPos", true
	case "진료과목코드":
		return "dgsbjtCd", true
	case "진료과목코드명":
		return "dgsbjtCdNm", true
	case "과목별전문의수":
		return "dgsbjtPrSdrCnt", true
	case "선택진료의사수":
		return ignored, true
	// 세부정보 (member 4), named as getDtlInfo names them.
	case "휴진안내_일요일":
		return "noTrmtSun", true
	case "휴진안내_공휴일":
		return "noTrmtHoli", true
	case "응급실_주간_운영여부":
		return "emyDayYn", true
	case "응급실_주간_전화번호1":
		return "emyDayTelNo1", true
	case "응급실_주간_전화번호2":
		return "emyDayTelNo2", true
	case "응급실_야간_운영여부":
		return "emyNgtYn", true
	case "응급실_야간_전화번호1":
		return "emyNgtTelNo1", true
	case "응급실_야간_전화번호2":
		return "emyNgtTelNo2", true
	case "점심시간_평일":
		return "lunchWeek", true
	case "점심시간_토요일":
		return "lunchSat", true
	case "위치_공공건물(장소)명", "위치_방향", "위치_거리", "주차_가능대수", "주차_비용부담여부", "주차_기타안내사항",
		"접수시간_평일", "접수시간_토요일":
		return ignored, true
	}
	// 진료시작시간_월요일 … 진료종료시간_일요일.
	for i, day := range []string{"월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일"} {
		switch key {
		case "진료시작시간_" + day:
			return hiraDetailDays[i][0], true
		case "진료종료시간_" + day:
			return hiraDetailDays[i][1], true
		}
	}
	// 의과일반의 인원수 … 조산사 인원수; 2020.3: 일반의 의사수 … 전문의 의사수.
	if strings.HasSuffix(key, "인원수") || strings.HasSuffix(key, "의사수") {
		return "count:" + key, true
	}
	return "", false
}

func isDoctorCount(field string) bool {
	return field == "drTotCnt" || strings.HasPrefix(field, "count:")
}

// seoulColumn maps a header of Seoul's CSV dumps of NMC data to NMC field names, so that
// both share nmcInstitution.
func seoulColumn(key string) (string, bool) {
	switch key {
	case "기관ID", "기관ID(HPID)", "약국ID", "HPID":
		return "hpid", true
	case "주소":
		return "dutyAddr", true
	case "병원분류":
		return "dutyDiv", true
	case "병원분류명":
		return "dutyDivNam", true
	case "응급의료기관코드":
		return "dutyEmcls", true
	case "응급의료기관코드명":
		return "dutyEmclsName", true
	case "응급실운영여부", "응급실운영여부(1/2)":
		return "dutyEryn", true
	case "비고":
		return "dutyEtc", true
	case "기관설명상세":
		return "dutyInf", true
	case "간이약도":
		return "dutyMapimg", true
	case "기관명", "약국명":
		return "dutyName", true
	case "대표전화1", "대표전화":
		return "dutyTel1", true
	case "응급실전화":
		return "dutyTel3", true
	case "우편번호1":
		return "postCdn1", true
	case "우편번호2":
		return "postCdn2", true
	case "병원경도", "경도":
		return "wgs84Lon", true
	case "병원위도", "위도":
		return "wgs84Lat", true
	case "작업일시", "작업시간":
		return ignored, true
	}
	// 진료시간(월요일)C … 진료시간(공휴일)S; C (close) columns come first in the files.
	if rest, ok := strings.CutPrefix(key, "진료시간("); ok {
		for i, day := range []string{"월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일", "공휴일"} {
			switch rest {
			case day + ")C":
				return fmt.Sprintf("dutyTime%dc", i+1), true
			case day + ")S":
				return fmt.Sprintf("dutyTime%ds", i+1), true
			}
		}
	}
	return "", false
}

// splitHeader parses one CSV header line.
func splitHeader(line string) ([]string, error) {
	r := csv.NewReader(strings.NewReader(line))
	r.LazyQuotes = true
	cols, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("csv header: %w", err)
	}
	return cols, nil
}

// mapHeader maps header columns to field names, choosing the HIRA or the Seoul table by
// the id column. An unknown column fails the whole file, naming it: a silently dropped
// column is how coordinates end up swapped or hours lost.
func mapHeader(cols []string) ([]string, error) {
	hira := slices.ContainsFunc(cols, func(c string) bool {
		f, _ := hiraColumn(csvKey(c))
		return f == "ykiho"
	})
	lookup := seoulColumn
	if hira {
		lookup = hiraColumn
	}
	out := make([]string, len(cols))
	seen := make(map[string]string)
	for i, c := range cols {
		f, ok := lookup(csvKey(c))
		if !ok {
			return nil, fmt.Errorf("csv header: unknown column %q (column %d)", strings.TrimSpace(c), i+1)
		}
		if f != ignored {
			if prev, dup := seen[f]; dup {
				return nil, fmt.Errorf("csv header: columns %q and %q both mean %s", prev, c, f)
			}
			seen[f] = c
		}
		out[i] = f
	}
	return out, nil
}

// rowSource yields the rows of a table (CSV or a worksheet) after its header. Next
// returns io.EOF at the end and a *rowError for a row that cannot be read.
type rowSource interface {
	Next() (rec []string, line int, err error)
}

type rowError struct {
	line int
	err  error
}

func (e *rowError) Error() string { return e.err.Error() }

type csvSource struct{ r *csv.Reader }

func (s csvSource) Next() ([]string, int, error) {
	rec, err := s.r.Read()
	if err != nil {
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			return nil, perr.StartLine, &rowError{perr.StartLine, perr.Err}
		}
		return nil, 0, err
	}
	line, _ := s.r.FieldPos(0)
	return rec, line, nil
}

func (p parser) parseCSV(data []byte, res *Result) error {
	r := csv.NewReader(bytes.NewReader(data))
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("csv header: %w", err)
	}
	return p.parseTable(header, csvSource{r}, false, res)
}

// tableKind names what a bulk table holds, whatever its container (CSV or XLSX).
func tableKind(format string) string {
	switch format {
	case FormatHIRAHospitalCSV, FormatHIRAHospitalXLSX:
		return "hira:hospital"
	case FormatHIRAPharmacyCSV, FormatHIRAPharmacyXLSX:
		return "hira:pharmacy"
	case FormatHIRADeptCSV, FormatHIRADeptXLSX:
		return "hira:departments"
	case FormatHIRADetailCSV, FormatHIRADetailXLSX:
		return "hira:detail"
	case FormatSeoulHospital:
		return "seoul:hospital"
	case FormatSeoulPharmacy:
		return "seoul:pharmacy"
	}
	return ""
}

// parseTable maps header to field names and reads every row. padShort accepts rows
// shorter than the header (worksheets drop trailing empty cells); CSV rows must match.
func (p parser) parseTable(header []string, src rowSource, padShort bool, res *Result) error {
	cols, err := mapHeader(header)
	if err != nil {
		return err
	}
	kind := tableKind(res.Format)
	required := "ykiho"
	if strings.HasPrefix(kind, "seoul:") {
		required = "hpid"
	}
	if !slices.Contains(cols, required) {
		return fmt.Errorf("header: no %s column for format %s", required, res.Format)
	}
	if kind == "hira:departments" && !slices.Contains(cols, "dgsbjtCd") && !slices.Contains(cols, "dgsbjtCdNm") {
		return errors.New("header: no 진료과목코드 column")
	}
	res.Scope = kind
	res.FullRefresh = kind == "hira:hospital" || kind == "hira:pharmacy"
	b := newBuilder(res)
	depts := make(map[string]int) // ykiho → index in res.Institutions
	for {
		rec, line, err := src.Next()
		if err == io.EOF {
			break
		}
		pos := fmt.Sprintf("line %d", line)
		if err != nil {
			var rerr *rowError
			if !errors.As(err, &rerr) {
				return err
			}
			res.Read++
			b.reject(pos, "%v", rerr.err)
			continue
		}
		if len(rec) == 0 || len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		res.Read++
		if p.onRow != nil && res.Read%5000 == 0 {
			p.onRow(res.Read)
		}
		if padShort && len(rec) < len(cols) {
			rec = append(rec, make([]string, len(cols)-len(rec))...)
		}
		if len(rec) != len(cols) {
			b.reject(pos, "has %d fields, the header has %d", len(rec), len(cols))
			continue
		}
		f := make(fields, len(cols))
		for i, v := range rec {
			if len(v) > p.maxField {
				return fmt.Errorf("%s: column %q is longer than %d bytes", pos, header[i], p.maxField)
			}
			if cols[i] != ignored {
				f[cols[i]] = strings.TrimSpace(v)
			}
		}
		switch kind {
		case "seoul:hospital", "seoul:pharmacy":
			pharmacy := kind == "seoul:pharmacy"
			b.record(pos, f, "hpid", func(f fields) (heydoctor.Institution, error) { return nmcInstitution(f, pharmacy) }, func(in *heydoctor.Institution) {
				in.Source = "seoul"
				// Copies of these files circulate with 비고, 기관설명상세 and 간이약도 shifted
				// between rows (a 종합병원 described as a dental clinic): their text is not
				// trusted, and not carried.
				in.Notes, in.Carries = "", in.Carries&^heydoctor.FieldNotes
			})
		case "hira:detail":
			b.record(pos, f, "ykiho", hiraDetail, nil)
		case "hira:departments":
			id := f["ykiho"]
			if id == "" {
				b.reject(pos, "ykiho: missing")
				continue
			}
			code, ok := hiraDepartment(f)
			if !ok {
				if padDigits(f["dgsbjtCd"], 2) != "00" {
					b.reject(pos+" (ykiho "+shortID(id)+")", "진료과목 %q %q is not a known department", f["dgsbjtCd"], f["dgsbjtCdNm"])
				}
				continue
			}
			i, ok := depts[id]
			if !ok {
				i = len(res.Institutions)
				depts[id] = i
				res.Institutions = append(res.Institutions, heydoctor.Institution{YKIHO: id, Source: "hira", Carries: heydoctor.FieldDepartments})
			}
			in := &res.Institutions[i]
			if !slices.Contains(in.Departments, code) {
				in.Departments = append(in.Departments, code)
			}
			if n, err := count(f["dgsbjtPrSdrCnt"]); err != nil {
				b.reject(pos+" (ykiho "+shortID(id)+")", "과목별 전문의수: %v", err)
			} else if n > 0 {
				if in.Specialists == nil {
					in.Specialists = make(map[string]int)
				}
				in.Specialists[code] += n
			}
		default:
			b.record(pos, f, "ykiho", hiraInstitution, nil)
		}
	}
	return nil
}
