// Package demo loads HeyDoctor's built-in directory into an empty database. LoadNational
// is the default start: every hospital, clinic and pharmacy of HIRA's bulk release
// (건강보험심사평가원, 전국 병의원 및 약국 현황), the NMC Gangnam sample with its published
// hours, and a few hospitals near 한국공학대학교 marked as demo-onboarded with
// consultation rooms and schedules, so that booking can be tried. Load is the same in
// small (Gyeonggi hospitals instead of the whole country) for tests. Everything demo is
// labelled 데모.
package demo

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"time"

	"heydoctor"
	"heydoctor/internal/publicdata"
)

//go:embed seed/*.gz
var seedFS embed.FS

// nationalSeed is HIRA's release merged per institution, built by ./seedgen.
//
//go:embed seed/national.seed
var nationalSeed []byte

// NationalSeed returns the embedded nationwide seed (for tests and benchmarks; do not modify it).
func NationalSeed() []byte { return nationalSeed }

// Files are the seed inputs in load order with the format and scope of each.
var files = []struct{ name, format, scope string }{
	{"seed/gyeonggi_hospitals.json.gz", "gyeonggi", "gyeonggi"},
	{"seed/nmc_gangnam_hospitals.xml.gz", "nmc", "nmc:hospital"},
}

// Home is 한국공학대학교 in 시흥, the original HeyDoctor's home, around which demo
// hospitals take bookings.
var Home = struct{ Lat, Lng float64 }{37.3400, 126.7335}

// onboarded are the demo hospitals (by name in the Gyeonggi data) and their rooms.
var onboarded = []struct {
	name    string
	confirm bool
	rooms   []room
}{
	{"의료법인 석경의료재단 센트럴병원", true, []room{{"D001", "내과 1진료실"}, {"D001", "내과 2진료실"}, {"D002", "소아청소년과 진료실"}, {"D013", "이비인후과 진료실"}, {"D008", "정형외과 진료실"}}},
	{"의료법인 풍진의료재단 스마트허브병원", false, []room{{"D001", "내과 진료실"}, {"D008", "정형외과 진료실"}, {"D002", "소아청소년과 진료실"}}},
	{"의료법인 남촌의료재단 시화병원", true, []room{{"D001", "내과 진료실"}, {"D013", "이비인후과 진료실"}}},
}

type room struct{ department, name string }

// alwaysOpenQueue keeps its demo check-in queue (모바일 접수) open at any hour, so the
// flow can be tried at night; the other demo hospitals take check-ins in their hours.
const alwaysOpenQueue = "의료법인 풍진의료재단 스마트허브병원"

// weekPlan is the demo rooms' plan: weekdays 09:00–12:30 and 13:30–18:00 (lunch in
// between), Saturdays 09:00–13:00.
func weekPlan() []heydoctor.WorkBlock {
	var blocks []heydoctor.WorkBlock
	for d := time.Monday; d <= time.Friday; d++ {
		blocks = append(blocks, heydoctor.WorkBlock{Weekday: d, Start: "0900", End: "1230"}, heydoctor.WorkBlock{Weekday: d, Start: "1330", End: "1800"})
	}
	return append(blocks, heydoctor.WorkBlock{Weekday: time.Saturday, Start: "0900", End: "1300"})
}

// Store is what the seeds write to; internal/sqlstore implements it.
type Store interface {
	ListInstitutions(ctx context.Context, f heydoctor.InstitutionFilter) ([]*heydoctor.Institution, error)
	ApplyImport(ctx context.Context, b heydoctor.ImportBatch) (heydoctor.ImportStats, error)
	ApplyImports(ctx context.Context, batches ...heydoctor.ImportBatch) ([]heydoctor.ImportStats, error)
	SetOnboarding(ctx context.Context, id int64, onboarded, demo bool, p heydoctor.BookingPolicy) error
	SaveQueueSettings(ctx context.Context, qs *heydoctor.QueueSettings, audit ...*heydoctor.AuditEntry) error
	CreateDoctor(ctx context.Context, d *heydoctor.Doctor, audit ...*heydoctor.AuditEntry) error
	SetSchedule(ctx context.Context, sc *heydoctor.Schedule, audit ...*heydoctor.AuditEntry) error
}

// empty reports whether the database has no institution yet: a seed never overwrites
// real data.
func empty(ctx context.Context, s Store) (bool, error) {
	existing, err := s.ListInstitutions(ctx, heydoctor.InstitutionFilter{Limit: 1})
	return len(existing) == 0, err
}

