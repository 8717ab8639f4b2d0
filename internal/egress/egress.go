// Package egress sends HTTP requests to addresses that hospital staff type in (webhook
// endpoints) without letting them reach HeyDoctor's own network: loopback, private and
// link-local ranges, the cloud metadata address, carrier-grade NAT, multicast, and IPv6
// forms that embed one of those (NAT64, IPv4-mapped, 6to4).
//
// The address is checked when the connection is made, on every IP the name resolves to,
// so a name that resolves to 127.0.0.1, a DNS answer that changes after the URL was
// saved, or an unusual spelling such as 127.1 or 0x7f.0.0.1 cannot get through. Redirects
// are not followed: a receiver that answers 3xx has failed the delivery.
package egress

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrForbiddenAddress is returned when a destination resolves to an address that is not
// on the public internet.
var ErrForbiddenAddress = errors.New("destination is not a public internet address")

// Options configure a Client. The zero value is the production policy.
type Options struct {
	// Timeout bounds a whole request; 10 seconds when zero.
	Timeout time.Duration
	// Lookup resolves a host name; net.DefaultResolver when nil. Tests pass a fake so that
	// no test resolves a real name.
	Lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	// Permit reports whether an address may be dialled; Public when nil.
	Permit func(netip.Addr) bool
}

// NewClient returns an http.Client that dials only permitted addresses, ignores proxy
// settings from the environment and never follows redirects.
func NewClient(o Options) *http.Client {
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Lookup == nil {
		o.Lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	if o.Permit == nil {
		o.Permit = Public
	}
	d := &dialer{opts: o, net: net.Dialer{Timeout: 5 * time.Second}}
	// Whatever resolved the name, the socket is checked once more just before connecting.
	d.net.Control = func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil || !o.Permit(ap.Addr().Unmap()) {
			return fmt.Errorf("connect %s: %w", address, ErrForbiddenAddress)
		}
		return nil
	}
	return &http.Client{
		Timeout: o.Timeout,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           d.dialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          16,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: o.Timeout,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type dialer struct {
	opts Options
	net  net.Dialer
}

// dialContext resolves host itself, refuses the destination when any of its addresses is
// not permitted (a mixed answer is how DNS rebinding starts), then dials them in order.
func (d *dialer) dialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		if addrs, err = d.opts.Lookup(ctx, host); err != nil {
			return nil, fmt.Errorf("resolve %s: %w", host, err)
		}
		if len(addrs) == 0 {
			return nil, fmt.Errorf("resolve %s: no addresses", host)
		}
	}
	for _, a := range addrs {
		if !d.opts.Permit(a.Unmap()) {
			return nil, fmt.Errorf("dial %s (%s): %w", host, a, ErrForbiddenAddress)
		}
	}
	var firstErr error
	for _, a := range addrs {
		c, err := d.net.DialContext(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
		if err == nil {
			return c, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}

// nonPublic lists the ranges that are never dialled, beyond what netip's predicates cover.
var nonPublic = func() []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",       // "this network"
		"100.64.0.0/10",   // carrier-grade NAT (RFC 6598)
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // documentation
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // documentation
		"203.0.113.0/24",  // documentation
		"240.0.0.0/4",     // reserved, and the broadcast address
		"64:ff9b::/96",    // NAT64 (RFC 6052): the IPv4 inside is reached through a translator
		"64:ff9b:1::/48",  // local-use NAT64 (RFC 8215)
		"100::/64",        // discard
		"2001:db8::/32",   // documentation
		"2002::/16",       // 6to4: embeds an IPv4 address
		"2001::/32",       // Teredo: embeds an IPv4 address
		"fec0::/10",       // deprecated site-local
	} {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}()

// Public reports whether a is an ordinary public unicast address.
func Public(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsUnspecified() || a.IsMulticast() ||
		a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// specialNames are host-name suffixes that never name a public service.
var specialNames = []string{"localhost", "local", "localdomain", "internal", "intranet", "lan", "home", "corp", "home.arpa", "invalid", "onion"}

// CheckURL is the check when a URL is saved: https, no credentials, a public IP literal or
// a name under a real top-level domain. It cannot see what the name will resolve to; the
// Client checks that when it connects. The error message is safe to show.
func CheckURL(raw string) error {
	if len(raw) > 2048 {
		return errors.New("주소가 너무 길어요")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Opaque != "" {
		return errors.New("https:// 로 시작하는 주소여야 해요")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return errors.New("포트 번호가 올바르지 않아요")
		}
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if a, err := netip.ParseAddr(host); err == nil {
		if !Public(a) {
			return errors.New("내부 주소로는 보낼 수 없어요")
		}
		return nil
	}
	labels := strings.Split(host, ".")
	tld := labels[len(labels)-1]
	if len(labels) < 2 || tld == "" || numericLabel(tld) {
		// 127.1, 0x7f.0.0.1 and 0177.0.0.1 are IPv4 addresses to some resolvers.
		return errors.New("도메인 이름이 올바르지 않아요")
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") || strings.Trim(l, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return errors.New("도메인 이름이 올바르지 않아요")
		}
	}
	for _, s := range specialNames {
		if host == s || strings.HasSuffix(host, "."+s) {
			return errors.New("내부 주소로는 보낼 수 없어요")
		}
	}
	return nil
}

// numericLabel reports whether a label reads as a number (decimal, octal or 0x hex), as
// a top-level domain never does.
func numericLabel(l string) bool {
	if strings.HasPrefix(l, "0x") {
		return true
	}
	return strings.Trim(l, "0123456789") == ""
}
