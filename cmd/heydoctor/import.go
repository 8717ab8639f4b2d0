package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"golang.org/x/term"

	"heydoctor"
	"heydoctor/internal/publicdata"
	"heydoctor/internal/sqlstore"
)

// operations are the data.go.kr downloads `heydoctor import` can fetch by name.
var operations = []publicdata.Operation{publicdata.OpNMCHospitals, publicdata.OpNMCPharmacies, publicdata.OpHIRAHospitals, publicdata.OpKASIHolidays}

func runImport(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "import", "import [flags] FILE|URL|OPERATION...\n\n"+
		"Imports public hospital, pharmacy and holiday data. Each FILE or URL is one input in any\n"+
		"supported format (detected from the content unless --format is given). A FILE may be\n"+
		"HIRA's bulk release as downloaded (\"전국 병의원 및 약국 현황 2026.3.zip\"): its tables are\n"+
		"imported together in one transaction, or not at all. An OPERATION\n"+
		"("+joinOps()+") downloads from data.go.kr with --service-key.\n"+
		"Formats: "+strings.Join(publicdata.Formats(), ", "))
	cfg, validate := bindStore(fs, env.getenv)
	format := fs.String("format", "", "input format (default: detect)")
	full := fs.Bool("full-refresh", false, "the input is a complete snapshot: mark institutions of its scope that it lacks as closed")
	key := fs.String("service-key", env.getenv("HEYDOCTOR_SERVICE_KEY"), "data.go.kr service key (decoding key) for OPERATION inputs (HEYDOCTOR_SERVICE_KEY)")
	year := fs.Int("year", time.Now().Year(), "year for kasi-holidays")
	resume := fs.Int("resume-page", 1, "first page to fetch, to resume an interrupted download")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := validate(); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usagef("import needs at least one FILE, URL or OPERATION")
	}
	if *format != "" && !slices.Contains(publicdata.Formats(), *format) {
		return usagef("--format: unknown format %q (known: %s)", *format, strings.Join(publicdata.Formats(), ", "))
	}
	log := newLogger(cfg, env.stderr)
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()

	var failed []string
	for _, src := range fs.Args() {
		if *format == "" && isReleaseFile(src) {
			if err := importRelease(ctx, env, store, src); err != nil {
				fmt.Fprintf(env.stderr, "%s: %v\n", src, err)
				failed = append(failed, src)
			}
			continue
		}
		res, err := readInput(ctx, env, src, *format, *key, *year, *resume)
		if err != nil {
			fmt.Fprintf(env.stderr, "%s: %v\n", src, err)
			failed = append(failed, src)
			continue
		}
		st, err := store.ApplyImport(ctx, heydoctor.ImportBatch{Format: res.Format, Scope: res.Scope, FullRefresh: res.FullRefresh || *full,
			Institutions: res.Institutions, Holidays: res.Holidays, Read: res.Read, Rejected: len(res.Rejected)})
		if err != nil {
			fmt.Fprintf(env.stderr, "%s: import failed, nothing changed: %v\n", src, err)
			failed = append(failed, src)
			continue
		}
		printSummary(env.stdout, src, res, st)
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d inputs failed: %s", len(failed), fs.NArg(), strings.Join(failed, ", "))
	}
	return nil
}

// isReleaseFile reports whether src is a local ZIP archive that is not a single workbook.
func isReleaseFile(src string) bool {
	f, err := os.Open(src)
	if err != nil {
		return false
	}
	defer f.Close()
	magic := make([]byte, 4)
	if _, err := io.ReadFull(f, magic); err != nil || string(magic) != "PK\x03\x04" {
		return false
	}
	st, err := f.Stat()
	if err != nil {
		return false
	}
	// A truncated release has no central directory; ReadRelease says so.
	return publicdata.IsRelease(f, st.Size()) || !strings.HasSuffix(strings.ToLower(src), ".xlsx")
}

