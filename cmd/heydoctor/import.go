package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/term"

	"heydoctor/internal/publicdata"
	"heydoctor/internal/sqlstore"
)

// operations are the data.go.kr downloads `heydoctor import` can fetch by name.
var operations = []publicdata.Operation{publicdata.OpNMCHospitals, publicdata.OpNMCPharmacies, publicdata.OpHIRAHospitals, publicdata.OpKASIHolidays}

func runImport(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "import", "import [flags] FILE|URL|OPERATION...\n\n"+
		"Imports public hospital, pharmacy and holiday data. Each FILE or URL is one input in any\n"+
		"supported format (detected from the content unless --format is given). An OPERATION\n"+
		"("+joinOps()+") downloads from data.go.kr with --service-key.\n"+
		"Formats: "+strings.Join(publicdata.Formats(), ", "))
	cfg, validate := bindConfig(fs, env.getenv)
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
		res, err := readInput(ctx, env, src, *format, *key, *year, *resume)
		if err != nil {
			fmt.Fprintf(env.stderr, "%s: %v\n", src, err)
			failed = append(failed, src)
			continue
		}
		st, err := store.ApplyImport(ctx, sqlstore.ImportBatch{Format: res.Format, Scope: res.Scope, FullRefresh: res.FullRefresh || *full,
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

// progressBar draws on a terminal and stays quiet otherwise.
func progressBar(env *environment, label string) func(done, total int) {
	f, ok := env.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
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

func printSummary(w io.Writer, src string, res *publicdata.Result, st sqlstore.ImportStats) {
	fmt.Fprintf(w, "%s (%s): read %d, inserted %d, updated %d, unchanged %d, rejected %d", src, res.Format, res.Read,
		st.Inserted, st.Updated, st.Unchanged, len(res.Rejected))
	if st.Closed > 0 {
		fmt.Fprintf(w, ", marked closed %d", st.Closed)
	}
	if st.Holidays > 0 {
		fmt.Fprintf(w, ", holidays %d", st.Holidays)
	}
	if st.Orphans > 0 {
		fmt.Fprintf(w, ", departments for unknown institutions %d", st.Orphans)
	}
	fmt.Fprintln(w)
	for _, rj := range res.Rejected {
		fmt.Fprintf(w, "  rejected %s: %s\n", rj.Position, rj.Reason)
	}
}
