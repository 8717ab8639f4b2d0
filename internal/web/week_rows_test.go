package web

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"heydoctor"
)

// A day the source calls unknown (a Sunday note that gives no hours) is never shown as
// 휴진, and a lunch break is shown with its day.
func TestWeekRowsUnknownDayAndLunch(t *testing.T) {
	var h heydoctor.OpeningHours
	h.Day[0] = heydoctor.Span{Open: "0900", Close: "1800"}
	h.Lunch[0] = heydoctor.Span{Open: "1230", Close: "1400"}
	h.Day[6] = heydoctor.Span{Unknown: true}
	var got []string
	for _, r := range weekRows(h, -1) {
		got = append(got, r.Text)
	}
	want := []string{"09:00–18:00 (점심 12:30–14:00)", "휴진", "휴진", "휴진", "휴진", "휴진", "정보 없음", "휴진"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("week rows mismatch (-want +got):\n%s", diff)
	}
}
