package publicdata

import (
	"errors"
	"fmt"
	"strings"

	"heydoctor"
)

// hiraClasses maps HIRA clCd (종별코드) to the class.
var hiraClasses = map[string]heydoctor.InstitutionClass{
	"01": heydoctor.ClassTertiary, "11": heydoctor.ClassGeneral, "21": heydoctor.ClassHospital,
	"28": heydoctor.ClassLongTermCare, "29": heydoctor.ClassPsychiatric, "41": heydoctor.ClassDentalHospital,
	"92": heydoctor.ClassKoreanHospital, "31": heydoctor.ClassClinic, "51": heydoctor.ClassDentalClinic,
	"61": heydoctor.ClassMidwifery, "71": heydoctor.ClassPublicHealth, "72": heydoctor.ClassPublicHealth,
	"73": heydoctor.ClassPublicHealth, "75": heydoctor.ClassPublicHealth, "93": heydoctor.ClassKoreanClinic,
	"81": heydoctor.ClassPharmacy,
}

// hiraClass maps HIRA clCd (종별코드) to a kind and its official name.
func hiraClass(code string) (heydoctor.InstitutionKind, string, bool) {
	switch code {
	case "01":
		return heydoctor.KindHospital, "상급종합병원", true
	case "11":
		return heydoctor.KindHospital, "종합병원", true
	case "21":
		return heydoctor.KindHospital, "병원", true
	case "28":
		return heydoctor.KindHospital, "요양병원", true
	case "29":
		return heydoctor.KindHospital, "정신병원", true
	case "41":
		return heydoctor.KindHospital, "치과병원", true
	case "92":
		return heydoctor.KindHospital, "한방병원", true
	case "31":
		return heydoctor.KindClinic, "의원", true
	case "51":
		return heydoctor.KindClinic, "치과의원", true
	case "61":
		return heydoctor.KindClinic, "조산원", true
	case "71":
		return heydoctor.KindClinic, "보건소", true
	case "72":
		return heydoctor.KindClinic, "보건지소", true
	case "73":
		return heydoctor.KindClinic, "보건진료소", true
	case "75":
		return heydoctor.KindClinic, "보건의료원", true
	case "93":
		return heydoctor.KindClinic, "한의원", true
	case "81":
		return heydoctor.KindPharmacy, "약국", true
	}
	return "", "", false
}

// hiraInstitution builds an institution from a getHospBasisList item or a bulk-table
// row mapped to the same field names. XPos is the longitude and YPos the latitude.
func hiraInstitution(f fields) (heydoctor.Institution, error) {
	in := heydoctor.Institution{Source: "hira", Status: heydoctor.StatusOperating}
	in.YKIHO = f["ykiho"]
	if in.YKIHO == "" {
		return in, errors.New("ykiho: missing")
	}
	if len(in.YKIHO) > 256 || strings.ContainsAny(in.YKIHO, " \t\r\n") {
		return in, errors.New("ykiho: not a HIRA id")
	}
	in.Name = f["yadmNm"]
	if in.Name == "" {
		return in, errors.New("yadmNm: missing")
	}
	code := padDigits(f["clCd"], 2)
	kind, typeName, ok := hiraClass(code)
	if !ok {
		if code == "" {
			return in, errors.New("clCd: missing")
		}
		return in, fmt.Errorf("clCd: %q is not a known 종별코드", code)
	}
	in.Kind, in.TypeCode, in.Class = kind, code, hiraClasses[code]
	in.Carries = heydoctor.FieldBasis
	in.TypeName = f["clCdNm"]
	if in.TypeName == "" {
		in.TypeName = typeName
	}
	in.Address = f["addr"]
	// This copy of the bulk tables, like some API answers, leaves 우편번호 empty: an
	// empty postcode is not news and must not erase another source's.
	if in.Postcode = postcode(f["postNo"]); in.Postcode != "" {
		in.Carries |= heydoctor.FieldPostcode
	}
	in.Phone = phone(f["telno"])
	var err error
	if in.Lat, in.Lng, err = coordinates("YPos", f["YPos"], "XPos", f["XPos"]); err != nil {
		return in, err
	}
	return in, nil
}

// hiraDepartment maps one row of the 진료과목 table: the code first, the name when the
// code is unknown. "00" 일반의 is not a department and maps to nothing.
func hiraDepartment(f fields) (string, bool) {
	code := padDigits(f["dgsbjtCd"], 2)
	if code == "00" {
		return "", false
	}
	if d, ok := heydoctor.LookupDepartmentBy("hira", code); ok {
		return d.Code, true
	}
	if d, ok := heydoctor.LookupDepartment(f["dgsbjtCdNm"]); ok {
		return d.Code, true
	}
	return "", false
}
