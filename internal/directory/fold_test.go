package directory

import "testing"

func TestContainsFolded(t *testing.T) {
	tests := []struct {
		s, q string
		want bool
	}{
		{"밤내과의원", "내과", true},
		{"밤 내과 의원", "내과의원", true},
		{"밤내과의원 Nae Clinic", "naeclinic", true},
		{"밤내과의원", "밤 내 과", true},
		{"밤내과의원", "외과", false},
		{"밤내과의원", "내과의원밤", false},
		{"", "내과", false},
		{"내과", "", true},
	}
	for _, tc := range tests {
		if got := containsFolded(tc.s, fold(tc.q)); got != tc.want {
			t.Errorf("containsFolded(%q, %q) = %v, want %v", tc.s, fold(tc.q), got, tc.want)
		}
	}
}
