package directory_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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
		_, err := s.ApplyImport(ctx, heydoctor.ImportBatch{Scope: "nmc:hospital", Institutions: []heydoctor.Institution{
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
		if p := d.Areas("밤내과", 5); len(p) != 0 {
			t.Errorf("Areas found an institution: %+v", p)
		}
		if p, _, ok := d.ResolveArea("정왕동", 5); !ok || p.Kind != "area" {
			t.Errorf("ResolveArea(정왕동) = %+v, %v", p, ok)
		}
	})
}

// countingStore counts full directory reads.
type countingStore struct {
	*sqlstore.Store
	scans int
}

func (c *countingStore) ScanDirectory(ctx context.Context, fn func(*heydoctor.Institution) error) error {
	c.scans++
	return c.Store.ScanDirectory(ctx, fn)
}

func TestStaffEditsUpdateOneInstitution(t *testing.T) {
	storetest.Each(t, time.Now, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if _, err := s.ApplyImport(ctx, heydoctor.ImportBatch{Scope: "nmc:hospital", Institutions: []heydoctor.Institution{
			clinic("A1", "낮내과의원", 37.3400, 126.7335, "0900", "1800"),
			clinic("A2", "늦은내과의원", 37.3410, 126.7335, "1300", "2100"),
		}}); err != nil {
			t.Fatal(err)
		}
		cs := &countingStore{Store: s}
		wed10 := time.Date(2026, 11, 25, 10, 0, 0, 0, heydoctor.KST)
		now := func() time.Time { return wed10.Add(-time.Hour) }
		// Two replicas of one database.
		a := directory.New(cs, hours.NewCalendar(), slog.New(slog.DiscardHandler), now)
		b := directory.New(cs, hours.NewCalendar(), slog.New(slog.DiscardHandler), now)
		for _, d := range []*directory.Directory{a, b} {
			if err := d.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
		}
		open := func(d *directory.Directory) []string {
			var names []string
			for _, r := range d.Search(directory.Query{Query: nearby.Query{Lat: 37.34, Lng: 126.7335}, OpenAt: wed10}) {
				names = append(names, r.Institution.Name)
			}
			return names
		}
		late := a.Search(directory.Query{Query: nearby.Query{Lat: 37.341, Lng: 126.7335, Limit: 1}})[0].Institution
		var h heydoctor.OpeningHours
		for d := 0; d < 5; d++ {
			h.Day[d] = heydoctor.Span{Open: "0800", Close: "2100"}
		}
		if err := s.UpdateInstitutionHours(ctx, late.ID, h); err != nil {
			t.Fatal(err)
		}
		day := heydoctor.DateOf(wed10)
		first := a.Search(directory.Query{Query: nearby.Query{Lat: 37.34, Lng: 126.7335, Limit: 1}})[0].Institution
		if err := s.SetClosure(ctx, heydoctor.Closure{InstitutionID: first.ID, Date: day}); err != nil {
			t.Fatal(err)
		}
		cs.scans = 0
		for _, d := range []*directory.Directory{a, b} {
			if err := d.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"늦은내과의원"}, open(d)); diff != "" {
				t.Errorf("open after the edits mismatch (-want +got):\n%s", diff)
			}
		}
		if cs.scans != 0 {
			t.Errorf("staff edits reloaded the whole directory %d times", cs.scans)
		}
		if err := s.DeleteClosure(ctx, first.ID, day); err != nil {
			t.Fatal(err)
		}
		if err := a.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"낮내과의원", "늦은내과의원"}, open(a)); diff != "" {
			t.Errorf("open after the closure was removed mismatch (-want +got):\n%s", diff)
		}
		// Onboarding changes what lists show, still without a full read.
		if err := s.SetOnboarding(ctx, first.ID, true, true, heydoctor.BookingPolicy{}); err != nil {
			t.Fatal(err)
		}
		if err := a.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if in, ok := a.Get(first.ID); !ok || !in.Onboarded || !in.Demo {
			t.Errorf("after onboarding Get = %+v, %v", in, ok)
		}
		if cs.scans != 0 {
			t.Errorf("staff edits reloaded the whole directory %d times", cs.scans)
		}
		// An import is not logged per institution: everything is read again.
		if _, err := s.ApplyImport(ctx, heydoctor.ImportBatch{Scope: "nmc:hospital", Institutions: []heydoctor.Institution{
			clinic("A3", "새내과의원", 37.3420, 126.7335, "0900", "1800"),
		}}); err != nil {
			t.Fatal(err)
		}
		if err := b.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if cs.scans != 1 || b.Len() != 3 {
			t.Errorf("after an import: %d full reads, %d institutions; want 1, 3", cs.scans, b.Len())
		}
	})
}

