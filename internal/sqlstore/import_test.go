package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"heydoctor"
	"heydoctor/internal/publicdata"
	"heydoctor/internal/sqlstore"
	"heydoctor/internal/sqlstore/storetest"
)

// parsed reads a real sample of the publicdata package as a batch.
func parsed(tb testing.TB, name string, full bool) heydoctor.ImportBatch {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "publicdata", "testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	res, err := publicdata.Parse(f, "")
	if err != nil {
		tb.Fatal(err)
	}
	return heydoctor.ImportBatch{Format: res.Format, Scope: res.Scope, FullRefresh: full, Institutions: res.Institutions, Read: res.Read}
}

func apply(tb testing.TB, s *sqlstore.Store, b heydoctor.ImportBatch) heydoctor.ImportStats {
	tb.Helper()
	// Each apply gets its own copy: ApplyImport may normalise records in place.
	b.Institutions = append([]heydoctor.Institution(nil), b.Institutions...)
	st, err := s.ApplyImport(context.Background(), b)
	if err != nil {
		tb.Fatalf("import %s: %v", b.Scope, err)
	}
	return st
}

func all(tb testing.TB, s *sqlstore.Store) []*heydoctor.Institution {
	tb.Helper()
	list, err := s.ListInstitutions(context.Background(), heydoctor.InstitutionFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	return list
}

func only(tb testing.TB, s *sqlstore.Store) *heydoctor.Institution {
	tb.Helper()
	list := all(tb, s)
	if len(list) != 1 {
		tb.Fatalf("%d institutions, want one: %+v", len(list), list)
	}
	return list[0]
}

// The NMC pharmacy basis record carries 청실약국's weekly hours; the location list carries
// today's hours only. Whichever comes second, the weekly hours stay, and importing
// either again changes nothing.
func TestImportPartialSourceKeepsHours(t *testing.T) {
	clock := storetest.NewClock(epoch)
	basis, location := parsed(t, "nmc_pharmacy_basis.json", false), parsed(t, "nmc_pharmacy_lcinfo.json", false)
	weekly := heydoctor.Span{Open: "0900", Close: "1900"}
	for _, tc := range []struct {
		name  string
		order []heydoctor.ImportBatch
	}{
		{"basis then location", []heydoctor.ImportBatch{basis, location}},
		{"location then basis", []heydoctor.ImportBatch{location, basis}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
				for _, b := range tc.order {
					apply(t, s, b)
				}
				var got *heydoctor.Institution
				for _, in := range all(t, s) {
					if in.HPID == "C1110693" {
						got = in
					}
				}
				if got == nil {
					t.Fatal("청실약국 is missing")
				}
				if got.Hours.Day[0] != weekly || got.Hours.Day[5] != (heydoctor.Span{Open: "1000", Close: "1400"}) {
					t.Errorf("청실약국 hours = %+v, want the weekly hours of the basis record", got.Hours.Day)
				}
				if got.Postcode != "04520" {
					t.Errorf("postcode = %q, want 04520 from the basis record", got.Postcode)
				}
				for _, b := range tc.order {
					if st := apply(t, s, b); st.Updated+st.Inserted != 0 {
						t.Errorf("re-import of %s changed %+v", b.Format, st)
					}
				}
			})
		})
	}
}

func hira(ykiho, name string, class heydoctor.InstitutionClass) heydoctor.Institution {
	return heydoctor.Institution{Kind: heydoctor.KindClinic, TypeCode: "31", TypeName: "의원", Class: class, Name: name,
		Address: "경기도 시흥시 정왕대로 233, 2층 (정왕동)", Phone: "031-499-0000", Lat: 37.34510, Lng: 126.73350,
		YKIHO: ykiho, Source: "hira", Carries: heydoctor.FieldBasis}
}

func nmc(hpid, name string) heydoctor.Institution {
	in := heydoctor.Institution{Kind: heydoctor.KindClinic, TypeCode: "C", TypeName: "의원", Class: heydoctor.ClassClinic, Name: name,
		Address: "경기도 시흥시 정왕대로 233 (정왕동)", Phone: "031-499-0000", Lat: 37.34530, Lng: 126.73360, HPID: hpid,
		Source: "nmc", Departments: []string{"D001"}, Carries: heydoctor.FieldBasis | heydoctor.FieldHours | heydoctor.FieldDepartments}
	for d := range 5 {
		in.Hours.Day[d] = heydoctor.Span{Open: "0900", Close: "1800"}
	}
	return in
}

