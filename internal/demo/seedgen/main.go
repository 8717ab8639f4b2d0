// Command seedgen builds the nationwide seed that a fresh HeyDoctor loads into an empty
// database, from HIRA's quarterly bulk release as downloaded:
//
//	go run ./internal/demo/seedgen -zip "../shared/data/public/hira-2026.3/전국 병의원 및 약국 현황 2026.3.zip" \
//		-release "전국 병의원 및 약국 현황 2026.3" -out internal/demo/seed/national.seed
//
// The release is read by internal/publicdata, the same reader as `heydoctor import`, its
// tables merged into one record per institution and written with demo.EncodeNational.
// The same ZIP always gives the same file.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"time"

	"heydoctor/internal/demo"
	"heydoctor/internal/publicdata"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "seedgen:", err)
		os.Exit(1)
	}
}

func run() error {
	zipPath := flag.String("zip", "", "HIRA bulk release ZIP (전국 병의원 및 약국 현황)")
	release := flag.String("release", "", "release name recorded in the seed, e.g. 전국 병의원 및 약국 현황 2026.3")
	out := flag.String("out", "internal/demo/seed/national.seed", "seed file to write")
	flag.Parse()
	if *zipPath == "" || *release == "" {
		flag.Usage()
		return fmt.Errorf("-zip and -release are required")
	}
	start := time.Now()
	rel, err := publicdata.OpenRelease(*zipPath, nil)
	if err != nil {
		return err
	}
	if len(rel.Missing) > 0 {
		return fmt.Errorf("release lacks %v", rel.Missing)
	}
	list, orphans := rel.Institutions()
	var buf bytes.Buffer
	if err := demo.EncodeNational(&buf, *release, "건강보험심사평가원", list); err != nil {
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %d institutions (%d detail or department rows without an institution left out), %.1f MB, %.0fs\n",
		*out, len(list), orphans, float64(buf.Len())/1e6, time.Since(start).Seconds())
	return nil
}
