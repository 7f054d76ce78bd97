package main

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/parley-talks/parley/internal/proxy"
	"github.com/parley-talks/parley/internal/sqlcopy"
	"github.com/parley-talks/parley/metrics"
	"github.com/parley-talks/parley/web/limits"
	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

const (
	// minMetricsToken is the shortest --metrics-token accepted: 20
	// characters of a generated token are ≥ 100 bits.
	minMetricsToken = 20
	// acmeDiscoverTimeout bounds the start-up check that the ACME server
	// answers.
	acmeDiscoverTimeout = 20 * time.Second
	// certReloadInterval is how often a --tls-cert file is checked for a
	// renewed certificate.
	certReloadInterval = time.Minute
	// acmeCacheDir is the ACME cache beside a SQLite database.
	acmeCacheDir = "acme"
)

// front is how the server faces the network: TLS, the origin browsers
// use, the proxies whose forwarding headers count, and the metrics token.
// The public origin and the trusted proxies go to web.Config and
// authn.Config (HSTS, the cross-origin check, Secure cookies, the
// client's address).
type front struct {
	tls          *tls.Config // nil: plain HTTP
	acme         *autocert.Manager
	public       *url.URL // nil: the request's own origin
	trusted      proxy.Trusted
	metricsToken string
}

// prepareFront checks the TLS, proxy, public origin and metrics settings
// and loads the certificate, naming the first problem.
func prepareFront(cfg serveConfig) (*front, error) {
	f := &front{metricsToken: cfg.metricsToken}
	var err error
	if f.trusted, err = proxy.Parse(cfg.trustedProxies); err != nil {
		return nil, usagef("--trusted-proxy: %v", strings.TrimPrefix(err.Error(), "proxy: "))
	}
	if cfg.publicURL != "" {
		if f.public, err = parsePublicURL(cfg.publicURL); err != nil {
			return nil, err
		}
	}
	if f.metricsToken != "" && len(f.metricsToken) < minMetricsToken {
		return nil, usagef("--metrics-token is %d characters; use at least %d (e.g. openssl rand -hex 20)", len(f.metricsToken), minMetricsToken)
	}
	switch {
	case (cfg.tlsCert == "") != (cfg.tlsKey == ""):
		return nil, usagef("--tls-cert and --tls-key go together")
	case cfg.tlsCert != "" && len(cfg.acmeDomains) > 0:
		return nil, usagef("--tls-cert and --acme-domain exclude each other: use a certificate of your own or one from ACME")
	case cfg.tlsCert != "":
		if f.tls, err = certificateConfig(cfg.tlsCert, cfg.tlsKey, f.public, time.Now()); err != nil {
			return nil, err
		}
	case len(cfg.acmeDomains) > 0:
		if err := f.prepareACME(cfg); err != nil {
			return nil, err
		}
	}
	if f.tls != nil && f.public != nil && f.public.Scheme != "https" {
		return nil, usagef("--public-url %s is http:// but the server serves HTTPS", cfg.publicURL)
	}
	return f, nil
}

// parsePublicURL accepts an origin: http(s)://host[:port], nothing after.
func parsePublicURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return nil, usagef("--public-url %q is not a URL: %v", s, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, usagef("--public-url %q: want http:// or https://", s)
	case u.Host == "" || u.Hostname() == "":
		return nil, usagef("--public-url %q has no host", s)
	case u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "":
		return nil, usagef("--public-url %q: want an origin only (scheme, host and port), as browsers send it", s)
	}
	return &url.URL{Scheme: u.Scheme, Host: strings.ToLower(u.Host)}, nil
}

// certificateConfig loads the certificate and key and checks that they
// belong together, that the certificate is valid now and, with a public
// URL, for its host. The files are read again when they change, so a
// renewed certificate is served without a restart.
func certificateConfig(certFile, keyFile string, public *url.URL, now time.Time) (*tls.Config, error) {
	c := &reloadingCert{certFile: certFile, keyFile: keyFile}
	cert, err := c.load()
	if err != nil {
		return nil, err
	}
	leaf := cert.Leaf
	switch {
	case now.After(leaf.NotAfter):
		return nil, fmt.Errorf("the TLS certificate %s expired on %s", certFile, leaf.NotAfter.Format(time.DateOnly))
	case now.Before(leaf.NotBefore):
		return nil, fmt.Errorf("the TLS certificate %s is valid only from %s", certFile, leaf.NotBefore.Format(time.DateTime))
	}
	if public != nil {
		if err := leaf.VerifyHostname(public.Hostname()); err != nil {
			return nil, fmt.Errorf("the TLS certificate %s is not valid for %s, the host of --public-url (it names %s)",
				certFile, public.Hostname(), strings.Join(append(leaf.DNSNames, ipStrings(leaf.IPAddresses)...), ", "))
		}
	}
	c.cert, c.checked = cert, now
	c.certMod, c.keyMod = modTime(certFile), modTime(keyFile)
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: c.get}, nil
}

func ipStrings(ips []net.IP) []string {
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = ip.String()
	}
	return out
}

// reloadingCert serves a certificate from files, read again at most every
// certReloadInterval when their modification time changed. A pair that no
// longer loads (a renewal half written) keeps the previous one in service.
type reloadingCert struct {
	certFile, keyFile string

	mu              sync.Mutex
	cert            *tls.Certificate
	certMod, keyMod time.Time
	checked         time.Time
}

func (c *reloadingCert) load() (*tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return nil, fmt.Errorf("the TLS certificate %s and key %s: %v", c.certFile, c.keyFile, strings.TrimPrefix(err.Error(), "tls: "))
	}
	return &cert, nil
}

