package heydoctor

import (
	"maps"
	"testing"
)

func TestSpecialistsRoundTrip(t *testing.T) {
	m := map[string]int{"D022": 1, "D001": 3, "D010": 0}
	s := FormatSpecialists(m)
	if s != "D001:3,D022:1" {
		t.Errorf("FormatSpecialists = %q, want department order without zero counts", s)
	}
	got, err := ParseSpecialists(s)
	if err != nil || !maps.Equal(got, map[string]int{"D001": 3, "D022": 1}) {
		t.Errorf("ParseSpecialists(%q) = %v, %v", s, got, err)
	}
	if got, err := ParseSpecialists(""); got != nil || err != nil {
		t.Errorf(`ParseSpecialists("") = %v, %v`, got, err)
	}
	got, err = ParseSpecialists("D001:2,D002,:4,D003:x,D004:1")
	if err == nil || !maps.Equal(got, map[string]int{"D001": 2, "D004": 1}) {
		t.Errorf("malformed parts: %v, %v; want the good parts and an error", got, err)
	}
}
