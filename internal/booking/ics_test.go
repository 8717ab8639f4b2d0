package booking

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"heydoctor"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// unfoldICS reverses line folding and splits the content lines.
func unfoldICS(data []byte) []string {
	s := strings.ReplaceAll(string(data), "\r\n ", "")
	s = strings.TrimSuffix(s, "\r\n")
	return strings.Split(s, "\r\n")
}

func icsFixture() (*heydoctor.Reservation, *heydoctor.Institution) {
	start := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	r := &heydoctor.Reservation{Code: "ABCD2345", Start: start, End: start.Add(15 * time.Minute), Status: heydoctor.StatusConfirmed,
		Sequence: 2, UpdatedAt: epoch, Doctor: &heydoctor.Doctor{Name: "내과 1진료실", IsRoom: true}}
	inst := &heydoctor.Institution{Name: "하나내과의원; 본관, 2층", Address: "경기도 시흥시 산기대학로 237, 한국공학대학교 앞 상가 3층 301호 (정왕동)\\별관",
		Phone: "031-000-0000", Demo: true}
	return r, inst
}

func TestICSGolden(t *testing.T) {
	r, inst := icsFixture()
	got := ICS(r, inst, "https://heydoctor.example/reservations/lookup")
	path := filepath.Join("testdata", "reservation.ics")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("ICS mismatch (-want +got):\n%s", diff)
	}
}

func TestICSFoldingRoundTrip(t *testing.T) {
	r, inst := icsFixture()
	data := ICS(r, inst, "")
	if !strings.HasSuffix(string(data), "\r\n") || strings.Contains(strings.ReplaceAll(string(data), "\r\n", ""), "\n") {
		t.Fatal("lines must end in CRLF and nowhere else")
	}
	for i, l := range strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line %d is %d octets: %q", i, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i, l)
		}
	}
	props := map[string]string{}
	for _, l := range unfoldICS(data) {
		name, value, _ := strings.Cut(l, ":")
		props[name] = value
	}
	want := map[string]string{
		"UID":                     "ABCD2345@heydoctor",
		"DTSTART;TZID=Asia/Seoul": "20261130T090000",
		"DTEND;TZID=Asia/Seoul":   "20261130T091500",
		"DTSTAMP":                 "20261125T010000Z",
		"SEQUENCE":                "2",
		"STATUS":                  "CONFIRMED",
		"SUMMARY":                 `[데모] 진료 예약 - 하나내과의원\; 본관\, 2층 (내과 1진료실)`,
		"LOCATION":                `경기도 시흥시 산기대학로 237\, 한국공학대학교 앞 상가 3층 301호 (정왕동)\\별관`,
		"TZOFFSETTO":              "+0900",
	}
	for k, v := range want {
		if props[k] != v {
			t.Errorf("%s = %q, want %q", k, props[k], v)
		}
	}
}

func TestICSStatusAndInjection(t *testing.T) {
	tests := []struct {
		status heydoctor.ReservationStatus
		want   string
	}{
		{heydoctor.StatusRequested, "STATUS:TENTATIVE"},
		{heydoctor.StatusConfirmed, "STATUS:CONFIRMED"},
		{heydoctor.StatusCancelled, "STATUS:CANCELLED"},
		{heydoctor.StatusRejected, "STATUS:CANCELLED"},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			r, inst := icsFixture()
			r.Status = tt.status
			inst.Name = "병원\r\nATTENDEE:mailto:x@example.com"
			lines := unfoldICS(ICS(r, inst, "https://x\r\nBAD:1"))
			found := false
			for _, l := range lines {
				if l == tt.want {
					found = true
				}
				if strings.HasPrefix(l, "ATTENDEE") || strings.HasPrefix(l, "BAD") || strings.HasPrefix(l, "URL") {
					t.Errorf("injected line: %q", l)
				}
			}
			if !found {
				t.Errorf("no %q in %q", tt.want, lines)
			}
		})
	}
}
