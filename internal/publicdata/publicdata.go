// Package publicdata turns Korea's public hospital, clinic, pharmacy and holiday data
// into domain values. It never touches the database: the store applies a Result in one
// transaction and the CLI prints its summary.
//
// # Sources
//
// Each format name below is accepted by Parse and returned by Detect.
//
//   - "nmc": 국립중앙의료원 전국 병·의원 찾기 서비스 (data.go.kr 15000736,
//     B552657/HsptlAsembySearchService) list, FullDown, detail and location operations,
//     XML or JSON. The only national source of weekly hours (dutyTime1s..8c).
//   - "nmc-pharmacy": 국립중앙의료원 전국 약국 정보 조회 서비스 (data.go.kr 15000576,
//     B552657/ErmctInsttInfoInqireService), XML or JSON. Items without dutyDiv whose hpid
//     starts with C are pharmacies.
//   - "hira-basis": 건강보험심사평가원 병원정보서비스 getHospBasisList (data.go.kr 15001698)
//     and the pharmacy twin getParmacyBasisList, XML or JSON. Authoritative 종별 (clCd); no hours.
//   - "kasi-holidays": 한국천문연구원 특일정보 getRestDeInfo (data.go.kr 15012690), XML or JSON.
//   - "datagokr": any data.go.kr envelope; each item is read by its fields (hpid → NMC,
//     ykiho → HIRA, locdate → KASI). Detect falls back to it for empty or error envelopes.
//   - "hira-csv-hospital", "hira-csv-pharmacy", "hira-csv-detail", "hira-csv-departments":
//     members 1, 2, 4 and 5 of HIRA's quarterly bulk download 전국 병의원 및 약국 현황 (opendata.hira.or.kr), CSV in
//     CP949 or UTF-8, headers matched through an alias table across releases.
//     "hira-xlsx-hospital", "hira-xlsx-pharmacy", "hira-xlsx-detail", "hira-xlsx-departments": the same tables
//     as the XLSX workbooks of recent releases ("hira-xlsx" picks one from the header).
//     The 세부정보 and 진료과목 tables describe institutions of table 1: they yield one
//     partial Institution per ykiho (Carries says which fields: hours, lunch and the
//     emergency room; departments and specialist counts), and the store writes those
//     fields into the institution with that YKIHO (they are not snapshots: FullRefresh is
//     false). The whole ZIP is read by ReadRelease.
//   - "gyeonggi": 경기데이터드림 GgHosptlM 병원 현황 (data.go.kr 15056746), JSON: the bare row
//     array of the file download or the API envelope. Includes closed and suspended rows and
//     no hours. It publishes no id, so LocalKey is "gg:" and 16 hex digits of SHA-256 over
//     the name and road (else lot) address with spaces removed and case folded, and the
//     licence date LICENSG_DE.
//   - "seoul-pharmacy-csv", "seoul-hospital-csv": 서울 열린데이터광장 CSV dumps of the NMC
//     data (서울시 약국 운영시간 정보, 서울시 병의원 위치 정보 OA-20337), CP949 or UTF-8.
package publicdata

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"

	"heydoctor"
)

// Input limits. A national FullDown page or HIRA bulk table is tens of megabytes; a
// field is at most a few kilobytes of free text. Anything far bigger is hostile or broken.
const (
	MaxInput = 512 << 20
	MaxField = 64 << 10
)

// Result is what one input yields: institutions or holidays to upsert, and the records
// that could not be used, each with a reason, so that one bad row never blocks an import.
type Result struct {
	Format       string
	Institutions []heydoctor.Institution
	Holidays     []heydoctor.PublicHoliday
	Rejected     []Rejection
	Read         int // records read, including rejected and skipped ones

	// FullRefresh is true when the input is a complete snapshot of Scope, so that the
	// store may mark institutions of that scope missing from it as closed. Parse sets it
	// for HIRA bulk tables and the Gyeonggi file download; Client.FetchAll sets it for a
	// complete paged download. Callers that know a file is a FullDown dump may set it.
	FullRefresh bool
	Scope       string // e.g. "nmc:hospital", "nmc:pharmacy", "hira:hospital", "gyeonggi"

	// Total is the source's count of all records (data.go.kr totalCount, Gyeonggi
	// list_total_count); zero when the input does not say.
	Total int

	pageRows int // numOfRows as returned by the server, for paging
}

// Rejection says which record was not imported and why.
type Rejection struct {
	Position string // "item 3 (hpid A1100141)", "line 12", "row 5"
	Reason   string
}

