package publicdata

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"heydoctor"
)

// parseGyeonggi reads 경기데이터드림 GgHosptlM rows: the bare array of the file download,
// or the API envelope {"GgHosptlM":[{"head":[…]},{"row":[…]}]} whose head and row are
// sibling elements. The error envelope {"RESULT":{…}} fails the input.
func (p parser) parseGyeonggi(data []byte, res *Result) error {
	res.Scope = "gyeonggi"
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return errors.New("input is empty")
	}
	var rows []json.RawMessage
	switch data[0] {
	case '[':
		if err := json.Unmarshal(data, &rows); err != nil {
			return fmt.Errorf("json: %w", err)
		}
		// The file download is the whole province: missing rows may be marked closed.
		res.FullRefresh = true
	case '{':
		var top map[string]json.RawMessage
		if err := json.Unmarshal(data, &top); err != nil {
			return fmt.Errorf("json: %w", err)
		}
		if r, ok := top["RESULT"]; ok {
			return ggResultError(r)
		}
		if len(top) != 1 {
			return errors.New(`json: expected one service object such as "GgHosptlM"`)
		}
		for service, raw := range top {
			var parts []struct {
				Head []json.RawMessage `json:"head"`
				Row  []json.RawMessage `json:"row"`
			}
			if err := json.Unmarshal(raw, &parts); err != nil {
				return fmt.Errorf("json: %s: %w", service, err)
			}
			for _, part := range parts {
				rows = append(rows, part.Row...)
				for _, h := range part.Head {
					var head struct {
						Total  json.Number     `json:"list_total_count"`
						Result json.RawMessage `json:"RESULT"`
					}
					if err := json.Unmarshal(h, &head); err != nil {
						return fmt.Errorf("json: %s.head: %w", service, err)
					}
					if head.Total != "" {
						n, err := strconv.Atoi(head.Total.String())
						if err != nil || n < 0 {
							return fmt.Errorf("json: list_total_count %q is not a count", head.Total)
						}
						res.Total = n
					}
					if head.Result != nil {
						if err := ggResultError(head.Result); err != nil {
							return err
						}
					}
				}
			}
		}
		res.FullRefresh = res.Total > 0 && res.Total == len(rows)
	default:
		return errors.New("input is not JSON")
	}
	b := newBuilder(res)
	for i, raw := range rows {
		res.Read++
		pos := fmt.Sprintf("row %d", i+1)
		f, err := p.jsonFields(raw)
		if err != nil {
			b.reject(pos, "%v", err)
			continue
		}
		if name := f["BIZPLC_NM"]; name != "" {
			pos += " (" + name + ")"
		}
		in, err := gyeonggiInstitution(f)
		if err != nil {
			b.reject(pos, "%v", err)
			continue
		}
		b.add(pos, in)
	}
	return nil
}

