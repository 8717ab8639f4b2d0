package hours

import (
	"math/rand/v2"
	"testing"
	"time"

	"heydoctor"
)

func TestAtLunch(t *testing.T) {
	var h heydoctor.OpeningHours
	for d := range 5 {
		h.Day[d] = heydoctor.Span{Open: "0900", Close: "1800"}
		h.Lunch[d] = heydoctor.Span{Open: "1230", Close: "1400"}
	}
	h.Day[5] = heydoctor.Span{Open: "0900", Close: "1300"}
	h.Lunch[5] = heydoctor.Span{Open: "1230", Close: "1400"} // runs past closing: ignored
	w := Compile(h)
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, heydoctor.KST)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	cal := NewCalendar()
	for _, tc := range []struct {
		name, at string
		ovs      []heydoctor.Closure
		want     Status
	}{
		{"morning closes at lunch", "2026-11-25 10:00", nil, Status{State: Open, ClosesAt: at("2026-11-25 12:30")}},
		{"lunch", "2026-11-25 12:45", nil, Status{State: Closed, OpensAt: at("2026-11-25 14:00")}},
		{"lunch starts", "2026-11-25 12:30", nil, Status{State: Closed, OpensAt: at("2026-11-25 14:00")}},
		{"afternoon", "2026-11-25 14:00", nil, Status{State: Open, ClosesAt: at("2026-11-25 18:00")}},
		{"lunch that does not fit", "2026-11-28 12:45", nil, Status{State: Open, ClosesAt: at("2026-11-28 13:00")}},
		{"an override replaces the lunch", "2026-11-25 12:45", []heydoctor.Closure{{Date: "2026-11-25", Hours: heydoctor.Span{Open: "0900", Close: "1500"}}},
			Status{State: Open, ClosesAt: at("2026-11-25 15:00")}},
		{"holiday", "2026-12-25 12:45", nil, Status{State: Closed, OpensAt: at("2026-12-26 09:00")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := w.At(at(tc.at), cal, tc.ovs)
			if got.State != tc.want.State || !got.ClosesAt.Equal(tc.want.ClosesAt) || !got.OpensAt.Equal(tc.want.OpensAt) {
				t.Errorf("At(%s) = %+v, want %+v", tc.at, got, tc.want)
			}
		})
	}
}

// With lunch breaks the answers stay consistent: open until ClosesAt and not at it,
// closed until OpensAt and open at it.
func TestAtLunchInvariants(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 12))
	cal := NewCalendar()
	lunches := []heydoctor.Span{{}, {Open: "1230", Close: "1400"}, {Open: "1200", Close: "1300"}, {Open: "1300", Close: "1330"}, {Open: "0030", Close: "0100"}}
	for range 400 {
		h := randomHours(r)
		for i := range h.Lunch {
			h.Lunch[i] = lunches[r.IntN(len(lunches))]
		}
		w := Compile(h)
		for _, tm := range instants(r, 40) {
			got := w.At(tm, cal, nil)
			checkInvariants(t, w, h, cal, nil, tm, got)
		}
	}
}