// Format names.
const (
	FormatNMC             = "nmc"
	FormatNMCPharmacy     = "nmc-pharmacy"
	FormatHIRABasis       = "hira-basis"
	FormatKASI            = "kasi-holidays"
	FormatDataGoKr        = "datagokr"
	FormatHIRAHospitalCSV = "hira-csv-hospital"
	FormatHIRAPharmacyCSV = "hira-csv-pharmacy"
	FormatHIRADeptCSV     = "hira-csv-departments"
	FormatHIRADetailCSV   = "hira-csv-detail"
	FormatGyeonggi        = "gyeonggi"
	FormatSeoulPharmacy   = "seoul-pharmacy-csv"
	FormatSeoulHospital   = "seoul-hospital-csv"

	FormatHIRAXLSX         = "hira-xlsx" // which of the three below is chosen from the header
	FormatHIRAHospitalXLSX = "hira-xlsx-hospital"
	FormatHIRAPharmacyXLSX = "hira-xlsx-pharmacy"
	FormatHIRADeptXLSX     = "hira-xlsx-departments"
	FormatHIRADetailXLSX   = "hira-xlsx-detail"
)

// Formats lists the format names Parse accepts.
func Formats() []string {
	return []string{
		FormatNMC, FormatNMCPharmacy, FormatHIRABasis, FormatKASI, FormatDataGoKr,
		FormatHIRAHospitalCSV, FormatHIRAPharmacyCSV, FormatHIRADeptCSV, FormatHIRADetailCSV,
		FormatGyeonggi, FormatSeoulPharmacy, FormatSeoulHospital,
		FormatHIRAXLSX, FormatHIRAHospitalXLSX, FormatHIRAPharmacyXLSX, FormatHIRADeptXLSX, FormatHIRADetailXLSX,
	}
}

// Parse reads one whole input in the given format ("" detects it from the content).
// It returns an error only when the input as a whole is unusable: too big, in an unknown
// encoding, truncated, an error envelope from the gateway, or a CSV header with a column
// it does not know. Bad records are listed in Result.Rejected and the rest is imported.
func Parse(r io.Reader, format string) (*Result, error) {
	return parser{maxInput: MaxInput, maxField: MaxField}.parse(r, format)
}

// parser carries the limits so that tests can exercise them with small inputs.
type parser struct {
	maxInput int64
	maxField int
	onRow    func(rows int) // progress of a long table, may be nil
}

func (p parser) parse(r io.Reader, format string) (*Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, p.maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("read input: %w", err)
	}
	if int64(len(data)) > p.maxInput {
		return nil, fmt.Errorf("input is larger than %d bytes", p.maxInput)
	}
	if !bytes.HasPrefix(data, zipMagic) {
		if data, err = toUTF8(data); err != nil {
			return nil, err
		}
	}
	if format == "" {
		head := data[:min(len(data), 64<<10)]
		if format, err = Detect(head); err != nil {
			return nil, err
		}
	}
	res := &Result{Format: format}
	switch format {
	case FormatNMC, FormatNMCPharmacy, FormatHIRABasis, FormatKASI, FormatDataGoKr:
		err = p.parseEnvelope(data, res)
	case FormatHIRAHospitalCSV, FormatHIRAPharmacyCSV, FormatHIRADeptCSV, FormatHIRADetailCSV, FormatSeoulPharmacy, FormatSeoulHospital:
		err = p.parseCSV(data, res)
	case FormatGyeonggi:
		err = p.parseGyeonggi(data, res)
	case FormatHIRAXLSX, FormatHIRAHospitalXLSX, FormatHIRAPharmacyXLSX, FormatHIRADeptXLSX, FormatHIRADetailXLSX:
		err = p.parseXLSX(data, res)
	default:
		return nil, fmt.Errorf("unknown format %q (known: %s)", format, strings.Join(Formats(), ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", format, err)
	}
	return res, nil
}

var (
	utf8BOM  = []byte{0xEF, 0xBB, 0xBF}
	zipMagic = []byte("PK\x03\x04") // XLSX is a ZIP archive
)

// toUTF8 strips a UTF-8 byte order mark or converts CP949 (EUC-KR), the encoding of
// Seoul's and older HIRA CSV files, to UTF-8. Bytes that are neither fail the input:
// guessing would store mojibake names.
func toUTF8(data []byte) ([]byte, error) {
	if b, ok := bytes.CutPrefix(data, utf8BOM); ok {
		if !utf8.Valid(b) {
			return nil, errors.New("input has a UTF-8 byte order mark but is not valid UTF-8")
		}
		return b, nil
	}
	if utf8.Valid(data) {
		return data, nil
	}
	out, err := korean.EUCKR.NewDecoder().Bytes(data)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return nil, errors.New("input is neither UTF-8 nor CP949 (EUC-KR)")
	}
	return out, nil
}

