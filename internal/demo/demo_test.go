package demo_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"heydoctor"
	"heydoctor/internal/demo"
	"heydoctor/internal/sqlstore"
	"heydoctor/internal/sqlstore/storetest"
)

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
