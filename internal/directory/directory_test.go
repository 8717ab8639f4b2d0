package directory_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"heydoctor"
	"heydoctor/internal/directory"
	"heydoctor/internal/hours"
	"heydoctor/internal/nearby"
	"heydoctor/internal/sqlstore"
	"heydoctor/internal/sqlstore/storetest"
)

func clinic(hpid, name string, lat, lng float64, open, close string) heydoctor.Institution {
	in := heydoctor.Institution{Kind: heydoctor.KindClinic, Name: name, Address: "경기도 시흥시 정왕동 1", Lat: lat, Lng: lng, Departments: []string{"D001"}, HPID: hpid}
	for d := 0; d < 5; d++ {
		in.Hours.Day[d] = heydoctor.Span{Open: open, Close: close}
	}
	return in
}

func TestDirectory(t *testing.T) {
	storetest.Each(t, time.Now, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		_, err := s.ApplyImport(ctx, sqlstore.ImportBatch{Scope: "nmc:hospital", Institutions: []heydoctor.Institution{
			clinic("A1", "낮내과의원", 37.3400, 126.7335, "0900", "1800"),
			clinic("A2", "밤내과의원", 37.3410, 126.7335, "1800", "2500"),
			{Kind: heydoctor.KindClinic, Name: "시간모름의원", Address: "경기도 시흥시 정왕동 2", Lat: 37.3405, Lng: 126.7335, Departments: []string{"D001"}, HPID: "A3"},
		}})
		if err != nil {
			t.Fatal(err)
		}
		d := directory.New(s, hours.NewCalendar(), slog.New(slog.DiscardHandler), time.Now)
		if err := d.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		q := func(at time.Time) []string {
			var names []string
			for _, r := range d.Search(directory.Query{Query: nearby.Query{Lat: 37.34, Lng: 126.7335, Departments: []string{"D001"}}, OpenAt: at}) {
				names = append(names, r.Institution.Name)
			}
			return names
		}
		wed := func(h, m int) time.Time { return time.Date(2026, 11, 25, h, m, 0, 0, heydoctor.KST) }
		if got := q(wed(10, 0)); len(got) != 1 || got[0] != "낮내과의원" {
			t.Errorf("open at 10:00 = %v", got)
		}
		if got := q(wed(23, 30)); len(got) != 1 || got[0] != "밤내과의원" {
			t.Errorf("open at 23:30 = %v", got)
		}
		// Past midnight, Wednesday's 18:00–01:00 still counts on Thursday 00:30.
		if got := q(time.Date(2026, 11, 26, 0, 30, 0, 0, heydoctor.KST)); len(got) != 1 || got[0] != "밤내과의원" {
			t.Errorf("open at Thu 00:30 = %v", got)
		}
		// Unknown hours are never shown as open, but are listed without the filter.
		all := d.Search(directory.Query{Query: nearby.Query{Lat: 37.34, Lng: 126.7335}})
		if len(all) != 3 {
			t.Fatalf("all = %d", len(all))
		}
		for _, r := range all {
			if r.Institution.Name == "시간모름의원" && r.Status.State != hours.Unknown {
				t.Errorf("unknown hours have state %v", r.Status.State)
			}
		}
		// A closure written by staff is picked up on the next refresh.
		if err := s.SetClosure(ctx, heydoctor.Closure{InstitutionID: all[0].Institution.ID, Date: heydoctor.DateOf(time.Now())}); err != nil {
			t.Fatal(err)
		}
		if err := d.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if len(d.Closures(all[0].Institution.ID)) != 1 {
			t.Error("closure not loaded after the version moved")
		}
		if p := d.Places("정왕동", 5); len(p) == 0 || p[0].Kind != "area" || p[0].Count != 3 {
			t.Errorf("places = %+v", p)
		}
		if p := d.Places("밤내과", 5); len(p) != 1 || p[0].Kind != "institution" {
			t.Errorf("institution place = %+v", p)
		}
	})
}
