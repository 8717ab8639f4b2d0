package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"heydoctor"
	"heydoctor/internal/app"
	"heydoctor/internal/demo"
	"heydoctor/internal/directory"
	"heydoctor/internal/hours"
	"heydoctor/internal/nearby"
	"heydoctor/internal/publicdata"
	"heydoctor/internal/synth"
)

// runBench measures the service: HTTP load against a running server (or a bare handler,
// the ceiling of this machine), a realistic KakaoTalk conversation mix, and the directory
// with a synthetic national dataset (import rate, in-process query latency, a plain SQL
// scan for comparison, memory). It only ever targets loopback or the given URL.
func runBench(ctx context.Context, env *environment, args []string) error {
	modes := map[string]func(context.Context, *environment, []string) error{
		"http": benchHTTP, "kakao": benchKakao, "ceiling": benchCeiling, "directory": benchDirectoryCmd,
	}
	if len(args) == 0 || modes[args[0]] == nil {
		fmt.Fprintln(env.stderr, "Usage: heydoctor bench http|kakao|ceiling|directory [flags]\n\nRun 'heydoctor bench MODE --help' for a mode's flags.")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return errHelp
		}
		if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
			return usagef("unknown bench mode %q", args[0])
		}
		return usagef("bench needs a mode: http, kakao, ceiling or directory")
	}
	return modes[args[0]](ctx, env, args[1:])
}

// loadFlags registers the flags every load mode shares.
func loadFlags(fs *flag.FlagSet) (conc, n *int, check func() error) {
	conc = fs.Int("concurrency", 64, "concurrent clients")
	n = fs.Int("requests", 20000, "requests in all")
	return conc, n, func() error {
		if *conc < 1 || *conc > 1024 || *n < 1 || *n > 10_000_000 {
			return usagef("--concurrency 1..1024 and --requests 1..10000000")
		}
		return nil
	}
}

// benchHTTP sends one GET again and again to a running server.
func benchHTTP(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "bench http", "bench http [flags]\n\nSends one GET request again and again to a running heydoctor.")
	target := fs.String("url", "http://127.0.0.1:8080", "base URL of a running heydoctor")
	path := fs.String("path", "/api/v1/institutions?lat=37.4979&lng=127.0276&department=D001&open_at=now&limit=20", "request path")
	conc, n, check := loadFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := check(); err != nil {
		return err
	}
	return report(env, "GET "+*path, load(ctx, *conc, *n, func(c *http.Client, i int) (int, error) {
		return send(c, "GET", *target+*path, nil, nil)
	}))
}

// benchKakao plays KakaoTalk conversations against a running server's skill endpoint.
func benchKakao(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "bench kakao", "bench kakao [flags]\n\nPlays a mix of KakaoTalk conversations against a running heydoctor's /kakao/skill.")
	target := fs.String("url", "http://127.0.0.1:8080", "base URL of a running heydoctor")
	secret := fs.String("kakao-secret", env.getenv("HEYDOCTOR_KAKAO_SECRET"), "skill secret to send (HEYDOCTOR_KAKAO_SECRET)")
	conc, n, check := loadFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := check(); err != nil {
		return err
	}
	hdr := map[string]string{"Content-Type": "application/json"}
	if *secret != "" {
		hdr["X-HeyDoctor-Skill-Secret"] = *secret
	}
	return report(env, "POST /kakao/skill (conversation mix)", load(ctx, *conc, *n, func(c *http.Client, i int) (int, error) {
		return send(c, "POST", *target+"/kakao/skill", kakaoTurnBody(i, *conc), hdr)
	}))
}

// benchCeiling measures a bare handler answering fixed JSON: the ceiling of this machine.
func benchCeiling(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "bench ceiling", "bench ceiling [flags]\n\nMeasures a bare handler answering fixed JSON on loopback: the most this machine can do.")
	conc, n, check := loadFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := check(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	body := []byte(`{"version":"2.0","template":{"outputs":[{"simpleText":{"text":"안녕하세요"}}]}}`)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String()
	return report(env, "POST bare handler (fixed JSON)", load(ctx, *conc, *n, func(c *http.Client, i int) (int, error) {
		return send(c, "POST", url, kakaoTurnBody(i, *conc), map[string]string{"Content-Type": "application/json"})
	}))
}

// benchDirectoryCmd measures the directory in process.
func benchDirectoryCmd(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "bench directory", "bench directory [flags]\n\nLoads the nationwide seed (or a synthetic dataset) and measures the directory in process.")
	count := fs.Int("n", 0, "synthetic institutions instead of the nationwide seed (0: the nationwide seed)")
	dsn := fs.String("db", "", "database (default: a temporary SQLite file)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return benchDirectory(ctx, env, *count, *dsn)
}