// ggResultError turns a RESULT object into an error unless it is INFO-000 (정상).
func ggResultError(raw json.RawMessage) error {
	var r struct {
		Code    string `json:"CODE"`
		Message string `json:"MESSAGE"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("json: RESULT: %w", err)
	}
	if r.Code == "INFO-000" {
		return nil
	}
	return fmt.Errorf("경기데이터드림 error %s: %s", r.Code, r.Message)
}

// gyeonggiStatus maps BSN_STATE_NM; 정상 is what the 의원 service (AsembyStus) says.
func gyeonggiStatus(s string) (heydoctor.BusinessStatus, bool) {
	switch s {
	case "영업중", "영업", "정상", "영업/정상":
		return heydoctor.StatusOperating, true
	case "휴업":
		return heydoctor.StatusSuspended, true
	case "폐업", "직권폐업", "전출", "삭제", "취소/말소/만료/정지/중지", "말소":
		return heydoctor.StatusClosed, true
	}
	return "", false
}

func gyeonggiInstitution(f fields) (heydoctor.Institution, error) {
	in := heydoctor.Institution{Source: "gyeonggi"}
	in.Name = f["BIZPLC_NM"]
	if in.Name == "" {
		return in, errors.New("BIZPLC_NM: missing")
	}
	st, ok := gyeonggiStatus(f["BSN_STATE_NM"])
	if !ok {
		return in, fmt.Errorf("BSN_STATE_NM: unknown status %q", f["BSN_STATE_NM"])
	}
	in.Status = st
	in.Address = f.first("REFINE_ROADNM_ADDR", "REFINE_LOTNO_ADDR")
	in.Postcode = postcode(f.first("REFINE_ZIPNO", "REFINE_ZIP_CD"))
	in.Phone = phone(f.first("LOCPLC_FACLT_TELNO_DTLS", "LOCPLC_FACLT_TELNO"))
	var err error
	if in.Lat, in.Lng, err = coordinates("REFINE_WGS84_LAT", f["REFINE_WGS84_LAT"], "REFINE_WGS84_LOGT", f["REFINE_WGS84_LOGT"]); err != nil {
		return in, err
	}
	in.TypeName = f.first("MEDINST_ASORTMT_NM", "BIZCOND_DIV_NM_INFO")
	in.Kind = heydoctor.KindHospital
	if strings.Contains(in.TypeName, "의원") {
		in.Kind = heydoctor.KindClinic
	}
	in.Class = gyeonggiClass(in.TypeName)
	in.Carries = heydoctor.FieldBasis | heydoctor.FieldDepartments
	if in.Postcode != "" {
		in.Carries |= heydoctor.FieldPostcode
	}
	in.Departments = gyeonggiDepartments(f["TREAT_SBJECT_CONT"], f["TREAT_SBJECT_CONT_INFO"])
	in.LocalKey = gyeonggiKey(in.Name, in.Address, f["LICENSG_DE"])
	return in, nil
}

// gyeonggiClass reads MEDINST_ASORTMT_NM: 병원, 종합병원, 요양병원(일반요양병원),
// 요양병원(정신병원), 요양병원(노인병원), 치과병원, 한방병원, or the 의원 names of AsembyStus.
func gyeonggiClass(name string) heydoctor.InstitutionClass {
	switch {
	case strings.Contains(name, "정신"):
		return heydoctor.ClassPsychiatric
	case strings.HasPrefix(name, "요양병원"):
		return heydoctor.ClassLongTermCare
	case strings.HasPrefix(name, "종합병원"):
		return heydoctor.ClassGeneral
	case strings.HasPrefix(name, "치과병원"):
		return heydoctor.ClassDentalHospital
	case strings.HasPrefix(name, "한방병원"):
		return heydoctor.ClassKoreanHospital
	case strings.HasPrefix(name, "치과의원"):
		return heydoctor.ClassDentalClinic
	case strings.HasPrefix(name, "한의원"):
		return heydoctor.ClassKoreanClinic
	case strings.HasPrefix(name, "의원"):
		return heydoctor.ClassClinic
	case strings.HasPrefix(name, "병원"):
		return heydoctor.ClassHospital
	}
	return ""
}

// gyeonggiDepartments maps the space-separated codes, and only when some code is
// unknown (or there are none) adds the names from the _INFO text. The two lists are in
// different orders, so they are never paired up position by position.
func gyeonggiDepartments(codes, names string) []string {
	var out []string
	seen := make(map[string]bool)
	add := func(c string) {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	complete := true
	for c := range strings.FieldsSeq(codes) {
		d, ok := heydoctor.LookupDepartmentBy("gyeonggi", c)
		if !ok {
			complete = false
			continue
		}
		add(d.Code)
	}
	if !complete || len(out) == 0 {
		parsed, _ := heydoctor.ParseDepartments(names)
		for _, c := range parsed {
			add(c)
		}
	}
	return out
}

// gyeonggiKey derives a stable key for a source that publishes no id: the first 16 hex
// digits of SHA-256 over the name and address with spaces and case folded, and the
// licence date. The same clinic re-imported gets the same key; a re-licensed one (new
// 인허가일자) is a new institution, as it is in law.
func gyeonggiKey(name, addr, licensed string) string {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return unicode.ToLower(r)
		}, s)
	}
	sum := sha256.Sum256([]byte(norm(name) + "\x00" + norm(addr) + "\x00" + strings.TrimSpace(licensed)))
	return "gg:" + hex.EncodeToString(sum[:8])
}