func TestSearchRanking(t *testing.T) {
	storetest.Each(t, time.Now, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		mk := func(hpid, name, typeName string, kind heydoctor.InstitutionKind, north float64, er bool) heydoctor.Institution {
			in := clinic(hpid, name, 37.3400+north, 126.7335, "0000", "2400")
			in.TypeName, in.Kind, in.ER = typeName, kind, er
			return in
		}
		if _, err := s.ApplyImport(ctx, heydoctor.ImportBatch{Scope: "nmc:hospital", Institutions: []heydoctor.Institution{
			mk("R1", "가까운요양병원", "요양병원", heydoctor.KindHospital, 0.0001, false),
			mk("R2", "가까운정신병원", "정신병원", heydoctor.KindHospital, 0.0002, false),
			mk("C1", "내과의원", "의원", heydoctor.KindClinic, 0.003, true),
			mk("H1", "시화병원", "종합병원", heydoctor.KindHospital, 0.01, true),
			mk("F1", "먼요양병원", "요양병원", heydoctor.KindHospital, 0.5, false),
		}}); err != nil {
			t.Fatal(err)
		}
		d := directory.New(s, hours.NewCalendar(), slog.New(slog.DiscardHandler), time.Now)
		if err := d.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		names := func(q nearby.Query) []string {
			got := []string{}
			for _, r := range d.Search(directory.Query{Query: q}) {
				got = append(got, r.Institution.Name)
			}
			return got
		}
		tests := []struct {
			name string
			q    nearby.Query
			want []string
		}{
			{"internal medicine lists clinics and hospitals only", nearby.Query{Lat: 37.34, Lng: 126.7335, Departments: []string{"D001"}}, []string{"내과의원", "시화병원"}},
			{"ER means a hospital's ER", nearby.Query{Lat: 37.34, Lng: 126.7335, EROnly: true}, []string{"시화병원"}},
			{"residential care when nothing else is near", nearby.Query{Lat: 37.84, Lng: 126.7335, RadiusM: 1000}, []string{"먼요양병원"}},
			{"residential care when asked for by type", nearby.Query{Lat: 37.34, Lng: 126.7335, TypeCodes: []string{""}}, []string{"가까운요양병원", "가까운정신병원", "내과의원", "시화병원"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if diff := cmp.Diff(tt.want, names(tt.q)); diff != "" {
					t.Errorf("mismatch (-want +got):\n%s", diff)
				}
			})
		}
	})
}