var benchUtterances = []string{
	"안녕하세요", "목이 따끔거리고 열이 나요", "애가 어젯밤부터 열이 39도까지 나요", "허리를 삐끗했는데 다리가 저려요",
	"비염이란?", "콧물이 계속 나고 코가 막혀요", "무릎이 시큰거려요", "배가 살살 아프고 설사해요", "처음으로",
}

// kakaoTurnBody is turn i of client i%clients: each client walks through greetings,
// symptoms, a disease question, the nearby search with a place name, and restarts.
func kakaoTurnBody(i, clients int) []byte {
	user := fmt.Sprintf("bench-user-%d", i%clients)
	step := i / clients
	text, extra := benchUtterances[step%len(benchUtterances)], "{}"
	switch step % 12 {
	case 9:
		text, extra = "근처 찾기", `{"choice":"near"}`
	case 10:
		text = "정왕동"
	case 11:
		text, extra = "처음으로", `{"choice":"restart"}`
	}
	return []byte(fmt.Sprintf(`{"intent":{"id":"i","name":"블록"},"userRequest":{"timezone":"Asia/Seoul","utterance":%q,"lang":null,"user":{"id":%q,"type":"botUserKey","properties":{}}},"bot":{"id":"bench"},"action":{"name":"skill","clientExtra":%s,"params":{},"detailParams":{}}}`, text, user, extra))
}

