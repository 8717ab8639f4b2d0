package hours

import (
	"testing"

	"heydoctor"
)

func TestFormatSpan(t *testing.T) {
	tests := []struct {
		open, close, want string
	}{
		{"0900", "1800", "09:00–18:00"},
		{"900", "1830", "09:00–18:30"},
		{"1900", "0130", "19:00–익일 01:30"},
		{"0900", "2500", "09:00–익일 01:00"},
		{"0900", "2400", "09:00–24:00"},
		{"0900", "0000", "09:00–24:00"},
		{"0000", "2400", "24시간"},
		{"0830", "3230", "08:30–익일 08:30"},
		{"", "", ""},
		{"0900", "", ""},
		{"0900", "0900", ""},
		{"0000", "0000", ""},
		{"abc", "1800", ""},
	}
	for _, tt := range tests {
		t.Run(tt.open+"-"+tt.close, func(t *testing.T) {
			if got := FormatSpan(heydoctor.Span{Open: tt.open, Close: tt.close}); got != tt.want {
				t.Errorf("FormatSpan(%s, %s) = %q, want %q", tt.open, tt.close, got, tt.want)
			}
		})
	}
}

func TestLabels(t *testing.T) {
	tests := []struct {
		s               State
		kind            heydoctor.InstitutionKind
		label, labelFor string
	}{
		{Open, heydoctor.KindClinic, "진료중", "진료중"},
		{Closed, heydoctor.KindHospital, "진료 종료", "진료 종료"},
		{Unknown, heydoctor.KindClinic, "정보 없음", "정보 없음"},
		{Open, heydoctor.KindPharmacy, "진료중", "영업중"},
		{Closed, heydoctor.KindPharmacy, "진료 종료", "영업 종료"},
		{Unknown, heydoctor.KindPharmacy, "정보 없음", "정보 없음"},
	}
	for _, tt := range tests {
		t.Run(tt.s.String()+"/"+string(tt.kind), func(t *testing.T) {
			if got := tt.s.Label(); got != tt.label {
				t.Errorf("Label() = %q, want %q", got, tt.label)
			}
			if got := tt.s.LabelFor(tt.kind); got != tt.labelFor {
				t.Errorf("LabelFor(%s) = %q, want %q", tt.kind, got, tt.labelFor)
			}
		})
	}
	names := DayNames()
	if names[0] != "월" || names[6] != "일" || names[7] != "공휴일" || DayName(8) != "" || DayName(-1) != "" || DayName(5) != "토" {
		t.Errorf("DayNames() = %v", names)
	}
}