func (c *reloadingCert) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := time.Now(); now.Sub(c.checked) >= certReloadInterval {
		c.checked = now
		cm, km := modTime(c.certFile), modTime(c.keyFile)
		if !cm.Equal(c.certMod) || !km.Equal(c.keyMod) {
			if cert, err := c.load(); err == nil {
				c.cert, c.certMod, c.keyMod = cert, cm, km
			}
		}
	}
	return c.cert, nil
}

func modTime(path string) time.Time {
	fi, err := os.Stat(path)
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}

// domainName is a DNS name ACME can issue for: letters, digits and dashes,
// at least two labels.
var domainName = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)

// prepareACME sets up the certificate manager: domains, cache folder,
// directory.
func (f *front) prepareACME(cfg serveConfig) error {
	domains := make([]string, 0, len(cfg.acmeDomains))
	for _, d := range cfg.acmeDomains {
		d = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(d), "."))
		if !domainName.MatchString(d) {
			return usagef("--acme-domain %q is not a domain name ACME can issue a certificate for", d)
		}
		domains = append(domains, d)
	}
	dir, err := url.Parse(cfg.acmeDirectory)
	if err != nil || (dir.Scheme != "https" && dir.Scheme != "http") || dir.Host == "" {
		return usagef("--acme-directory %q is not an http(s) URL", cfg.acmeDirectory)
	}
	cache := cfg.acmeCache
	if cache == "" {
		if isPostgres(cfg.db) {
			return usagef("with a PostgreSQL database, --acme-domain needs --acme-cache: a folder to keep the ACME account and certificates in")
		}
		cache = filepath.Join(filepath.Dir(cfg.db), acmeCacheDir)
	}
	if err := os.MkdirAll(cache, 0o700); err != nil {
		return fmt.Errorf("the ACME cache folder: %w", err)
	}
	if f.public == nil {
		f.public = &url.URL{Scheme: "https", Host: domains[0]}
	} else if !contains(domains, f.public.Hostname()) {
		return usagef("--public-url %s is not one of the --acme-domain names (%s)", f.public, strings.Join(domains, ", "))
	}
	f.acme = &autocert.Manager{
		Prompt:     autocert.AcceptTOS,
		Cache:      autocert.DirCache(cache),
		HostPolicy: autocert.HostWhitelist(domains...),
		Email:      cfg.acmeEmail,
		Client:     &acme.Client{DirectoryURL: cfg.acmeDirectory},
	}
	f.tls = f.acme.TLSConfig()
	f.tls.MinVersion = tls.VersionTLS12
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// startACME checks that the ACME server answers, so that a server that
// could never obtain a certificate does not start.
func (f *front) startACME(ctx context.Context, cfg serveConfig) error {
	if f.acme == nil {
		return nil
	}
	dctx, cancel := context.WithTimeout(ctx, acmeDiscoverTimeout)
	defer cancel()
	if _, err := f.acme.Client.Discover(dctx); err != nil {
		return fmt.Errorf("cannot reach the ACME server at %s: %v (check this host's network and DNS, or --acme-directory)", cfg.acmeDirectory, err)
	}
	return nil
}

func (f *front) scheme() string {
	if f.tls != nil {
		return "https"
	}
	return "http"
}

func (f *front) publicString() string {
	if f.public == nil {
		return ""
	}
	return f.public.String()
}

// handler is srv with /metrics behind the token when the metrics are
// served on the main address.
func (f *front) handler(srv http.Handler, m *metrics.Metrics, metricsOnMain bool) http.Handler {
	if m == nil || !metricsOnMain || f.metricsToken == "" {
		return srv
	}
	protected := requireToken(f.metricsToken, m.Handler())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" {
			protected.ServeHTTP(w, r)
			return
		}
		srv.ServeHTTP(w, r)
	})
}

// requireToken serves h only to requests bearing token.
func requireToken(token string, h http.Handler) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "metrics need the bearer token of --metrics-token", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// metricsServer serves /metrics (behind the token if there is one) and
// nothing else.
func metricsServer(m *metrics.Metrics, token string, log *slog.Logger) *http.Server {
	var h http.Handler = m.Handler()
	if token != "" {
		h = requireToken(token, h)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	return &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: limits.ReadHeaderTimeout,
		ReadTimeout:       limits.ReadTimeout,
		WriteTimeout:      limits.WriteTimeout,
		IdleTimeout:       limits.IdleTimeout,
		MaxHeaderBytes:    limits.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// storeStats reads the sizes of the database db for the metrics, through a
// connection of its own, from one snapshot.
func storeStats(db string) (metrics.StatsFunc, func(), error) {
	engine, dsn, driver := sqlcopy.SQLite, rawSQLiteDSN(db, false), "sqlite"
	opts := &sql.TxOptions{ReadOnly: true}
	if isPostgres(db) {
		engine, dsn, driver = sqlcopy.PostgreSQL, db, "pgx"
		opts.Isolation = sql.LevelRepeatableRead
	}
	conn, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("open the database for the metrics: %w", err)
	}
	conn.SetMaxOpenConns(1)
	stats := func(ctx context.Context) (metrics.StoreStats, error) {
		tx, err := conn.BeginTx(ctx, opts)
		if err != nil {
			return metrics.StoreStats{}, err
		}
		defer tx.Rollback()
		rows, err := sqlcopy.Counts(ctx, tx, engine)
		if err != nil {
			return metrics.StoreStats{}, err
		}
		if _, ok := rows["audit_entries"]; !ok {
			return metrics.StoreStats{}, errors.New("the database has no audit ledger")
		}
		return metrics.StoreStats{Rows: rows, LedgerEntries: rows["audit_entries"]}, nil
	}
	return stats, func() { conn.Close() }, nil
}