// importRelease imports the tables of a HIRA bulk release in one transaction and prints
// a summary per table.
func importRelease(ctx context.Context, env *environment, store *sqlstore.Store, src string) error {
	// A release holds some 200,000 records; a soft memory limit makes the collector work
	// harder instead of letting the heap double (about 650 MB instead of 1 GB at its peak).
	if env.getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(512 << 20))
	}
	tty := terminal(env)
	var progress publicdata.ReleaseProgress
	if tty != nil {
		progress = func(member string, rows, done, total int) {
			const width = 20
			n := done * width / max(total, 1)
			// \033[K clears what a longer previous line left behind.
			fmt.Fprintf(tty, "\r[%s%s] %d/%d tables · %s: %d rows\033[K", strings.Repeat("#", n), strings.Repeat(".", width-n), done, total, member, rows)
		}
	}
	rel, err := publicdata.OpenRelease(src, progress)
	if tty != nil {
		fmt.Fprintln(tty)
	}
	if err != nil {
		return fmt.Errorf("nothing imported: %w", err)
	}
	var batches []heydoctor.ImportBatch
	for _, m := range rel.Members {
		batches = append(batches, heydoctor.ImportBatch{Format: m.Format, Scope: m.Scope, FullRefresh: m.FullRefresh,
			Institutions: m.Institutions, Read: m.Read, Rejected: len(m.Rejected)})
	}
	if tty != nil {
		fmt.Fprintf(tty, "writing %d records in one transaction…\n", countRecords(batches))
	}
	stats, err := store.ApplyImports(ctx, batches...)
	if err != nil {
		return fmt.Errorf("import failed, nothing changed: %w", err)
	}
	fmt.Fprintf(env.stdout, "%s: HIRA bulk release, %d tables imported\n", src, len(rel.Members))
	for i, m := range rel.Members {
		printSummary(env.stdout, "  "+m.Name, m.Result, stats[i])
	}
	for _, name := range rel.Missing {
		fmt.Fprintf(env.stdout, "  missing %s: not in this release, the other tables were imported\n", name)
	}
	for _, name := range rel.Skipped {
		fmt.Fprintf(env.stdout, "  skipped %s: not used\n", name)
	}
	return nil
}

func countRecords(batches []heydoctor.ImportBatch) int {
	n := 0
	for _, b := range batches {
		n += len(b.Institutions)
	}
	return n
}

func joinOps() string {
	var s []string
	for _, op := range operations {
		s = append(s, string(op))
	}
	return strings.Join(s, ", ")
}

// readInput reads one FILE, URL or data.go.kr OPERATION into a parsed result.
func readInput(ctx context.Context, env *environment, src, format, key string, year, resume int) (*publicdata.Result, error) {
	if slices.Contains(operations, publicdata.Operation(src)) {
		if key == "" {
			return nil, usagef("%s needs --service-key (or HEYDOCTOR_SERVICE_KEY)", src)
		}
		c := &publicdata.Client{ServiceKey: key}
		params := url.Values{}
		if publicdata.Operation(src) == publicdata.OpKASIHolidays {
			params.Set("solYear", fmt.Sprint(year))
		}
		return c.FetchAll(ctx, publicdata.Operation(src), params, progressBar(env, src), resume)
	}
	var r io.Reader
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
		if err != nil {
			return nil, err
		}
		resp, err := (&http.Client{Timeout: 2 * time.Minute}).Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %s", src, resp.Status)
		}
		r = resp.Body
	} else {
		f, err := os.Open(src)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	return publicdata.Parse(r, format)
}

// terminal returns stderr when it is a terminal, for progress lines.
func terminal(env *environment) *os.File {
	f, ok := env.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return f
}

// progressBar draws on a terminal and stays quiet otherwise.
func progressBar(env *environment, label string) func(done, total int) {
	f := terminal(env)
	if f == nil {
		return nil
	}
	return func(done, total int) {
		if total <= 0 {
			fmt.Fprintf(f, "\r%s: %d", label, done)
			return
		}
		const width = 30
		n := min(width, done*width/total)
		fmt.Fprintf(f, "\r%s [%s%s] %d/%d", label, strings.Repeat("#", n), strings.Repeat(".", width-n), done, total)
		if done >= total {
			fmt.Fprintln(f)
		}
	}
}

func printSummary(w io.Writer, src string, res *publicdata.Result, st heydoctor.ImportStats) {
	fmt.Fprintf(w, "%s (%s): read %d, inserted %d, updated %d, unchanged %d, rejected %d", src, res.Format, res.Read,
		st.Inserted, st.Updated, st.Unchanged, len(res.Rejected))
	if st.Closed > 0 {
		fmt.Fprintf(w, ", marked closed %d", st.Closed)
	}
	if st.Holidays > 0 {
		fmt.Fprintf(w, ", holidays %d", st.Holidays)
	}
	if st.Joined > 0 {
		fmt.Fprintf(w, ", joined to another source's institution %d", st.Joined)
	}
	if st.Orphans > 0 {
		fmt.Fprintf(w, ", rows for unknown institutions %d", st.Orphans)
	}
	fmt.Fprintln(w)
	const shown = 100
	for i, rj := range res.Rejected {
		if i == shown {
			fmt.Fprintf(w, "  … and %d more rejected\n", len(res.Rejected)-shown)
			break
		}
		fmt.Fprintf(w, "  rejected %s: %s\n", rj.Position, rj.Reason)
	}
}