// Detect names the format of an input from its first bytes (64 KB is plenty). It accepts
// UTF-8 (with or without BOM) and CP949.
func Detect(head []byte) (string, error) {
	if bytes.HasPrefix(head, zipMagic) {
		return FormatHIRAXLSX, nil
	}
	if b, ok := bytes.CutPrefix(head, utf8BOM); ok {
		head = b
	} else if !utf8.Valid(head) {
		// The head may end inside a character; decode leniently, only markers matter.
		if out, err := korean.EUCKR.NewDecoder().Bytes(head); err == nil {
			head = out
		}
	}
	trimmed := bytes.TrimSpace(head)
	if len(trimmed) == 0 {
		return "", errors.New("detect format: input is empty")
	}
	lower := bytes.ToLower(trimmed[:min(len(trimmed), 512)])
	if bytes.Contains(lower, []byte("<html")) || bytes.Contains(lower, []byte("<!doctype html")) {
		return "", errors.New("detect format: input is an HTML page, not data (retired endpoint or error page?)")
	}
	has := func(s string) bool { return bytes.Contains(trimmed, []byte(s)) }
	switch trimmed[0] {
	case '<':
		switch {
		case has("<hpid>") && !has("<dutyDiv>") && !has("<dutyEmcls>"):
			return FormatNMCPharmacy, nil
		case has("<hpid>"):
			return FormatNMC, nil
		case has("<ykiho>"):
			return FormatHIRABasis, nil
		case has("<locdate>"):
			return FormatKASI, nil
		case has("<response") || has("<OpenAPI_ServiceResponse"):
			return FormatDataGoKr, nil
		}
		return "", errors.New("detect format: XML is not a data.go.kr response")
	case '{', '[':
		switch {
		case has(`"response"`) && has(`"hpid"`) && !has(`"dutyDiv"`):
			return FormatNMCPharmacy, nil
		case has(`"response"`) && has(`"hpid"`):
			return FormatNMC, nil
		case has(`"response"`) && has(`"ykiho"`):
			return FormatHIRABasis, nil
		case has(`"response"`) && has(`"locdate"`):
			return FormatKASI, nil
		case has(`"response"`):
			return FormatDataGoKr, nil
		case has(`"BIZPLC_NM"`) || has(`"RESULT"`) || has(`"head"`) || has(`"row"`):
			return FormatGyeonggi, nil
		}
		return "", errors.New("detect format: JSON is neither a data.go.kr nor a 경기데이터드림 response")
	}
	return detectCSV(trimmed)
}

// detectCSV names a CSV format from its header line.
func detectCSV(head []byte) (string, error) {
	line, _, complete := bytes.Cut(head, []byte("\n"))
	cols, err := splitHeader(string(line))
	if err != nil {
		return "", fmt.Errorf("detect format: %w", err)
	}
	if !complete && len(cols) > 1 {
		cols = cols[:len(cols)-1] // the head ends inside the last column's name
	}
	fields, err := mapHeader(cols)
	if err != nil {
		return "", fmt.Errorf("detect format: %w", err)
	}
	return tableFormat(fields)
}

// tableFormat names a table's CSV format from its mapped header fields.
func tableFormat(fields []string) (string, error) {
	switch {
	case slices.Contains(fields, "hpid") && slices.Contains(fields, "dutyDiv"):
		return FormatSeoulHospital, nil
	case slices.Contains(fields, "hpid"):
		return FormatSeoulPharmacy, nil
	case slices.Contains(fields, "ykiho") && slices.Contains(fields, "dgsbjtCd"):
		return FormatHIRADeptCSV, nil
	case slices.Contains(fields, "ykiho") && slices.Contains(fields, "trmtMonStart"):
		return FormatHIRADetailCSV, nil
	case slices.Contains(fields, "ykiho") && slices.ContainsFunc(fields, isDoctorCount):
		return FormatHIRAHospitalCSV, nil
	case slices.Contains(fields, "ykiho"):
		return FormatHIRAPharmacyCSV, nil
	}
	return "", errors.New("detect format: header has neither an HPID nor a 암호화요양기호 column")
}
