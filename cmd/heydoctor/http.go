package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"golang.org/x/crypto/acme/autocert"

	"heydoctor"
	"heydoctor/internal/web"
)

// serveHTTP listens, announces the bound address, and serves plain HTTP, HTTPS with a
// certificate pair, or HTTPS with ACME certificates, until ctx is done.
func serveHTTP(ctx context.Context, cfg *config, srv *web.Server, log *slog.Logger, env *environment) error {
	if err := srv.Listen(cfg.Addr); err != nil {
		return fmt.Errorf("listen on %s (HEYDOCTOR_ADDR): %w", cfg.Addr, err)
	}
	scheme := "http"
	var serveFn func(*http.Server, net.Listener) error
	var redirect *http.Server
	switch {
	case cfg.ACMEDomain != "":
		scheme = "https"
		m := &autocert.Manager{
			Prompt:     autocert.AcceptTOS,
			HostPolicy: autocert.HostWhitelist(cfg.ACMEDomain),
			Cache:      autocert.DirCache(cfg.ACMECache),
			Email:      cfg.ACMEEmail,
		}
		serveFn = func(s *http.Server, ln net.Listener) error {
			s.TLSConfig = m.TLSConfig()
			s.TLSConfig.MinVersion = tls.VersionTLS12
			return s.ServeTLS(ln, "", "")
		}
		redirect = srv.HTTPServer(m.HTTPHandler(http.HandlerFunc(redirectHTTPS)))
	case cfg.TLSCert != "":
		scheme = "https"
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return usagef("HEYDOCTOR_TLS_CERT/HEYDOCTOR_TLS_KEY: %v", err)
		}
		serveFn = func(s *http.Server, ln net.Listener) error {
			s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
			return s.ServeTLS(ln, "", "")
		}
		redirect = srv.HTTPServer(http.HandlerFunc(redirectHTTPS))
	}
	if redirect != nil && cfg.HTTPAddr != "" {
		ln, err := net.Listen("tcp", cfg.HTTPAddr)
		if err != nil {
			return fmt.Errorf("listen on %s (HEYDOCTOR_HTTP_ADDR): %w", cfg.HTTPAddr, err)
		}
		go redirect.Serve(ln)
		defer redirect.Close()
		log.Info("redirecting HTTP to HTTPS", "addr", ln.Addr().String())
	}
	log.Info("heydoctor listening", "addr", srv.Addr(), "scheme", scheme, "version", heydoctor.Version)
	fmt.Fprintf(env.stdout, "heydoctor listening on %s://%s\n", scheme, browsable(srv.Addr()))
	err := srv.Serve(ctx, 15*time.Second, serveFn)
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	log.Info("heydoctor stopped")
	return nil
}

// redirectHTTPS sends plain-HTTP visitors to the same URL over HTTPS.
func redirectHTTPS(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "" || strings.ContainsAny(host, "/\\ ") {
		http.Error(w, "bad host", http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), http.StatusMovedPermanently)
}

// browsable turns a wildcard listen address ([::]:8080) into one a person can open.
func browsable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