func send(c *http.Client, method, url string, body []byte, hdr map[string]string) (int, error) {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

type loadResult struct {
	n, errors int
	elapsed   time.Duration
	lat       []time.Duration
	statuses  map[int]int
}

// load runs n requests over conc clients with keep-alive connections.
func load(ctx context.Context, conc, n int, do func(c *http.Client, i int) (int, error)) loadResult {
	tr := &http.Transport{MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var next atomic.Int64
	lats := make([][]time.Duration, conc)
	statuses := make([]map[int]int, conc)
	var errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conc {
		statuses[w] = map[int]int{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t := time.Now()
				code, err := do(c, i)
				lats[w] = append(lats[w], time.Since(t))
				if err != nil || code >= 500 {
					errs.Add(1)
				}
				statuses[w][code]++
			}
		}()
	}
	wg.Wait()
	res := loadResult{n: n, errors: int(errs.Load()), elapsed: time.Since(start), statuses: map[int]int{}}
	for w := range conc {
		res.lat = append(res.lat, lats[w]...)
		for k, v := range statuses[w] {
			res.statuses[k] += v
		}
	}
	slices.Sort(res.lat)
	return res
}

func pct(lat []time.Duration, p float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	return lat[min(len(lat)-1, int(float64(len(lat))*p))]
}

func report(env *environment, label string, r loadResult) error {
	fmt.Fprintf(env.stdout, "%s: %d requests in %.2fs = %.0f req/s; p50 %.2fms p99 %.2fms max %.2fms; errors %d; statuses %v\n",
		label, len(r.lat), r.elapsed.Seconds(), float64(len(r.lat))/r.elapsed.Seconds(),
		ms(pct(r.lat, .50)), ms(pct(r.lat, .99)), ms(pct(r.lat, 1)), r.errors, r.statuses)
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchDirectory loads the nationwide seed (or, with n > 0, a synthetic national dataset
// through the real NMC XML importer), then measures the directory: load time and memory,
// the nearest-20 query in process, a staff edit reaching another replica, and the same
// query as a SQL scan.
func benchDirectory(ctx context.Context, env *environment, n int, dsn string) error {
	dir, err := os.MkdirTemp("", "heydoctor-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if dsn == "" {
		dsn = filepath.Join(dir, "bench.db")
	}
	store, err := openStore(ctx, &storeConfig{DB: dsn}, discardLogger())
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	if n <= 0 {
		if err := demo.LoadNational(ctx, store, discardLogger()); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "nationwide seed into an empty %s database: %.2fs\n", store.Dialect(), time.Since(start).Seconds())
	} else {
		items := synth.Generate(n, 1)
		var xml bytes.Buffer
		if err := synth.WriteNMCXML(&xml, items); err != nil {
			return err
		}
		items = nil
		res, err := publicdata.Parse(bytes.NewReader(xml.Bytes()), "nmc")
		if err != nil {
			return err
		}
		parsed := time.Since(start)
		st, err := store.ApplyImport(ctx, heydoctor.ImportBatch{Format: res.Format, Scope: "synth", Institutions: res.Institutions, Read: res.Read, Rejected: len(res.Rejected)})
		if err != nil {
			return err
		}
		took := time.Since(start)
		fmt.Fprintf(env.stdout, "import %d NMC XML records (%s): parse %.2fs, parse+store %.2fs = %.0f records/s (inserted %d, rejected %d)\n",
			res.Read, store.Dialect(), parsed.Seconds(), took.Seconds(), float64(res.Read)/took.Seconds(), st.Inserted, len(res.Rejected))
	}
	runtime.GC()

	d := directory.New(store, hours.NewCalendar(), discardLogger(), time.Now)
	start = time.Now()
	if err := d.Refresh(ctx); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "directory load %d institutions: %.2fs\n", d.Len(), time.Since(start).Seconds())
	runtime.GC()
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	fmt.Fprintf(env.stdout, "memory with %d loaded: heap in use %.0f MB, RSS %.0f MB\n", d.Len(), float64(ms0.HeapInuse)/1e6, float64(rssBytes())/1e6)

	// Query points: the centres of big cities, where queries are hardest.
	points := [][2]float64{{37.4979, 127.0276}, {37.5665, 126.9780}, {35.1796, 129.0756}, {37.4563, 126.7052}, {35.8714, 128.6014}, {37.3400, 126.7335}, {36.3504, 127.3845}, {37.2636, 127.0286}}
	at := time.Date(2026, 11, 25, 11, 0, 0, 0, heydoctor.KST) // a Wednesday morning
	q := func(i int) directory.Query {
		p := points[i%len(points)]
		return directory.Query{Query: nearby.Query{Lat: p[0], Lng: p[1], RadiusM: 3000, Departments: []string{[]string{"D001", "D002"}[i%2]}, Limit: 20}, OpenAt: at}
	}
	var lat []time.Duration
	for i := range 20000 {
		t := time.Now()
		d.Search(q(i))
		lat = append(lat, time.Since(t))
	}
	slices.Sort(lat)
	fmt.Fprintf(env.stdout, "in-process nearest-20 (내과 or 소아청소년과, open at %s, 3 km): p50 %.1fµs p99 %.1fµs over %d queries\n",
		at.Format("Mon 15:04"), us(pct(lat, .5)), us(pct(lat, .99)), len(lat))

	// A staff edit of one institution's hours, seen by a second replica of the same database.
	replica := directory.New(store, hours.NewCalendar(), discardLogger(), time.Now)
	if err := replica.Refresh(ctx); err != nil {
		return err
	}
	target := d.Search(q(5))
	if len(target) > 0 {
		var h heydoctor.OpeningHours
		for day := range 5 {
			h.Day[day] = heydoctor.Span{Open: "0700", Close: "2300"}
		}
		start = time.Now()
		if err := store.UpdateInstitutionHours(ctx, target[0].Institution.ID, h); err != nil {
			return err
		}
		if err := replica.Refresh(ctx); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "staff edit of one institution's hours, written and picked up by another replica: %.1fms (the replica polls every %s)\n",
			float64(time.Since(start).Microseconds())/1000, app.DirectoryPoll)
	}

	// The same question as a SQL scan: every institution with the department, distance
	// and open status computed per row, nearest 20 kept.
	var scan []time.Duration
	for i := range 8 {
		qq := q(i)
		t := time.Now()
		list, err := store.ListInstitutions(ctx, heydoctor.InstitutionFilter{Department: "D002"})
		if err != nil {
			return err
		}
		type hit struct {
			d  float64
			in *heydoctor.Institution
		}
		var hits []hit
		for _, in := range list {
			dist := nearby.DistanceM(qq.Lat, qq.Lng, in.Lat, in.Lng)
			if dist > qq.RadiusM {
				continue
			}
			if hours.Compile(in.Hours).At(at, d.Calendar(), nil).State != hours.Open {
				continue
			}
			hits = append(hits, hit{dist, in})
		}
		slices.SortFunc(hits, func(a, b hit) int {
			if a.d < b.d {
				return -1
			}
			if a.d > b.d {
				return 1
			}
			return 0
		})
		scan = append(scan, time.Since(t))
	}
	slices.Sort(scan)
	fmt.Fprintf(env.stdout, "SQL scan + filter (%s): p50 %.1fms → in-process index is %.0f× faster at p50\n",
		store.Dialect(), ms(pct(scan, .5)), float64(pct(scan, .5))/float64(pct(lat, .5)))
	return nil
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 }

// rssBytes reads the resident set size from /proc (Linux); 0 elsewhere.
func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	var size, rss int64
	fmt.Sscan(string(b), &size, &rss)
	return rss * int64(os.Getpagesize())
}
