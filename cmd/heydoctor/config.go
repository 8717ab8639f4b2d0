package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"

	"heydoctor/internal/booking"
	"heydoctor/internal/sqlstore"
)

// config is the whole configuration of the service, from flags and HEYDOCTOR_* variables.
type config struct {
	Addr           string
	DB             string
	Seed           string
	BaseURL        string
	LogLevel       string
	LogFormat      string
	TrustedProxies string
	TLSCert        string
	TLSKey         string
	ACMEDomain     string
	ACMECache      string
	ACMEEmail      string
	HTTPAddr       string
	KakaoSecret    string
	KakaoBotIDs    string
	KakaoJSKey     string
	WebhookTimeout string
	BookingsPerIP  string

	proxies         []netip.Prefix
	bookingsPerAddr int
}

// option binds one setting to its flag and variable. Secrets may also come from
// VAR_FILE and are redacted when printed.
type option struct {
	flag, env, def, help string
	secret               bool
	field                func(*config) *string
}

var options = []option{
	{"addr", "HEYDOCTOR_ADDR", ":8080", "address to listen on (host:port; :0 picks a free port)", false, func(c *config) *string { return &c.Addr }},
	{"db", "HEYDOCTOR_DB", "heydoctor.db", "database: a SQLite file path, or mysql://user:pass@tcp(host:3306)/dbname for MySQL/MariaDB", true, func(c *config) *string { return &c.DB }},
	{"seed", "HEYDOCTOR_SEED", "national", "what an empty database starts with: national (every hospital, clinic and pharmacy in Korea, plus the demo hospitals), demo (a small directory for tests), none", false, func(c *config) *string { return &c.Seed }},
	{"base-url", "HEYDOCTOR_BASE_URL", "", "public URL of the site, used in links sent to KakaoTalk (default: the scheme and host each request came in on)", false, func(c *config) *string { return &c.BaseURL }},
	{"log-level", "HEYDOCTOR_LOG_LEVEL", "info", "debug, info, warn or error", false, func(c *config) *string { return &c.LogLevel }},
	{"log-format", "HEYDOCTOR_LOG_FORMAT", "text", "text or json", false, func(c *config) *string { return &c.LogFormat }},
	{"trusted-proxies", "HEYDOCTOR_TRUSTED_PROXIES", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For/-Proto are believed", false, func(c *config) *string { return &c.TrustedProxies }},
	{"tls-cert", "HEYDOCTOR_TLS_CERT", "", "TLS certificate file: serve HTTPS on --addr", false, func(c *config) *string { return &c.TLSCert }},
	{"tls-key", "HEYDOCTOR_TLS_KEY", "", "TLS private key file", false, func(c *config) *string { return &c.TLSKey }},
	{"acme-domain", "HEYDOCTOR_ACME_DOMAIN", "", "get certificates for this domain automatically from Let's Encrypt (ACME)", false, func(c *config) *string { return &c.ACMEDomain }},
	{"acme-cache", "HEYDOCTOR_ACME_CACHE", "acme-cache", "directory that keeps ACME certificates", false, func(c *config) *string { return &c.ACMECache }},
	{"acme-email", "HEYDOCTOR_ACME_EMAIL", "", "contact e-mail for the ACME account", false, func(c *config) *string { return &c.ACMEEmail }},
	{"http-addr", "HEYDOCTOR_HTTP_ADDR", ":80", "with TLS on: plain HTTP listener that redirects to HTTPS and answers ACME challenges", false, func(c *config) *string { return &c.HTTPAddr }},
	{"kakao-secret", "HEYDOCTOR_KAKAO_SECRET", "", "shared secret Kakao sends in X-HeyDoctor-Skill-Secret; empty leaves /kakao/skill open", true, func(c *config) *string { return &c.KakaoSecret }},
	{"kakao-bot-ids", "HEYDOCTOR_KAKAO_BOT_IDS", "", "comma-separated Kakao bot ids allowed to call the skill (empty: any)", false, func(c *config) *string { return &c.KakaoBotIDs }},
	{"kakao-js-key", "HEYDOCTOR_KAKAO_JS_KEY", "", "Kakao Maps JavaScript key; without it the map uses Leaflet and OpenStreetMap", false, func(c *config) *string { return &c.KakaoJSKey }},
	{"bookings-per-address", "HEYDOCTOR_BOOKINGS_PER_ADDRESS", strconv.Itoa(booking.DefaultLimits.AddrPerHour), "bookings one client address may make per hour on the website and the API, per replica (0: no limit, for load tests)", false, func(c *config) *string { return &c.BookingsPerIP }},
}

// usageError is a mistake in the command line or configuration: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// bindConfig registers the service options on fs. Flags default to the variables, so a
// flag given on the command line wins over the environment.
func bindConfig(fs *flag.FlagSet, getenv func(string) string) (*config, func() error) {
	c := &config{}
	var fileErrs []error
	for _, o := range options {
		def := o.def
		if v := getenv(o.env); v != "" {
			def = v
		} else if o.secret {
			if path := getenv(o.env + "_FILE"); path != "" {
				b, err := os.ReadFile(path)
				if err != nil {
					fileErrs = append(fileErrs, fmt.Errorf("%s_FILE: %w", o.env, err))
				}
				def = strings.TrimSpace(string(b))
			}
		}
		help := o.help + " (" + o.env + ")"
		fs.StringVar(o.field(c), o.flag, def, help)
	}
	return c, func() error {
		if err := errors.Join(fileErrs...); err != nil {
			return usageError{err}
		}
		return c.validate()
	}
}

// validate checks every setting before anything starts; errors name the variable.
func (c *config) validate() error {
	var errs []error
	bad := func(env, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", env, fmt.Sprintf(format, args...)))
	}
	if c.Addr == "" || !strings.Contains(c.Addr, ":") {
		bad("HEYDOCTOR_ADDR", "want host:port such as :8080, got %q", c.Addr)
	}
	if _, _, err := sqlstore.ParseDSN(c.DB); err != nil {
		bad("HEYDOCTOR_DB", "%v", err)
	}
	if !slices.Contains([]string{"national", "demo", "none"}, c.Seed) {
		bad("HEYDOCTOR_SEED", "want national, demo or none, got %q", c.Seed)
	}
	if u, err := url.Parse(c.BaseURL); c.BaseURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		bad("HEYDOCTOR_BASE_URL", "want an absolute http(s) URL, got %q", c.BaseURL)
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.LogLevel) {
		bad("HEYDOCTOR_LOG_LEVEL", "want debug, info, warn or error, got %q", c.LogLevel)
	}
	if !slices.Contains([]string{"text", "json"}, c.LogFormat) {
		bad("HEYDOCTOR_LOG_FORMAT", "want text or json, got %q", c.LogFormat)
	}
	c.proxies = nil
	for p := range strings.SplitSeq(c.TrustedProxies, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if !strings.Contains(p, "/") {
			if a, err := netip.ParseAddr(p); err == nil {
				p = netip.PrefixFrom(a, a.BitLen()).String()
			}
		}
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			bad("HEYDOCTOR_TRUSTED_PROXIES", "%q is not a CIDR such as 10.0.0.0/8", p)
			continue
		}
		c.proxies = append(c.proxies, prefix.Masked())
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		bad("HEYDOCTOR_TLS_CERT", "HEYDOCTOR_TLS_CERT and HEYDOCTOR_TLS_KEY go together")
	}
	if c.ACMEDomain != "" && c.TLSCert != "" {
		bad("HEYDOCTOR_ACME_DOMAIN", "use either ACME or HEYDOCTOR_TLS_CERT/KEY, not both")
	}
	if c.ACMEDomain != "" && (strings.ContainsAny(c.ACMEDomain, "/: ") || !strings.Contains(c.ACMEDomain, ".")) {
		bad("HEYDOCTOR_ACME_DOMAIN", "want a domain name such as heydoctor.example.kr, got %q", c.ACMEDomain)
	}
	for id := range strings.SplitSeq(c.KakaoBotIDs, ",") {
		if id = strings.TrimSpace(id); len(id) > 64 {
			bad("HEYDOCTOR_KAKAO_BOT_IDS", "bot id too long: %q", id)
		}
	}
	if n, err := strconv.Atoi(strings.TrimSpace(c.BookingsPerIP)); err != nil || n < 0 || n > 1_000_000 {
		bad("HEYDOCTOR_BOOKINGS_PER_ADDRESS", "want a whole number of bookings per hour (0 for no limit), got %q", c.BookingsPerIP)
	} else {
		c.bookingsPerAddr = n
	}
	if len(errs) > 0 {
		return usageError{errors.Join(errs...)}
	}
	return nil
}

func (c *config) tls() bool { return c.TLSCert != "" || c.ACMEDomain != "" }

func (c *config) botIDs() []string {
	var ids []string
	for id := range strings.SplitSeq(c.KakaoBotIDs, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// print writes the configuration as VAR=value lines with secrets redacted.
func (c *config) print(w io.Writer) {
	for _, o := range options {
		v := *o.field(c)
		switch {
		case o.env == "HEYDOCTOR_DB":
			v = sqlstore.RedactDSN(v)
		case o.secret && v != "":
			v = "<redacted>"
		}
		fmt.Fprintf(w, "%s=%s\n", o.env, v)
	}
}
