package hours

import "heydoctor"

// DayNames returns the Korean short names of the OpeningHours days, Monday to Sunday
// and then public holidays. It is a function, not a variable, so no caller can change
// what another one shows.
func DayNames() [8]string {
	return [8]string{"월", "화", "수", "목", "금", "토", "일", "공휴일"}
}

// DayName returns the Korean name of OpeningHours index i, or "" out of range.
func DayName(i int) string {
	if i < 0 || i >= 8 {
		return ""
	}
	return DayNames()[i]
}

// FormatSpan renders a day's hours for the web and chat: "09:00–18:00",
// "19:00–익일 01:30" past midnight, "24시간" for 0000–2400. It returns "" when the day
// has no usable hours (none published, or unknown as Compile reads it); callers show
// "휴진" or "정보 없음" as the week's state tells them.
func FormatSpan(s heydoctor.Span) string {
	sp := compileSpan(s)
	if sp.kind != spanOpen {
		return ""
	}
	if sp.open == 0 && sp.close == 1440 {
		return "24시간"
	}
	out := clock(int(sp.open)) + "–"
	if sp.close > 1440 {
		return out + "익일 " + clock(int(sp.close)-1440)
	}
	return out + clock(int(sp.close)) // 1440 shows as 24:00
}

func clock(m int) string {
	h, mm := m/60, m%60
	return string([]byte{byte('0' + h/10), byte('0' + h%10), ':', byte('0' + mm/10), byte('0' + mm%10)})
}

// Label is the Korean word shown next to a hospital or clinic. Unknown says "정보 없음"
// rather than guessing, because a wrong "진료 종료" hides a place that is open.
func (s State) Label() string {
	switch s {
	case Open:
		return "진료중"
	case Closed:
		return "진료 종료"
	default:
		return "정보 없음"
	}
}

// LabelFor is Label for a kind of institution: a pharmacy does not 진료, so it is
// "영업중" / "영업 종료" there. Hospitals and clinics get Label's words; keeping the
// pharmacy words separate lets a mixed list still read naturally.
func (s State) LabelFor(k heydoctor.InstitutionKind) string {
	if k != heydoctor.KindPharmacy {
		return s.Label()
	}
	switch s {
	case Open:
		return "영업중"
	case Closed:
		return "영업 종료"
	default:
		return "정보 없음"
	}
}