// LoadNational fills an empty database with the nationwide directory (about 105,000
// places; some seconds on the first start, logged as it goes). A database that already
// has institutions is left alone.
func LoadNational(ctx context.Context, s Store, log *slog.Logger) error {
	if ok, err := empty(ctx, s); err != nil || !ok {
		return err
	}
	start := time.Now()
	n, err := DecodeNational(nationalSeed)
	if err != nil {
		return err
	}
	log.Info("first start: loading the nationwide directory into the database", "institutions", len(n.Institutions), "release", n.Release, "source", n.Attribution)
	var clinics, pharmacies []heydoctor.Institution
	for _, in := range n.Institutions {
		if in.Kind == heydoctor.KindPharmacy {
			pharmacies = append(pharmacies, in)
		} else {
			clinics = append(clinics, in)
		}
	}
	n = nil
	gangnam, err := parse(files[1].name, files[1].format)
	if err != nil {
		return err
	}
	// One transaction: the NMC sample joins the HIRA records of the same hospitals.
	stats, err := s.ApplyImports(ctx,
		heydoctor.ImportBatch{Format: "hira-release", Scope: "hira:hospital", Institutions: clinics, Read: len(clinics)},
		heydoctor.ImportBatch{Format: "hira-release", Scope: "hira:pharmacy", Institutions: pharmacies, Read: len(pharmacies)},
		heydoctor.ImportBatch{Format: gangnam.Format, Scope: files[1].scope, Institutions: gangnam.Institutions, Holidays: gangnam.Holidays, Read: gangnam.Read})
	if err != nil {
		return fmt.Errorf("national seed: %w", err)
	}
	if err := onboard(ctx, s); err != nil {
		return err
	}
	log.Info("nationwide directory loaded", "hospitals_and_clinics", stats[0].Inserted, "pharmacies", stats[1].Inserted,
		"nmc_sample_joined", stats[2].Joined, "took_ms", time.Since(start).Milliseconds())
	// The decoded seed and the import's working set are garbage now, several hundred
	// megabytes of it: collect it before the in-memory directory is built, so that the
	// directory does not settle among its holes.
	debug.FreeOSMemory()
	return nil
}

// Load fills an empty database with the small demo directory (Gyeonggi hospitals, the NMC
// Gangnam sample and the demo hospitals) that tests use. A database that already has
// institutions is left alone.
func Load(ctx context.Context, s Store, log *slog.Logger) error {
	if ok, err := empty(ctx, s); err != nil || !ok {
		return err
	}
	for _, f := range files {
		res, err := parse(f.name, f.format)
		if err != nil {
			return err
		}
		st, err := s.ApplyImport(ctx, heydoctor.ImportBatch{Format: res.Format, Scope: f.scope, Institutions: res.Institutions,
			Holidays: res.Holidays, Read: res.Read, Rejected: len(res.Rejected)})
		if err != nil {
			return fmt.Errorf("seed %s: %w", f.name, err)
		}
		log.Info("demo seed loaded", "file", f.name, "inserted", st.Inserted, "rejected", len(res.Rejected))
	}
	return onboard(ctx, s)
}

func parse(name, format string) (*publicdata.Result, error) {
	b, err := seedFS.ReadFile(name)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("seed %s: %w", name, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("seed %s: %w", name, err)
	}
	res, err := publicdata.Parse(bytes.NewReader(raw), format)
	if err != nil {
		return nil, fmt.Errorf("seed %s: %w", name, err)
	}
	return res, nil
}

func onboard(ctx context.Context, s Store) error {
	for _, o := range onboarded {
		list, err := s.ListInstitutions(ctx, heydoctor.InstitutionFilter{NameQuery: o.name})
		if err != nil {
			return err
		}
		var in *heydoctor.Institution
		for _, c := range list {
			if c.Name == o.name {
				in = c
			}
		}
		if in == nil {
			return fmt.Errorf("demo hospital %q is not in the seed", o.name)
		}
		policy := heydoctor.BookingPolicy{RequireConfirmation: o.confirm, CancelWindowMinutes: 60}
		if err := s.SetOnboarding(ctx, in.ID, true, true, policy); err != nil {
			return err
		}
		qs := heydoctor.DefaultQueueSettings(in.ID)
		qs.Enabled, qs.AlwaysOpen = true, o.name == alwaysOpenQueue
		if err := s.SaveQueueSettings(ctx, &qs); err != nil {
			return err
		}
		for _, r := range o.rooms {
			d := &heydoctor.Doctor{InstitutionID: in.ID, Department: r.department, Name: r.name, IsRoom: true, Active: true, Demo: true}
			if err := s.CreateDoctor(ctx, d); err != nil {
				return err
			}
			sc := &heydoctor.Schedule{DoctorID: d.ID, Blocks: weekPlan(), SlotMinutes: 15, Capacity: 1,
				HorizonDays: heydoctor.DefaultHorizonDays, MinNoticeMinutes: heydoctor.DefaultMinNoticeMinutes}
			if err := s.SetSchedule(ctx, sc); err != nil {
				return err
			}
		}
	}
	return nil
}
