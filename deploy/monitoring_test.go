package deploy

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPromtool(t *testing.T) {
	promtool := requireTool(t, "promtool", "/usr/bin/promtool", "HEYDOCTOR_TEST_REQUIRE_PROMTOOL")
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"same-host config", []string{"check", "config", "prometheus/prometheus.yml"}},
		{"remote config", []string{"check", "config", "prometheus/prometheus-remote.yml"}},
		{"agent config", []string{"check", "config", "--agent", "prometheus/agent.yml"}},
		{"alert rules", []string{"check", "rules", "prometheus/alerts.yml"}},
		{"alert rule unit tests", []string{"test", "rules", "testdata/alerts_test.yml", "testdata/alerts_directory_test.yml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := exec.Command(promtool, tc.args...).CombinedOutput()
			if err != nil {
				t.Errorf("promtool %s: %v\n%s", strings.Join(tc.args, " "), err, out)
			}
		})
	}
}

// TestDashboardQueries checks the dashboard's shape and that it and the alert rules
// name the metrics the brief lists; TestDashboardMetricsExported checks that a running
// heydoctor exports them.
func TestDashboardQueries(t *testing.T) {
	got := queriedMetrics(t)
	want := []string{
		"go_goroutines", "go_sql_idle_connections", "go_sql_in_use_connections",
		"go_sql_max_open_connections", "go_sql_open_connections", "go_sql_wait_count_total",
		"go_sql_wait_duration_seconds_total", "heydoctor_build_info", "heydoctor_directory_institutions",
		"heydoctor_directory_last_import_timestamp_seconds", "heydoctor_http_request_duration_seconds_bucket",
		"heydoctor_http_requests_total", "heydoctor_kakao_skill_duration_seconds_bucket",
		"heydoctor_kakao_skill_duration_seconds_count", "heydoctor_reservation_transitions_total",
		"heydoctor_webhook_deliveries_total", "process_resident_memory_bytes", "up",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metrics queried by the dashboard and alerts mismatch (-want +got):\n%s", diff)
	}
}

// queriedMetrics returns the metric names of every PromQL expression in the Grafana
// dashboard and the alert rules, sorted and without duplicates.
func queriedMetrics(tb testing.TB) []string {
	tb.Helper()
	exprs := dashboardExprs(tb)
	rules, err := os.ReadFile(filepath.Join("prometheus", "alerts.yml"))
	if err != nil {
		tb.Fatal(err)
	}
	// Each rule's expr is a one-line or a block scalar; both end at the next key.
	exprs = append(exprs, alertExprs(string(rules))...)
	var names []string
	for _, e := range exprs {
		for _, n := range promqlMetricNames(e) {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	return names
}

func dashboardExprs(tb testing.TB) []string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("grafana", "dashboards", "heydoctor.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var d struct {
		UID    string `json:"uid"`
		Panels []struct {
			Title      string `json:"title"`
			Datasource struct {
				UID string `json:"uid"`
			} `json:"datasource"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		tb.Fatalf("dashboard JSON: %v", err)
	}
	if d.UID == "" || len(d.Panels) == 0 {
		tb.Fatalf("dashboard has uid %q and %d panels", d.UID, len(d.Panels))
	}
	var exprs []string
	for _, p := range d.Panels {
		if p.Datasource.UID != "heydoctor-prometheus" {
			tb.Errorf("panel %q uses datasource %q, want the provisioned heydoctor-prometheus", p.Title, p.Datasource.UID)
		}
		if len(p.Targets) == 0 {
			tb.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	return exprs
}

func alertExprs(rules string) []string {
	var exprs []string
	var cur []string
	in := false
	sc := bufio.NewScanner(strings.NewReader(rules))
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "expr:"):
			in = true
			cur = []string{strings.TrimPrefix(trimmed, "expr:")}
		case in && (strings.HasSuffix(trimmed, ":") || strings.Contains(trimmed, ": ") && !strings.ContainsAny(trimmed, "({")):
			exprs = append(exprs, strings.Join(cur, " "))
			in = false
		case in:
			cur = append(cur, trimmed)
		}
	}
	if in {
		exprs = append(exprs, strings.Join(cur, " "))
	}
	return exprs
}

var (
	promqlStringRE   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`)
	promqlMatcherRE  = regexp.MustCompile(`\{[^}]*\}`)
	promqlRangeRE    = regexp.MustCompile(`\[[^\]]*\]`)
	promqlGroupingRE = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	promqlIdentRE    = regexp.MustCompile(`[A-Za-z_:][A-Za-z0-9_:]*(\s*\()?`)
	promqlKeywords   = []string{"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan", "e"}
)

// promqlMetricNames pulls the metric names out of a PromQL expression: what is left
// once strings, label matchers, ranges, grouping clauses, function calls and
// keywords are removed. It is enough for the dashboard's queries, not a parser.
func promqlMetricNames(expr string) []string {
	s := promqlStringRE.ReplaceAllString(expr, " ")
	s = promqlMatcherRE.ReplaceAllString(s, " ")
	s = promqlRangeRE.ReplaceAllString(s, " ")
	s = promqlGroupingRE.ReplaceAllString(s, " ")
	s = regexp.MustCompile(`\$[A-Za-z_]+`).ReplaceAllString(s, " ")
	var names []string
	for _, m := range promqlIdentRE.FindAllStringSubmatchIndex(s, -1) {
		if m[2] >= 0 { // followed by "(": a function
			continue
		}
		id := s[m[0]:m[1]]
		if m[0] > 0 && (s[m[0]-1] >= '0' && s[m[0]-1] <= '9' || s[m[0]-1] == '.') {
			continue // the exponent of a number such as 1e-9
		}
		if slices.Contains(promqlKeywords, strings.ToLower(id)) {
			continue
		}
		names = append(names, id)
	}
	return names
}

func TestPromqlMetricNames(t *testing.T) {
	for _, tc := range []struct {
		name, expr string
		want       []string
	}{
		{"rate by route", `sum by (route) (rate(heydoctor_http_requests_total{instance=~"$instance",code=~"5.."}[$__rate_interval]))`, []string{"heydoctor_http_requests_total"}},
		{"quantile", `histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m]))) > 3`, []string{"x_bucket"}},
		{"join", `heydoctor_build_info{instance=~"$instance"} * on (instance) group_left up{job="heydoctor"}`, []string{"heydoctor_build_info", "up"}},
		{"clamp and number", `a / clamp_min(sum(b), 1e-9) > 0.02`, []string{"a", "b"}},
		{"time", `time() - max(last_import) > 8 * 86400`, []string{"last_import"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := promqlMetricNames(tc.expr)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("promqlMetricNames(%q) mismatch (-want +got):\n%s", tc.expr, diff)
			}
		})
	}
}
