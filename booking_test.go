package heydoctor

import "testing"

func TestReservationStatusValid(t *testing.T) {
	for _, s := range ReservationStatuses() {
		if !s.Valid() || s.Label() == string(s) {
			t.Errorf("%s: valid %v, label %q", s, s.Valid(), s.Label())
		}
	}
	if ReservationStatus("done").Valid() || ReservationStatus("").Valid() {
		t.Error("an unknown status is valid")
	}
}
