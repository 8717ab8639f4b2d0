package demo_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"heydoctor"
	"heydoctor/internal/demo"
	"heydoctor/internal/sqlstore"
	"heydoctor/internal/sqlstore/storetest"
)

var _ demo.Store = (*sqlstore.Store)(nil)

func TestLoad(t *testing.T) {
	storetest.Each(t, time.Now, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		log := slog.New(slog.DiscardHandler)
		if err := demo.Load(ctx, s, log); err != nil {
			t.Fatal(err)
		}
		all, err := s.ListInstitutions(ctx, heydoctor.InstitutionFilter{})
		if err != nil || len(all) < 880 || len(all) > 900 {
			t.Fatalf("seeded %d institutions, %v; want about 893", len(all), err)
		}
		withHours := 0
		for _, in := range all {
			if in.Hours.Known() {
				withHours++
				if in.Source != "nmc:hospital" {
					t.Errorf("%s has hours but comes from %s: hours are never invented", in.Name, in.Source)
				}
			}
		}
		if withHours != 10 {
			t.Errorf("%d institutions with hours, want the 10 NMC hospitals", withHours)
		}
		onboarded, _ := s.ListInstitutions(ctx, heydoctor.InstitutionFilter{Onboarded: true})
		if len(onboarded) != 3 {
			t.Fatalf("onboarded = %d, want 3", len(onboarded))
		}
		for _, in := range onboarded {
			if !in.Demo {
				t.Errorf("%s is onboarded but not marked demo", in.Name)
			}
			doctors, _ := s.ListDoctors(ctx, in.ID)
			for _, d := range doctors {
				if !d.Demo || !d.IsRoom {
					t.Errorf("%s: room %q is not a demo room", in.Name, d.Name)
				}
				if _, err := s.FindSchedule(ctx, d.ID); err != nil {
					t.Errorf("%s has no schedule: %v", d.Name, err)
				}
			}
		}
		// A second load leaves a non-empty database alone.
		if err := demo.Load(ctx, s, log); err != nil {
			t.Fatal(err)
		}
		again, _ := s.ListInstitutions(ctx, heydoctor.InstitutionFilter{})
		if len(again) != len(all) {
			t.Errorf("second load changed the count: %d → %d", len(all), len(again))
		}
	})
}

func TestNationalRoundTrip(t *testing.T) {
	var h heydoctor.OpeningHours
	h.Day[0] = heydoctor.Span{Open: "0900", Close: "1830"}
	h.Lunch[0] = heydoctor.Span{Open: "1300", Close: "1400"}
	h.Day[6] = heydoctor.Span{Unknown: true}
	in := []heydoctor.Institution{
		{Kind: heydoctor.KindClinic, TypeCode: "31", TypeName: "의원", Class: heydoctor.ClassClinic, Name: "정왕내과의원",
			Address: "경기도 시흥시 정왕동 1", Phone: "031-000-0000", Lat: 37.3400123, Lng: 126.7335987, Departments: []string{"D001", "D022"},
			Specialists: map[string]int{"D001": 2}, Hours: h, YKIHO: "HP2603aa", Status: heydoctor.StatusOperating,
			Carries: heydoctor.FieldBasis | heydoctor.FieldHours | heydoctor.FieldDepartments, Source: "hira"},
		{Kind: heydoctor.KindPharmacy, TypeCode: "81", TypeName: "약국", Class: heydoctor.ClassPharmacy, Name: "가나약국",
			Address: "경기도 시흥시 배곧동 2", Lat: 37.37, Lng: 126.73, YKIHO: "HP2603bb", Status: heydoctor.StatusOperating, Source: "hira"},
		{Kind: heydoctor.KindHospital, TypeCode: "11", TypeName: "종합병원", Class: heydoctor.ClassGeneral, Name: "시화병원",
			Address: "경기도 시흥시 군자천로 381", Lat: 37.35, Lng: 126.74, ER: true, ERPhone: "031-111-1111", YKIHO: "HP2603cc",
			Status: heydoctor.StatusOperating, Source: "hira"},
	}
	var buf bytes.Buffer
	if err := demo.EncodeNational(&buf, "전국 병의원 및 약국 현황 2026.3", "건강보험심사평가원", in); err != nil {
		t.Fatal(err)
	}
	got, err := demo.DecodeNational(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	byName := func(l []heydoctor.Institution) map[string]heydoctor.Institution {
		m := map[string]heydoctor.Institution{}
		for _, x := range l {
			m[x.Name] = x
		}
		return m
	}
	if diff := cmp.Diff(byName(in), byName(got.Institutions)); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	if got.Release != "전국 병의원 및 약국 현황 2026.3" || got.Attribution != "건강보험심사평가원" {
		t.Errorf("release %q, attribution %q", got.Release, got.Attribution)
	}
	for _, bad := range [][]byte{nil, []byte("not a seed"), buf.Bytes()[:buf.Len()/2]} {
		if _, err := demo.DecodeNational(bad); err == nil {
			t.Errorf("DecodeNational(%d bytes of garbage) succeeded", len(bad))
		}
	}
}

// TestNationalSeed checks the embedded seed without loading it into a database (that is
// the end-to-end test's job): the whole country, attributed, no invented hours.
func TestNationalSeed(t *testing.T) {
	n, err := demo.DecodeNational(demo.NationalSeed())
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[heydoctor.InstitutionKind]int{}
	hoursKnown, er := 0, 0
	for _, in := range n.Institutions {
		kinds[in.Kind]++
		if in.Hours.Known() {
			hoursKnown++
			if in.Kind == heydoctor.KindPharmacy {
				t.Fatalf("pharmacy %s has hours: HIRA publishes none", in.Name)
			}
		}
		if in.ER {
			er++
			if !in.Class.HospitalGrade() {
				t.Fatalf("%s (%s) is marked as an ER", in.Name, in.TypeName)
			}
		}
	}
	if len(n.Institutions) < 100_000 || kinds[heydoctor.KindPharmacy] < 25_000 || hoursKnown < 20_000 || er < 300 {
		t.Errorf("seed has %d institutions %v, %d with hours, %d ERs", len(n.Institutions), kinds, hoursKnown, er)
	}
	if n.Attribution != "건강보험심사평가원" {
		t.Errorf("attribution %q", n.Attribution)
	}
}