func hospital(in heydoctor.Institution) heydoctor.Institution {
	in.Kind, in.TypeCode, in.TypeName = heydoctor.KindHospital, "21", "병원"
	return in
}

func emergency(in heydoctor.Institution) heydoctor.Institution {
	in.Kind, in.TypeCode, in.TypeName, in.Class = heydoctor.KindHospital, "B", "병원", heydoctor.ClassHospital
	in.ER, in.ERPhone = true, "031-499-0119"
	in.Carries |= heydoctor.FieldER
	return in
}

func detail(ykiho string, open string, er bool) heydoctor.Institution {
	in := heydoctor.Institution{YKIHO: ykiho, Source: "hira", Carries: heydoctor.FieldHours | heydoctor.FieldER, ER: er}
	for d := range 6 {
		in.Hours.Day[d] = heydoctor.Span{Open: open, Close: "1900"}
	}
	return in
}

func batch(scope string, full bool, list ...heydoctor.Institution) heydoctor.ImportBatch {
	return heydoctor.ImportBatch{Format: "test", Scope: scope, FullRefresh: full, Institutions: list}
}

// Pairs of sources describing one place: it becomes one institution with both ids, each
// field group comes from the source that knows it best whatever the order, and
// re-importing either source changes nothing.
func TestImportSourcePairs(t *testing.T) {
	clock := storetest.NewClock(epoch)
	nmcHours := heydoctor.Span{Open: "0900", Close: "1800"}
	for _, tc := range []struct {
		name    string
		batches []heydoctor.ImportBatch
		check   func(t *testing.T, in *heydoctor.Institution)
	}{
		{"HIRA basis then NMC list", []heydoctor.ImportBatch{
			batch("hira:hospital", true, hira("Y1", "(의)정왕 내과의원", heydoctor.ClassClinic)),
			batch("nmc:hospital", true, nmc("A1", "정왕내과의원")),
		}, func(t *testing.T, in *heydoctor.Institution) {
			if in.YKIHO != "Y1" || in.HPID != "A1" {
				t.Errorf("ids %q %q, want both", in.YKIHO, in.HPID)
			}
			if in.Name != "(의)정왕 내과의원" || in.Address != "경기도 시흥시 정왕대로 233, 2층 (정왕동)" {
				t.Errorf("basis %q %q, want HIRA's", in.Name, in.Address)
			}
			if in.Hours.Day[0] != nmcHours {
				t.Errorf("hours %+v, want NMC's", in.Hours.Day[0])
			}
		}},
		{"NMC list then HIRA basis", []heydoctor.ImportBatch{
			batch("nmc:hospital", true, nmc("A1", "정왕내과의원")),
			batch("hira:hospital", true, hira("Y1", "정왕내과의원", heydoctor.ClassClinic)),
		}, func(t *testing.T, in *heydoctor.Institution) {
			if in.YKIHO != "Y1" || in.HPID != "A1" || in.Hours.Day[0] != nmcHours || in.Class != heydoctor.ClassClinic {
				t.Errorf("got %+v", in)
			}
		}},
		{"HIRA detail then NMC list", []heydoctor.ImportBatch{
			batch("hira:hospital", true, hira("Y1", "정왕내과의원", heydoctor.ClassClinic)),
			batch("hira:detail", false, detail("Y1", "0830", false)),
			batch("nmc:hospital", true, nmc("A1", "정왕내과의원")),
		}, func(t *testing.T, in *heydoctor.Institution) {
			if in.Hours.Day[0] != nmcHours {
				t.Errorf("hours %+v, want NMC's over HIRA's", in.Hours.Day[0])
			}
		}},
		{"NMC list then HIRA detail", []heydoctor.ImportBatch{
			batch("nmc:hospital", true, nmc("A1", "정왕내과의원")),
			batch("hira:hospital", true, hira("Y1", "정왕내과의원", heydoctor.ClassClinic)),
			batch("hira:detail", false, detail("Y1", "0830", false)),
		}, func(t *testing.T, in *heydoctor.Institution) {
			if in.Hours.Day[0] != nmcHours {
				t.Errorf("hours %+v, want NMC's kept", in.Hours.Day[0])
			}
		}},
		{"HIRA detail alone", []heydoctor.ImportBatch{
			batch("hira:hospital", true, hira("Y1", "정왕내과의원", heydoctor.ClassClinic)),
			batch("hira:detail", false, detail("Y1", "0830", true)),
		}, func(t *testing.T, in *heydoctor.Institution) {
			if in.Hours.Day[5] != (heydoctor.Span{Open: "0830", Close: "1900"}) {
				t.Errorf("hours %+v, want HIRA's", in.Hours.Day)
			}
			if in.ER {
				t.Error("a 의원 saying 응급실 운영 became an ER")
			}
		}},
		{"HIRA detail then NMC emergency rooms", []heydoctor.ImportBatch{
			batch("hira:hospital", true, hospital(hira("Y1", "정왕병원", heydoctor.ClassHospital))),
			batch("hira:detail", false, detail("Y1", "0830", false)),
			batch("seoul:hospital", false, emergency(nmc("A1", "정왕병원"))),
		}, func(t *testing.T, in *heydoctor.Institution) {
			if !in.ER || in.ERPhone != "031-499-0119" {
				t.Errorf("ER %v %q, want NMC's designation over HIRA's N", in.ER, in.ERPhone)
			}
		}},
		{"NMC emergency rooms then HIRA detail", []heydoctor.ImportBatch{
			batch("seoul:hospital", false, emergency(nmc("A1", "정왕병원"))),
			batch("hira:hospital", true, hospital(hira("Y1", "정왕병원", heydoctor.ClassHospital))),
			batch("hira:detail", false, detail("Y1", "0830", false)),
		}, func(t *testing.T, in *heydoctor.Institution) {
			if !in.ER || in.Class != heydoctor.ClassHospital || in.Hours.Day[0] != nmcHours {
				t.Errorf("ER %v class %q hours %+v, want NMC's ER and hours, HIRA's class", in.ER, in.Class, in.Hours.Day[0])
			}
		}},
		{"HIRA detail ER on a hospital", []heydoctor.ImportBatch{
			batch("hira:hospital", true, hospital(hira("Y1", "정왕병원", heydoctor.ClassHospital))),
			batch("hira:detail", false, detail("Y1", "0830", true)),
		}, func(t *testing.T, in *heydoctor.Institution) {
			if !in.ER {
				t.Error("a 병원 saying 응급실 운영 is not an ER")
			}
		}},
		{"Gyeonggi then HIRA basis", []heydoctor.ImportBatch{
			batch("gyeonggi", true, heydoctor.Institution{Kind: heydoctor.KindClinic, Name: "정왕내과의원", TypeName: "의원",
				Address: "경기도 시흥시 정왕대로 233", Phone: "031-499-0000", Lat: 37.3452, Lng: 126.7336, LocalKey: "gg:1",
				Departments: []string{"D001", "D013"}, Carries: heydoctor.FieldBasis | heydoctor.FieldDepartments}),
			batch("hira:hospital", true, hira("Y1", "정왕내과의원", heydoctor.ClassClinic)),
			batch("hira:departments", false, heydoctor.Institution{YKIHO: "Y1", Departments: []string{"D001"},
				Specialists: map[string]int{"D001": 2}, Carries: heydoctor.FieldDepartments}),
		}, func(t *testing.T, in *heydoctor.Institution) {
			if in.LocalKey != "gg:1" || in.YKIHO != "Y1" || in.Class != heydoctor.ClassClinic {
				t.Errorf("got %+v", in)
			}
			if diff := cmp.Diff(map[string]int{"D001": 2}, in.Specialists); diff != "" || len(in.Departments) != 1 {
				t.Errorf("departments %v specialists mismatch (-want +got):\n%s", in.Departments, diff)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
				if _, err := s.ApplyImports(context.Background(), tc.batches...); err != nil {
					t.Fatal(err)
				}
				in := only(t, s)
				tc.check(t, in)
				// Every source again, one by one and in reverse: nothing changes.
				for i := len(tc.batches) - 1; i >= 0; i-- {
					if st := apply(t, s, tc.batches[i]); st.Inserted+st.Updated+st.Closed != 0 {
						t.Errorf("re-import of %s changed %+v", tc.batches[i].Scope, st)
					}
				}
				if diff := cmp.Diff(in, only(t, s)); diff != "" {
					t.Errorf("after re-import mismatch (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// A full refresh closes what its source no longer lists, never what another source
// still lists, and a source listing a place again reopens it.
func TestImportFullRefreshPerSource(t *testing.T) {
	clock := storetest.NewClock(epoch)
	storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
		both := hira("Y1", "정왕내과의원", heydoctor.ClassClinic)
		hiraOnly := hira("Y2", "배곧치과의원", heydoctor.ClassDentalClinic)
		hiraOnly.Phone, hiraOnly.Lat = "031-111-2222", 37.38
		apply(t, s, batch("hira:hospital", true, both, hiraOnly))
		apply(t, s, batch("nmc:hospital", true, nmc("A1", "정왕내과의원")))

		// NMC drops A1: HIRA still lists it, it stays open.
		if st := apply(t, s, batch("nmc:hospital", true)); st.Closed != 0 {
			t.Errorf("NMC refresh closed %d, want 0", st.Closed)
		}
		// HIRA drops both: now nobody lists either.
		if st := apply(t, s, batch("hira:hospital", true)); st.Closed != 2 {
			t.Errorf("HIRA refresh closed %d, want 2", st.Closed)
		}
		for _, in := range all(t, s) {
			if in.Status != heydoctor.StatusClosed {
				t.Errorf("%s is %s, want closed", in.Name, in.Status)
			}
		}
		// A source that lists a place as closed (Gyeonggi's 폐업 rows) does not keep it open.
		closedGG := heydoctor.Institution{Kind: heydoctor.KindClinic, Name: "배곧치과의원", Phone: "031-111-2222",
			Address: hiraOnly.Address, Lat: hiraOnly.Lat, Lng: hiraOnly.Lng, LocalKey: "gg:2", Status: heydoctor.StatusClosed,
			Carries: heydoctor.FieldBasis}
		apply(t, s, batch("hira:hospital", true, hiraOnly))
		apply(t, s, batch("gyeonggi", true, closedGG))
		if st := apply(t, s, batch("hira:hospital", true)); st.Closed != 1 {
			t.Errorf("HIRA refresh after Gyeonggi's 폐업 row closed %d, want 1", st.Closed)
		}
		// NMC lists A1 again: it reopens.
		apply(t, s, batch("nmc:hospital", true, nmc("A1", "정왕내과의원")))
		open := 0
		for _, in := range all(t, s) {
			if in.Status == heydoctor.StatusOperating {
				open++
			}
		}
		if open != 1 {
			t.Errorf("%d open, want A1 reopened", open)
		}
	})
}

// Hours a staff member edited are theirs: a later import does not overwrite them.
func TestImportKeepsStaffHours(t *testing.T) {
	clock := storetest.NewClock(epoch)
	storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
		apply(t, s, batch("nmc:hospital", true, nmc("A1", "정왕내과의원")))
		in := only(t, s)
		var h heydoctor.OpeningHours
		h.Day[0] = heydoctor.Span{Open: "1000", Close: "1300"}
		if err := s.UpdateInstitutionHours(context.Background(), in.ID, h); err != nil {
			t.Fatal(err)
		}
		apply(t, s, batch("nmc:hospital", true, nmc("A1", "정왕내과의원")))
		if got := only(t, s).Hours; got != h {
			t.Errorf("hours after import = %+v, want the staff's %+v", got.Day, h.Day)
		}
	})
}

// A place two sources list far apart, or under another kind, is not joined.
func TestImportDoesNotJoinStrangers(t *testing.T) {
	clock := storetest.NewClock(epoch)
	storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
		far := nmc("A1", "정왕내과의원")
		far.Lat += 0.006 // about 670 m, though name, phone and address agree
		near := nmc("A2", "정왕내과의원")
		near.Lat += 0.001 // about 110 m with the same phone but another address
		near.Address = "경기도 시흥시 정왕대로 240"
		pharmacy := nmc("C1", "정왕내과의원")
		pharmacy.Kind = heydoctor.KindPharmacy
		apply(t, s, batch("hira:hospital", true, hira("Y1", "정왕내과의원", heydoctor.ClassClinic)))
		st := apply(t, s, batch("nmc:hospital", true, far, near, pharmacy))
		if st.Joined != 0 || st.Inserted != 3 || len(all(t, s)) != 4 {
			t.Errorf("stats %+v with %d institutions, want 3 new and none joined", st, len(all(t, s)))
		}
	})
}