func TestSpecialistsRankFirst(t *testing.T) {
	s := storetest.SQLite(t, time.Now)
	ctx := context.Background()
	mk := func(id, name string, metresNorth float64, specialists map[string]int) heydoctor.Institution {
		in := clinic(id, name, 37.3400+metresNorth/111_000, 126.7335, "0900", "1800")
		in.Departments, in.Specialists, in.YKIHO, in.HPID = []string{"D001", "D022"}, specialists, id, ""
		return in
	}
	if _, err := s.ApplyImport(ctx, heydoctor.ImportBatch{Scope: "hira:hospital", Institutions: []heydoctor.Institution{
		mk("S1", "가정의학과만의원", 100, map[string]int{"D022": 1}),
		mk("S2", "모르는의원", 300, nil),
		mk("S3", "내과전문의원", 500, map[string]int{"D001": 2}),
	}}); err != nil {
		t.Fatal(err)
	}
	d := directory.New(s, hours.NewCalendar(), slog.New(slog.DiscardHandler), time.Now)
	if err := d.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	names := func(depts ...string) []string {
		var got []string
		for _, r := range d.Search(directory.Query{Query: nearby.Query{Lat: 37.34, Lng: 126.7335, Departments: depts}}) {
			got = append(got, r.Institution.Name)
		}
		return got
	}
	if diff := cmp.Diff([]string{"모르는의원", "내과전문의원", "가정의학과만의원"}, names("D001")); diff != "" {
		t.Errorf("내과 mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"가정의학과만의원", "모르는의원", "내과전문의원"}, names("D022")); diff != "" {
		t.Errorf("가정의학과 mismatch (-want +got):\n%s", diff)
	}
}

func TestWiden(t *testing.T) {
	s := storetest.SQLite(t, time.Now)
	ctx := context.Background()
	er := clinic("W1", "먼응급병원", 37.3400+25_000.0/111_000, 126.7335, "0000", "2400")
	er.Kind, er.TypeName, er.ER = heydoctor.KindHospital, "종합병원", true
	if _, err := s.ApplyImport(ctx, heydoctor.ImportBatch{Scope: "nmc:hospital", Institutions: []heydoctor.Institution{er}}); err != nil {
		t.Fatal(err)
	}
	d := directory.New(s, hours.NewCalendar(), slog.New(slog.DiscardHandler), time.Now)
	if err := d.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	q := directory.Query{Query: nearby.Query{Lat: 37.34, Lng: 126.7335, EROnly: true}}
	if res, r := d.Widen(q, directory.ERRadiiM...); len(res) != 1 || r != 30_000 {
		t.Errorf("ER 25 km away: %d results at radius %.0f, want 1 at 30000", len(res), r)
	}
	q.Lat = 35.1 // Busan: nothing within 50 km
	if res, r := d.Widen(q, directory.ERRadiiM...); len(res) != 0 || r != nearby.MaxRadiusM {
		t.Errorf("no ER: %d results at radius %.0f", len(res), r)
	}
}

func TestPlaces(t *testing.T) {
	s := storetest.SQLite(t, time.Now)
	ctx := context.Background()
	at := func(hpid, name, addr string, lat, lng float64) heydoctor.Institution {
		in := clinic(hpid, name, lat, lng, "0900", "1800")
		in.Address = addr
		return in
	}
	if _, err := s.ApplyImport(ctx, heydoctor.ImportBatch{Scope: "nmc:hospital", Institutions: []heydoctor.Institution{
		at("P1", "정왕내과의원", "경기도 시흥시 정왕동 1", 37.34, 126.73),
		at("P2", "배곧소아과의원", "경기도 시흥시 서울대학로 59 (배곧동)", 37.37, 126.73),
		at("P3", "고잔의원", "경기도 안산시 단원구 고잔로 1, 2층 (고잔동)", 37.31, 126.83),
		at("P4", "역삼의원", "서울특별시 강남구 테헤란로 1 (역삼동)", 37.50, 127.03),
		at("P5", "서울중앙의원", "서울특별시 중구 세종대로 1 (중앙동)", 37.56, 126.97),
		at("P6", "부산중앙의원", "부산광역시 중구 중앙대로 1 (중앙동)", 35.10, 129.03),
		at("P7", "조치원의원", "세종특별자치시 조치원읍 새내로 1", 36.60, 127.30),
	}}); err != nil {
		t.Fatal(err)
	}
	d := directory.New(s, hours.NewCalendar(), slog.New(slog.DiscardHandler), time.Now)
	if err := d.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		q      string
		want   string   // resolved place, "" when ambiguous or unknown
		offers []string // the did-you-mean list when not resolved
	}{
		{"정왕동", "시흥시 정왕동", nil},
		{"배곧동", "시흥시 배곧동", nil},
		{"시흥시", "시흥시", nil},
		{"시흥", "시흥시", nil},
		{"시흥 정왕동", "시흥시 정왕동", nil},
		{"안산시 단원구", "안산시 단원구", nil},
		{"단원구", "안산시 단원구", nil},
		{"안산 단원구 고잔동", "안산시 단원구 고잔동", nil},
		{"강남구", "강남구", nil},
		{"서울 강남구", "강남구", nil},
		{"경기도", "경기도", nil},
		{"경기", "경기도", nil},
		{"세종", "세종특별자치시", nil},
		{"조치원읍", "세종 조치원읍", nil},
		{"중구", "", []string{"부산 중구", "서울 중구"}},
		{"중앙동", "", []string{"부산 중구 중앙동", "서울 중구 중앙동"}},
		{"정왕내과", "정왕내과의원", nil},
		{"없는동네", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			p, list, ok := d.ResolvePlace(tt.q, 5)
			got := ""
			if ok {
				got = p.Name
			}
			if got != tt.want {
				t.Errorf("ResolvePlace(%q) = %q (candidates %+v), want %q", tt.q, got, list, tt.want)
			}
			if !ok {
				var offers []string
				for _, c := range list {
					offers = append(offers, c.Name)
				}
				slices.Sort(offers)
				if diff := cmp.Diff(tt.offers, offers); diff != "" {
					t.Errorf("offers mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// FuzzPlaces types hostile text at the place search: no panic, at most limit places, and
// a resolved place is one of them.
func FuzzPlaces(f *testing.F) {
	s := storetest.SQLite(f, time.Now)
	ctx := context.Background()
	var list []heydoctor.Institution
	for i, addr := range []string{"경기도 시흥시 정왕동 1", "서울특별시 중구 세종대로 1 (중앙동)", "부산광역시 중구 중앙대로 1 (중앙동)",
		"세종특별자치시 조치원읍 새내로 1", "경기도 안산시 단원구 고잔로 1, 2층 (고잔동)", "주소 없음", "경기도", ""} {
		in := clinic(fmt.Sprintf("F%d", i), fmt.Sprintf("의원%d Clinic", i), 37+float64(i)/10, 127, "0900", "1800")
		in.Address = addr
		list = append(list, in)
	}
	if _, err := s.ApplyImport(ctx, heydoctor.ImportBatch{Scope: "nmc:hospital", Institutions: list}); err != nil {
		f.Fatal(err)
	}
	d := directory.New(s, hours.NewCalendar(), slog.New(slog.DiscardHandler), time.Now)
	if err := d.Refresh(ctx); err != nil {
		f.Fatal(err)
	}
	for _, q := range []string{"정왕동", "중구", "세종 조치원읍", "  ", "CLINIC", "의원", "\xff\xfe", "안산 단원구 고잔동 동", "구"} {
		f.Add(q, 5)
	}
	f.Fuzz(func(t *testing.T, q string, limit int) {
		limit = limit%20 - 2
		places := d.Places(q, limit)
		if len(places) > max(limit, 0) {
			t.Fatalf("Places(%q, %d) = %d places", q, limit, len(places))
		}
		if p, list, ok := d.ResolvePlace(q, 5); ok && !slices.Contains(list, p) {
			t.Fatalf("ResolvePlace(%q) = %+v, not among %+v", q, p, list)
		}
	})
}
