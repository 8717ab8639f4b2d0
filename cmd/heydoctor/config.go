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

// storeConfig is what every command that opens the database shares: the database and
// the log. Each command adds its own flags to it; only serve has the server options.
type storeConfig struct {
	DB        string
	LogLevel  string
	LogFormat string
}

// config is the configuration of the service (serve), from flags and HEYDOCTOR_* variables.
type config struct {
	storeConfig
	Addr           string
	Seed           string
	BaseURL        string
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
	BookingsPerIP  string

	proxies         []netip.Prefix
	bookingsPerAddr int
}

// option binds one setting of a configuration C to its flag and variable. Secrets may
// also come from VAR_FILE and are redacted when printed.
type option[C any] struct {
	flag, env, def, help string
	secret               bool
	field                func(*C) *string
}

var storeOptions = []option[storeConfig]{
	{"db", "HEYDOCTOR_DB", "heydoctor.db", "database: a SQLite file path, or mysql://user:pass@tcp(host:3306)/dbname for MySQL/MariaDB", true, func(c *storeConfig) *string { return &c.DB }},
	{"log-level", "HEYDOCTOR_LOG_LEVEL", "info", "debug, info, warn or error", false, func(c *storeConfig) *string { return &c.LogLevel }},
	{"log-format", "HEYDOCTOR_LOG_FORMAT", "text", "text or json", false, func(c *storeConfig) *string { return &c.LogFormat }},
}

var serveOptions = []option[config]{
	{"addr", "HEYDOCTOR_ADDR", ":8080", "address to listen on (host:port; :0 picks a free port)", false, func(c *config) *string { return &c.Addr }},
	{"seed", "HEYDOCTOR_SEED", "national", "what an empty database starts with: national (every hospital, clinic and pharmacy in Korea, plus the demo hospitals), demo (a small directory for tests), none", false, func(c *config) *string { return &c.Seed }},
	{"base-url", "HEYDOCTOR_BASE_URL", "", "public URL of the site, used in links sent to KakaoTalk (default: the scheme and host each request came in on)", false, func(c *config) *string { return &c.BaseURL }},
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

// bindOptions registers opts on fs, writing into c. Flags default to the variables, so a
// flag given on the command line wins over the environment. It returns the errors of
// reading VAR_FILE secrets, reported when the command validates its configuration.
func bindOptions[C any](fs *flag.FlagSet, getenv func(string) string, c *C, opts []option[C]) *[]error {
	var fileErrs []error
	for _, o := range opts {
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
		fs.StringVar(o.field(c), o.flag, def, o.help+" ("+o.env+")")
	}
	return &fileErrs
}

// bindStore registers the database and log flags, for a command that opens the database.
func bindStore(fs *flag.FlagSet, getenv func(string) string) (*storeConfig, func() error) {
	c := &storeConfig{}
	fileErrs := bindOptions(fs, getenv, c, storeOptions)
	return c, func() error {
		errs := append(*fileErrs, c.validate()...)
		if len(errs) > 0 {
			return usageError{errors.Join(errs...)}
		}
		return nil
	}
}

// bindServe registers the service's options: the database and log flags and the server's.
func bindServe(fs *flag.FlagSet, getenv func(string) string) (*config, func() error) {
	c := &config{}
	storeErrs := bindOptions(fs, getenv, &c.storeConfig, storeOptions)
	serveErrs := bindOptions(fs, getenv, c, serveOptions)
	return c, func() error {
		errs := append(append(*storeErrs, *serveErrs...), c.validate()...)
		if len(errs) > 0 {
			return usageError{errors.Join(errs...)}
		}
		return nil
	}
}

// validate checks the shared settings; errors name the variable.
func (c *storeConfig) validate() []error {
	var errs []error
	if _, _, err := sqlstore.ParseDSN(c.DB); err != nil {
		errs = append(errs, fmt.Errorf("HEYDOCTOR_DB: %v", err))
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.LogLevel) {
		errs = append(errs, fmt.Errorf("HEYDOCTOR_LOG_LEVEL: want debug, info, warn or error, got %q", c.LogLevel))
	}
	if !slices.Contains([]string{"text", "json"}, c.LogFormat) {
		errs = append(errs, fmt.Errorf("HEYDOCTOR_LOG_FORMAT: want text or json, got %q", c.LogFormat))
	}
	return errs
}

// validate checks the server's settings before anything starts; errors name the variable.
func (c *config) validate() []error {
	errs := c.storeConfig.validate()
	bad := func(env, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", env, fmt.Sprintf(format, args...)))
	}
	if c.Addr == "" || !strings.Contains(c.Addr, ":") {
		bad("HEYDOCTOR_ADDR", "want host:port such as :8080, got %q", c.Addr)
	}
	if !slices.Contains([]string{"national", "demo", "none"}, c.Seed) {
		bad("HEYDOCTOR_SEED", "want national, demo or none, got %q", c.Seed)
	}
	if u, err := url.Parse(c.BaseURL); c.BaseURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		bad("HEYDOCTOR_BASE_URL", "want an absolute http(s) URL, got %q", c.BaseURL)
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
	return errs
}

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
	for _, o := range storeOptions {
		v := *o.field(&c.storeConfig)
		if o.env == "HEYDOCTOR_DB" {
			v = sqlstore.RedactDSN(v)
		}
		fmt.Fprintf(w, "%s=%s\n", o.env, v)
	}
	for _, o := range serveOptions {
		v := *o.field(c)
		if o.secret && v != "" {
			v = "<redacted>"
		}
		fmt.Fprintf(w, "%s=%s\n", o.env, v)
	}
}
