package publicdata

import (
	"errors"
	"fmt"
	"strings"

	"heydoctor"
)

// nmcClasses maps NMC dutyDiv to the class. A covers both 상급종합병원 and 종합병원.
var nmcClasses = map[string]heydoctor.InstitutionClass{
	"A": heydoctor.ClassGeneral, "B": heydoctor.ClassHospital, "D": heydoctor.ClassLongTermCare,
	"E": heydoctor.ClassKoreanHospital, "M": heydoctor.ClassDentalHospital, "O": heydoctor.ClassAffiliated,
	"C": heydoctor.ClassClinic, "G": heydoctor.ClassKoreanClinic, "N": heydoctor.ClassDentalClinic,
	"P": heydoctor.ClassMidwifery, "R": heydoctor.ClassPublicHealth, "H": heydoctor.ClassPharmacy,
}

// nmcDesignatedER reports whether dutyEmcls names an emergency medical institution
// (권역/지역응급의료센터 G001/G006, 지역응급의료기관 G007, 응급의료시설 G009 …); G099 is
// 응급의료기관 이외.
func nmcDesignatedER(code string) bool {
	return len(code) == 4 && code[0] == 'G' && allDigits(code[1:]) && code != "G099"
}

// nmcDivision maps NMC dutyDiv (code master H000) to a kind and a default 종별 name.
// Codes not listed (S–Z: 이송단체, 119, 경찰서 …, and I 기타) are not medical institutions.
func nmcDivision(div string) (heydoctor.InstitutionKind, string, bool) {
	switch div {
	case "A":
		return heydoctor.KindHospital, "종합병원", true
	case "B":
		return heydoctor.KindHospital, "병원", true
	case "D":
		return heydoctor.KindHospital, "요양병원", true
	case "E":
		return heydoctor.KindHospital, "한방병원", true
	case "M":
		return heydoctor.KindHospital, "치과병원", true
	case "O":
		return heydoctor.KindHospital, "부속병의원", true
	case "C":
		return heydoctor.KindClinic, "의원", true
	case "G":
		return heydoctor.KindClinic, "한의원", true
	case "N":
		return heydoctor.KindClinic, "치과의원", true
	case "P":
		return heydoctor.KindClinic, "조산원", true
	case "R":
		return heydoctor.KindClinic, "보건소", true
	case "H":
		return heydoctor.KindPharmacy, "약국", true
	}
	return "", "", false
}

// nmcInstitution builds an institution from an NMC item (list, FullDown, detail or
// location operation) or a Seoul CSV row mapped to NMC field names. pharmacyService
// says the item came from the pharmacy service, whose items carry no dutyDiv.
func nmcInstitution(f fields, pharmacyService bool) (heydoctor.Institution, error) {
	in := heydoctor.Institution{Source: "nmc", Status: heydoctor.StatusOperating}
	in.HPID = f["hpid"]
	if in.HPID == "" {
		return in, errors.New("hpid: missing")
	}
	if len(in.HPID) > 16 || !isAlnum(in.HPID) {
		return in, fmt.Errorf("hpid: %q is not an NMC id", in.HPID)
	}
	in.Name = f["dutyName"]
	if in.Name == "" {
		return in, errors.New("dutyName: missing")
	}
	div := strings.ToUpper(f["dutyDiv"])
	if div == "" && pharmacyService && strings.HasPrefix(in.HPID, "C") {
		div = "H"
	}
	kind, typeName, ok := nmcDivision(div)
	if !ok {
		if div == "" {
			return in, errors.New("dutyDiv: missing")
		}
		return in, fmt.Errorf("dutyDiv: %q is not a medical institution", div)
	}
	in.Kind, in.TypeCode, in.Class = kind, div, nmcClasses[div]
	in.Carries = heydoctor.FieldBasis
	in.TypeName = f.first("dutyDivNam", "dutyDivName")
	if in.TypeName == "" {
		in.TypeName = typeName
	}
	in.Address = f["dutyAddr"]
	if in.Postcode = nmcPostcode(f["postCdn1"], f["postCdn2"]); in.Postcode != "" {
		in.Carries |= heydoctor.FieldPostcode
	}
	in.Phone = phone(f["dutyTel1"])
	in.ERPhone = phone(f["dutyTel3"])
	latField, lngField := "wgs84Lat", "wgs84Lon"
	if f["wgs84Lat"] == "" && f["wgs84Lon"] == "" {
		latField, lngField = "latitude", "longitude" // location operation
	}
	var err error
	if in.Lat, in.Lng, err = coordinates(latField, f[latField], lngField, f[lngField]); err != nil {
		return in, err
	}
	// The location operation's startTime/endTime are today's hours only: such an item
	// carries no weekly hours, and copying them to every day would invent some. An item
	// with any dutyTime field carries the week (absent days are closed).
	if f.hasPrefix("dutyTime") {
		if in.Hours, err = weeklyHours(f); err != nil {
			return in, err
		}
		in.Carries |= heydoctor.FieldHours
	}
	// An emergency room counts when NMC designates it, or when a hospital-grade
	// institution runs one (dutyEryn 1); a clinic's dutyEryn does not make it an ER.
	if _, ok := f["dutyEryn"]; ok || f["dutyEmcls"] != "" {
		in.ER = nmcDesignatedER(f["dutyEmcls"]) || f["dutyEryn"] == "1" && in.Class.HospitalGrade()
		in.Carries |= heydoctor.FieldER
		if !in.ER {
			in.ERPhone = ""
		}
	}
	if names, ok := f["dgidIdName"]; ok {
		in.Departments, _ = heydoctor.ParseDepartments(names)
		in.Carries |= heydoctor.FieldDepartments
	}
	if notes, ok := f["dutyEtc"]; ok {
		in.Notes = notes
		in.Carries |= heydoctor.FieldNotes
	}
	return in, nil
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}
