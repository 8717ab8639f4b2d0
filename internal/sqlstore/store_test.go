package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"heydoctor"
	"heydoctor/internal/sqlstore"
	"heydoctor/internal/sqlstore/storetest"
)

var epoch = time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC) // 10:00 KST, a Wednesday

func TestMigrationsSameListOnBothDialects(t *testing.T) {
	names := func(d sqlstore.Dialect) []string {
		list, err := sqlstore.Migrations(d)
		if err != nil {
			t.Fatalf("migrations %s: %v", d, err)
		}
		var out []string
		for _, m := range list {
			out = append(out, m.Name)
		}
		return out
	}
	if diff := cmp.Diff(names(sqlstore.SQLite), names(sqlstore.MySQL)); diff != "" {
		t.Errorf("migration lists differ (-sqlite +mysql):\n%s", diff)
	}
}

func TestParseDSN(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    sqlstore.Dialect
		wantErr bool
	}{
		{"sqlite path", "./heydoctor.db", sqlstore.SQLite, false},
		{"mysql", "mysql://root:pw@tcp(127.0.0.1:3306)/heydoctor", sqlstore.MySQL, false},
		{"mysql without db", "mysql://root:pw@tcp(127.0.0.1:3306)/", "", true},
		{"unknown scheme", "postgres://x@y/z", "", true},
		{"empty", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := sqlstore.ParseDSN(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseDSN(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
	if got := sqlstore.RedactDSN("mysql://root:secret@tcp(h:3306)/db"); got != "mysql://root:***@tcp(h:3306)/db" {
		t.Errorf("RedactDSN = %q", got)
	}
}

func TestMigrate(t *testing.T) {
	clock := storetest.NewClock(epoch)
	storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		n, err := s.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second Migrate = %d, %v; want 0, nil", n, err)
		}
		if err := s.CheckSchema(ctx); err != nil {
			t.Fatalf("CheckSchema: %v", err)
		}
	})
}

func institution(hpid, name string) heydoctor.Institution {
	in := heydoctor.Institution{
		Kind: heydoctor.KindClinic, TypeCode: "C", TypeName: "의원", Name: name, Address: "경기도 시흥시 산기대학로 237",
		Phone: "031-000-0000", Lat: 37.34, Lng: 126.7335, Departments: []string{"D001", "D013"}, HPID: hpid,
	}
	in.Hours.Day[0] = heydoctor.Span{Open: "0900", Close: "1800"}
	return in
}

func TestApplyImport(t *testing.T) {
	clock := storetest.NewClock(epoch)
	storetest.Each(t, clock.Now, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		batch := heydoctor.ImportBatch{Format: "test", Scope: "nmc:hospital", FullRefresh: true, Read: 2,
			Institutions: []heydoctor.Institution{institution("A1", "하나내과의원"), institution("A2", "둘이비인후과의원")},
			Holidays:     []heydoctor.PublicHoliday{{Date: "2026-12-25", Name: "기독탄신일"}}}
		st, err := s.ApplyImport(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(heydoctor.ImportStats{Inserted: 2, Holidays: 1}, st); diff != "" {
			t.Errorf("first import mismatch (-want +got):\n%s", diff)
		}
		v1, _ := s.DirectoryVersion(ctx)

		// Same again: nothing changes, the version stays.
		batch.Institutions = []heydoctor.Institution{institution("A1", "하나내과의원"), institution("A2", "둘이비인후과의원")}
		batch.Holidays = nil
		st, err = s.ApplyImport(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(heydoctor.ImportStats{Unchanged: 2}, st); diff != "" {
			t.Errorf("re-import mismatch (-want +got):\n%s", diff)
		}
		if v2, _ := s.DirectoryVersion(ctx); v2 != v1 {
			t.Errorf("version moved on an unchanged import: %d → %d", v1, v2)
		}

		// A full refresh without A2 renames A1 and closes A2, never deleting it.
		renamed := institution("A1", "하나내과")
		batch.Institutions = []heydoctor.Institution{renamed}
		st, err = s.ApplyImport(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(heydoctor.ImportStats{Updated: 1, Closed: 1}, st); diff != "" {
			t.Errorf("refresh mismatch (-want +got):\n%s", diff)
		}
		list, err := s.ListInstitutions(ctx, heydoctor.InstitutionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Name != "하나내과" || list[1].Status != heydoctor.StatusClosed {
			t.Errorf("after refresh: %+v %+v", list[0], list[1])
		}
		if v3, _ := s.DirectoryVersion(ctx); v3 <= v1 {
			t.Errorf("version did not move: %d → %d", v1, v3)
		}
		got, err := s.FindInstitutionByID(ctx, list[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Hours.Day[0].Open != "0900" || got.Source != "nmc:hospital" || got.HPID != "A1" {
			t.Errorf("round trip lost fields: %+v", got)
		}
		byDept, err := s.ListInstitutions(ctx, heydoctor.InstitutionFilter{Department: "D013"})
		if err != nil || len(byDept) != 2 {
			t.Errorf("department filter: %d, %v", len(byDept), err)
		}
		// A batch that fails half-way (duplicate hpid in the same batch) leaves everything as it was.
		bad := heydoctor.ImportBatch{Scope: "nmc:hospital", Institutions: []heydoctor.Institution{institution("B1", "새의원"), institution("B1", "새의원2")}}
		if _, err := s.ApplyImport(ctx, bad); heydoctor.KindOf(err) != heydoctor.Conflict {
			t.Errorf("duplicate ids in one batch: err = %v, want a conflict", err)
		}
		after, _ := s.ListInstitutions(ctx, heydoctor.InstitutionFilter{})
		if len(after) != 2 {
			t.Errorf("failed import left %d institutions, want 2", len(after))
		}
		if _, err := s.FindInstitutionByID(ctx, 9999); heydoctor.KindOf(err) != heydoctor.NotFound {
			t.Errorf("missing id: %v", err)
		}
		hs, err := s.ListHolidays(ctx)
		if err != nil || len(hs) != 1 || hs[0].Date != "2026-12-25" {
			t.Errorf("holidays = %v, %v", hs, err)
		}
	})
}

// TestErrorsNameTheOperation: an error leaving the store says what was being done and
// keeps its kind.
func TestErrorsNameTheOperation(t *testing.T) {
	storetest.Each(t, storetest.NewClock(epoch).Now, func(t *testing.T, s *sqlstore.Store) {
		_, err := s.FindDoctorByID(context.Background(), 999)
		if heydoctor.KindOf(err) != heydoctor.NotFound || !strings.HasPrefix(err.Error(), "find doctor 999: ") {
			t.Errorf("FindDoctorByID(999) = %v (kind %v), want a NotFound that names the operation", err, heydoctor.KindOf(err))
		}
	})
}
