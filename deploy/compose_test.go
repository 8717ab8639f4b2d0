package deploy

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/google/go-cmp/cmp"
)

// loadCompose loads docker-compose.yml with .env.example the way `docker compose`
// does (schema validation, interpolation, normalisation, consistency checks), with
// every profile enabled, and returns the project and the variables the file looked
// up that .env.example does not define.
func loadCompose(tb testing.TB) (*types.Project, []string) {
	tb.Helper()
	var missing []string
	opts, err := cli.NewProjectOptions(
		[]string{"docker-compose.yml"},
		cli.WithWorkingDirectory("."),
		cli.WithEnvFiles(".env.example"),
		cli.WithDotEnv,
		cli.WithProfiles([]string{"*"}),
		cli.WithLoadOptions(func(o *loader.Options) {
			if o.Interpolate == nil || o.Interpolate.LookupValue == nil {
				return // this pass only lists the files
			}
			lookup := o.Interpolate.LookupValue
			o.Interpolate.LookupValue = func(key string) (string, bool) {
				v, ok := lookup(key)
				if !ok && !slices.Contains(missing, key) {
					missing = append(missing, key)
				}
				return v, ok
			}
		}),
	)
	if err != nil {
		tb.Fatalf("compose options: %v", err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		tb.Fatalf("load docker-compose.yml: %v", err)
	}
	sort.Strings(missing)
	return p, missing
}

func TestComposeLoads(t *testing.T) {
	p, missing := loadCompose(t)
	if len(missing) > 0 {
		t.Errorf("docker-compose.yml uses variables that .env.example does not define: %v", missing)
	}

	var names []string
	for name := range p.Services {
		names = append(names, name)
	}
	sort.Strings(names)
	wantNames := []string{"app", "certbot", "grafana", "migrate", "mysql", "nginx", "prometheus", "prometheus-agent"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("services mismatch (-want +got):\n%s", diff)
	}

	profiles := map[string][]string{}
	for name, s := range p.Services {
		profiles[name] = s.Profiles
	}
	wantProfiles := map[string][]string{
		"app": nil, "certbot": nil, "migrate": nil, "mysql": nil, "nginx": nil,
		"prometheus": {"monitoring"}, "grafana": {"monitoring"}, "prometheus-agent": {"monitoring-agent"},
	}
	if diff := cmp.Diff(wantProfiles, profiles); diff != "" {
		t.Errorf("profiles mismatch (-want +got):\n%s", diff)
	}

	for _, name := range []string{"app", "mysql"} {
		t.Run(name+" healthcheck", func(t *testing.T) {
			hc := p.Services[name].HealthCheck
			if hc == nil || hc.Disable || len(hc.Test) < 2 {
				t.Fatalf("%s has no healthcheck: %+v", name, hc)
			}
		})
	}

	t.Run("app scales", func(t *testing.T) {
		app := p.Services["app"]
		if app.ContainerName != "" {
			t.Errorf("app has container_name %q; --scale app=3 needs none", app.ContainerName)
		}
		for _, port := range app.Ports {
			if port.Published != "" {
				t.Errorf("app publishes host port %q; --scale app=3 needs none", port.Published)
			}
		}
		if got, want := app.HealthCheck.Test[1:], []string{"/usr/local/bin/heydoctor-healthcheck", "http://127.0.0.1:8080/readyz"}; !slices.Equal(got, want) {
			t.Errorf("app healthcheck = %q, want %q", got, want)
		}
		if dep, ok := app.DependsOn["migrate"]; !ok || dep.Condition != types.ServiceConditionCompletedSuccessfully {
			t.Errorf("app must wait for migrate to complete; depends_on = %+v", app.DependsOn)
		}
	})

	t.Run("app trusts only nginx", func(t *testing.T) {
		nginxIP := p.Services["nginx"].Networks["backend"].Ipv4Address
		got := p.Services["app"].Environment["HEYDOCTOR_TRUSTED_PROXIES"]
		if got == nil || *got != nginxIP+"/32" {
			t.Errorf("HEYDOCTOR_TRUSTED_PROXIES = %v, want %s/32", got, nginxIP)
		}
		db := p.Services["app"].Environment["HEYDOCTOR_DB"]
		if db == nil || !strings.HasPrefix(*db, "mysql://heydoctor:") || !strings.Contains(*db, "@tcp(mysql:3306)/heydoctor?parseTime=true") {
			t.Errorf("HEYDOCTOR_DB = %v, want a mysql:// DSN for the mysql service", db)
		}
	})

	t.Run("mysql utf8mb4", func(t *testing.T) {
		cmd := strings.Join(p.Services["mysql"].Command, " ")
		for _, want := range []string{"--character-set-server=utf8mb4", "--collation-server=utf8mb4_"} {
			if !strings.Contains(cmd, want) {
				t.Errorf("mysql command %q lacks %q", cmd, want)
			}
		}
	})

	t.Run("volumes", func(t *testing.T) {
		mounts := map[string][]string{}
		for name, s := range p.Services {
			for _, v := range s.Volumes {
				if v.Type == types.VolumeTypeVolume {
					if _, ok := p.Volumes[v.Source]; !ok {
						t.Errorf("%s mounts undeclared volume %q", name, v.Source)
					}
				}
				if v.Type == types.VolumeTypeBind {
					if _, err := os.Stat(v.Source); err != nil {
						t.Errorf("%s binds %s: %v", name, v.Source, err)
					}
				}
				mounts[name] = append(mounts[name], v.Target)
			}
		}
		for service, target := range map[string]string{
			"mysql": "/var/lib/mysql", "nginx": "/etc/letsencrypt", "certbot": "/etc/letsencrypt",
			"prometheus": "/prometheus", "grafana": "/var/lib/grafana",
		} {
			if !slices.Contains(mounts[service], target) {
				t.Errorf("%s does not mount a volume on %s; mounts %v", service, target, mounts[service])
			}
		}
	})
}

// TestNginxTemplateVariables checks that the nginx image's envsubst gets a value for
// every ${NGINX_*} the template uses: an unset one would be left in the file as is.
func TestNginxTemplateVariables(t *testing.T) {
	p, _ := loadCompose(t)
	env := p.Services["nginx"].Environment
	for _, name := range templateVariables(t, filepath.Join("nginx", "templates", "default.conf.template")) {
		if v, ok := env[name]; !ok || v == nil || *v == "" {
			t.Errorf("template uses ${%s} but the nginx service does not set it", name)
		}
	}
}

var templateVarRE = regexp.MustCompile(`\$\{([A-Z][A-Z0-9_]*)\}`)

func templateVariables(tb testing.TB, path string) []string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, m := range templateVarRE.FindAllStringSubmatch(string(b), -1) {
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	sort.Strings(names)
	return names
}
