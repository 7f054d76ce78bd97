package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/internal/buildinfo"
	"github.com/parley-talks/parley/metrics"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/web"
	"github.com/parley-talks/parley/web/authn"
	"golang.org/x/crypto/acme"
)

const (
	defaultAddr = "127.0.0.1:8080"
	defaultDB   = "parley.db"

	// serveGCPercent is the garbage collector's target for the server
	// unless $GOGC says otherwise. A request allocates a few tens of KB and
	// keeps none of it, while the live heap is a few MB, so the default of
	// 100 runs a collection every few hundred requests; 400 cuts the
	// collector's share of CPU by about a third for a heap that stays in
	// the tens of MB (BENCHMARKS.md, "HTTP").
	serveGCPercent = 400

	// shutdownTimeout bounds how long a shutdown waits for requests in
	// flight before it closes their connections.
	shutdownTimeout = 15 * time.Second

	// demoPasswordGroups × demoPasswordGroupLen random lowercase letters
	// make a generated demo password: log₂(26¹⁶) ≈ 75 bits.
	demoPasswordGroups   = 4
	demoPasswordGroupLen = 4
)

func init() {
	register(&command{
		Name:    "serve",
		Summary: "serve the web application and the JSON API",
		Usage: `Usage: parley serve [--addr host:port] [--db file-or-url] [--config file] [flags]

Serves Parley's pages, its JSON API (under /api/v1, described at
/api/openapi.json) and GET /healthz until interrupted (Ctrl-C, SIGTERM),
then finishes the requests in flight and exits. Everything is checked
before anything is served: a taken address, a wrong certificate or key, an
unreachable ACME server, a malformed config file or a misspelt PARLEY_
variable stops it at start with a message that names the problem.

Every route but GET /healthz, the OpenAPI document and signing in needs a
session or an API token (parley token create): accounts come from
parley user add or --demo.

With no flags it stores everything in the SQLite file ./parley.db (created
if missing) and listens on 127.0.0.1:8080. --db takes a file path, or a
postgres:// or postgresql:// URL for PostgreSQL.

HTTPS: --tls-cert and --tls-key serve TLS with a certificate of your own
(PEM files); --acme-domain obtains and renews one from Let's Encrypt (or
--acme-directory) for the domain, by the TLS-ALPN challenge on --addr,
which must then be reachable on port 443; its account and certificates are
kept in --acme-cache (default: the folder acme beside the database). Behind
a reverse proxy that terminates TLS, name its addresses with
--trusted-proxy (its X-Forwarded-For and X-Forwarded-Proto then count; no
one else's do) and the address browsers use with --public-url. Session
cookies are Secure whenever the public origin is HTTPS.

Metrics: /metrics in the Prometheus format is off unless --metrics-addr
serves it on an address of its own, or --metrics-token serves it on the
main address to requests that carry "Authorization: Bearer TOKEN" (both:
on its own address, with the token).

Settings: every flag can also be given as a PARLEY_ variable (--tls-cert
as PARLEY_TLS_CERT; a list comma-separated) or in a TOML or JSON config
file (--config or $PARLEY_CONFIG; keys are the flag names). The command line
wins over the environment, which wins over the file. The secrets --db,
--demo-password and --metrics-token may instead be read from a file:
PARLEY_METRICS_TOKEN_FILE=/run/secrets/token, or metrics-token-file in the
config file.

--demo loads the demo scenario (tracks, parties, venues, meetings, events
and the demo accounts) into a fresh database and prints the accounts and
their password once. If the database already holds the demo, it is served
as it is; if it holds anything else, parley refuses unless --demo-force is
given. The password comes from --demo-password, else it is generated at
random.

Examples:
  parley serve                          # ./parley.db on http://127.0.0.1:8080
  parley serve --demo                   # the same, with the demo scenario
  parley serve --addr 127.0.0.1:0       # any free port; the URL is printed
  parley serve --config /etc/parley/parley.toml
  parley serve --addr :443 --acme-domain talks.example.org --db /var/lib/parley/parley.db
  parley serve --tls-cert cert.pem --tls-key key.pem --addr :8443
  parley serve --trusted-proxy 127.0.0.1 --public-url https://talks.example.org
  parley serve --db postgres://parley@127.0.0.1:5432/parley --key-file /etc/parley/parley.key`,
		Run: runServe,
	})
}

// serveConfig is what parley serve was asked to do: its flags.
type serveConfig struct {
	configFile   string
	addr, db     string
	keyFile      string // master key file; see findMasterKey
	demo, force  bool
	demoPassword string

	tlsCert, tlsKey string
	acmeDomains     listValue
	acmeEmail       string
	acmeCache       string
	acmeDirectory   string
	trustedProxies  listValue
	publicURL       string

	metricsAddr, metricsToken string
	logFormat, logLevel       string
	analysisBudget            time.Duration
}

// defineServeFlags defines serve's flags on fs, into cfg. Every one of them
// is also a setting (settings.go).
func defineServeFlags(fs *flag.FlagSet, cfg *serveConfig) {
	fs.StringVar(&cfg.configFile, "config", "", "config `file` (TOML or JSON) with settings (default $"+envConfig+")")
	fs.StringVar(&cfg.addr, "addr", defaultAddr, "`host:port` to listen on (port 0: any free port)")
	fs.StringVar(&cfg.db, "db", defaultDB, "SQLite database `file`, or a postgres:// URL")
	fs.StringVar(&cfg.keyFile, "key-file", "", "master key `file` (default: $PARLEY_MASTER_KEY, else parley.key beside the SQLite database, created for a new database)")
	fs.BoolVar(&cfg.demo, "demo", false, "load the demo scenario into a fresh database")
	fs.BoolVar(&cfg.force, "demo-force", false, "with --demo: load the demo even if the database holds other data")
	fs.StringVar(&cfg.demoPassword, "demo-password", "", "`password` of the demo accounts (default: random)")
	fs.StringVar(&cfg.tlsCert, "tls-cert", "", "serve HTTPS with this PEM certificate `file` (with --tls-key)")
	fs.StringVar(&cfg.tlsKey, "tls-key", "", "the PEM private key `file` of --tls-cert")
	fs.Var(&cfg.acmeDomains, "acme-domain", "serve HTTPS with a certificate obtained by ACME for this `domain` (repeatable)")
	fs.StringVar(&cfg.acmeEmail, "acme-email", "", "contact `address` for the ACME account (expiry notices)")
	fs.StringVar(&cfg.acmeCache, "acme-cache", "", "`folder` for the ACME account and certificates (default: acme beside the SQLite database)")
	fs.StringVar(&cfg.acmeDirectory, "acme-directory", acme.LetsEncryptURL, "the ACME server's directory `URL`")
	fs.Var(&cfg.trustedProxies, "trusted-proxy", "a reverse proxy's `network` (CIDR) or address whose X-Forwarded-For/-Proto count (repeatable)")
	fs.StringVar(&cfg.publicURL, "public-url", "", "the origin browsers use, e.g. https://talks.example.org (default: the request's)")
	fs.StringVar(&cfg.metricsAddr, "metrics-addr", "", "serve /metrics on this `host:port` of its own (default: off)")
	fs.StringVar(&cfg.metricsToken, "metrics-token", "", "serve /metrics to requests bearing this `token` (at least 20 characters)")
	fs.StringVar(&cfg.logFormat, "log-format", "text", "log `format`: text or json")
	fs.StringVar(&cfg.logLevel, "log-level", "info", "least `level` logged: debug, info, warn or error")
	fs.DurationVar(&cfg.analysisBudget, "analysis-budget", 0, "longest an analysis may run before it answers with bounds and an estimate (0: the default, negative: none)")
}

func runServe(ctx context.Context, env *Env, args []string) error {
	if env.Getenv == nil || env.Getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
	c := commands["serve"]
	fs := c.FlagSet(env)
	var cfg serveConfig
	defineServeFlags(fs, &cfg)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	if onCommandLine["demo-password"] && !cfg.demo {
		return usagef("--demo-password needs --demo")
	}
	if err := applySettings(fs, env, cfg.configFile); err != nil {
		return err
	}
	if cfg.force && !cfg.demo {
		return usagef("--demo-force needs --demo")
	}
	log, err := newLogger(env.Stderr, cfg.logFormat, cfg.logLevel)
	if err != nil {
		return err
	}
	return serve(ctx, env, log, cfg)
}

// newLogger returns the server's logger on w.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, usagef("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usagef("--log-format %q: want text or json", format)
}

// serve checks the configuration, listens, opens the store, loads the demo
// if asked, and serves until ctx is cancelled.
func serve(ctx context.Context, env *Env, log *slog.Logger, cfg serveConfig) (err error) {
	front, err := prepareFront(cfg)
	if err != nil {
		return err
	}
	// Listen first: a taken port fails before anything touches the database.
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", cfg.addr)
	if err != nil {
		return listenError("--addr", cfg.addr, err)
	}
	defer ln.Close()
	var metricsLn net.Listener
	if cfg.metricsAddr != "" {
		if metricsLn, err = (&net.ListenConfig{}).Listen(ctx, "tcp", cfg.metricsAddr); err != nil {
			return listenError("--metrics-addr", cfg.metricsAddr, err)
		}
		defer metricsLn.Close()
	}
	if err := front.startACME(ctx, cfg); err != nil {
		return err
	}

	key, err := findMasterKey(ctx, env.Stdout, env.Getenv, cfg.db, cfg.keyFile)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg.db, key, storeServe)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := store.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close the database: %w", cerr)
		}
	}()
	if cfg.demo {
		if err := loadDemo(asSystem(ctx), env.Stdout, store, cfg); err != nil {
			return err
		}
	}

	var m *metrics.Metrics
	if metricsLn != nil || front.metricsToken != "" {
		stats, closeStats, err := storeStats(cfg.db)
		if err != nil {
			return err
		}
		defer closeStats()
		m = metrics.New(buildinfo.Read(Version), stats, log)
	}
	auth, err := authn.New(authn.Config{Store: store, Logger: log, PublicURL: front.public, Metrics: m})
	if err != nil {
		return err
	}
	srv, err := web.New(web.Config{Store: store, Logger: log, Authenticator: auth,
		PublicURL: front.public, TrustedProxies: front.trusted, Metrics: m, AnalysisBudget: cfg.analysisBudget})
	if err != nil {
		return err
	}
	hs := srv.HTTPServer()
	hs.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }
	hs.Handler = front.handler(srv, m, metricsLn == nil)
	hs.TLSConfig = front.tls

	servers := []*http.Server{hs}
	served := make(chan error, 2)
	if front.tls != nil {
		go func() { served <- hs.ServeTLS(ln, "", "") }()
	} else {
		go func() { served <- hs.Serve(ln) }()
	}
	if metricsLn != nil {
		ms := metricsServer(m, front.metricsToken, log)
		servers = append(servers, ms)
		go func() { served <- ms.Serve(metricsLn) }()
		fmt.Fprintf(env.Stdout, "Metrics are served on http://%s/metrics\n", metricsLn.Addr())
	}
	fmt.Fprintf(env.Stdout, "Parley is serving on %s://%s\n", front.scheme(), ln.Addr())
	log.Info("serving", "addr", ln.Addr().String(), "db", redactDSN(cfg.db), "tls", front.tls != nil,
		"public_url", front.publicString(), "trusted_proxies", len(front.trusted.Prefixes()))

	select {
	case err := <-served:
		for _, s := range servers {
			s.Close()
		}
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight", "timeout", shutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	for _, s := range servers {
		if err := s.Shutdown(sctx); err != nil {
			s.Close()
			return fmt.Errorf("shut down: %w", err)
		}
	}
	for range servers {
		if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
	}
	log.Info("stopped")
	return nil
}

// listenError says why addr, given by option, cannot be listened on, without
// repeating the address that net already put in err.
func listenError(option, addr string, err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		err = oe.Err
	}
	return fmt.Errorf("cannot listen on %s (%s): %v (is another server using that port? choose another with %s)", addr, option, err, option)
}

// openKeyedStore opens the database that --db names with its master key
// (see findMasterKey), so that the changes of administrative commands are
// signed into the audit ledger like the server's.
// The database must exist: a mistyped path is refused, not created.
func openKeyedStore(ctx context.Context, env *Env, db, keyFile string) (parley.Store, error) {
	if err := requireDatabase(db); err != nil {
		return nil, err
	}
	key, err := findMasterKey(ctx, env.Stderr, env.Getenv, db, keyFile)
	if err != nil {
		return nil, err
	}
	return openStoreWithKey(ctx, db, key)
}

// locateMasterKey finds where the master key of db comes from: the key
// file if one is given; else $PARLEY_MASTER_KEY, which it loads; else, for
// SQLite, parley.key beside the database. It returns either the file to
// load or the key loaded from the environment.
func locateMasterKey(getenv func(string) string, db, keyFile string) (string, *seal.MasterKey, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	switch {
	case keyFile != "":
		return keyFile, nil, nil
	case getenv(seal.EnvMasterKey) != "":
		key, err := seal.LoadMasterKey("", getenv)
		return "", key, err
	case isPostgres(db):
		return "", nil, fmt.Errorf("a PostgreSQL database needs its master key: give --key-file or set %s", seal.EnvMasterKey)
	}
	return defaultKeyPath(db), nil, nil
}

// databaseFlags are the flags of a command that opens an existing
// database: --db and --key-file, which also come from the settings of
// serve (applySettings), and --config.
type databaseFlags struct {
	db, keyFile, config string
}

func defineDatabaseFlags(fs *flag.FlagSet) *databaseFlags {
	d := &databaseFlags{}
	fs.StringVar(&d.db, "db", defaultDB, "SQLite database `file`, or a postgres:// URL")
	fs.StringVar(&d.keyFile, "key-file", "", "master key `file` (default: $PARLEY_MASTER_KEY, else parley.key beside the database)")
	fs.StringVar(&d.config, "config", "", "config `file` (TOML or JSON) to read --db and --key-file from (default $"+envConfig+")")
	return d
}

// apply takes --db and --key-file from the environment and the config
// file where the command line did not give them.
func (d *databaseFlags) apply(fs *flag.FlagSet, env *Env) error {
	return applySettings(fs, env, d.config)
}

// redactDSN hides the password of a database URL for logs and messages.
func redactDSN(db string) string {
	if i := strings.Index(db, "://"); i >= 0 {
		if at := strings.LastIndex(db, "@"); at > i {
			if colon := strings.Index(db[i+3:at], ":"); colon >= 0 {
				return db[:i+3+colon] + ":xxxxx" + db[at:]
			}
		}
	}
	return db
}

// loadDemo loads the demo scenario unless the store holds it already, and
// prints the accounts and their password once.
func loadDemo(ctx context.Context, stdout io.Writer, store parley.Store, cfg serveConfig) error {
	loaded, err := demo.IsLoaded(ctx, store)
	if err != nil {
		return fmt.Errorf("look for the demo in the database: %w", err)
	}
	if loaded {
		fmt.Fprintf(stdout, "The database %s already holds the demo scenario; serving it as it is (its accounts keep their password).\n", redactDSN(cfg.db))
		return nil
	}
	empty, err := store.Empty(ctx)
	if err != nil {
		return fmt.Errorf("check the database: %w", err)
	}
	if !empty && !cfg.force {
		return fmt.Errorf("the database %s already holds data that is not the demo; refusing to load the demo into it. "+
			"Use --db to name a fresh database, or --demo-force to add the demo to this one", redactDSN(cfg.db))
	}
	password := cfg.demoPassword
	if password == "" {
		if password, err = randomPassword(); err != nil {
			return err
		}
	}
	load := demo.Load
	if !empty {
		load = demo.LoadInto
	}
	sum, err := load(ctx, store, password)
	if err != nil {
		return fmt.Errorf("load the demo: %w", err)
	}
	fmt.Fprintf(stdout, "Loaded the demo scenario: %s, %s, %s, %s, %s, %s, %s, %s.\n",
		count(sum.Tracks, "track"), count(sum.Parties, "party"), count(sum.Venues, "venue"), count(sum.Meetings, "meeting"),
		count(sum.Events, "event"), count(sum.Agreements, "agreement"), count(sum.Exchanges, "prisoner exchange"), count(sum.ChildCases, "children's case"))
	fmt.Fprintf(stdout, "Demo accounts (this password is shown only now):\n")
	for _, a := range sum.Accounts {
		fmt.Fprintf(stdout, "  %s\n", a)
	}
	fmt.Fprintf(stdout, "  password: %s\n", password)
	return nil
}

// randomPassword returns demoPasswordGroups groups of demoPasswordGroupLen
// random lowercase letters joined by dashes, e.g. "qfzm-tbra-okhw-plxe".
func randomPassword() (string, error) {
	groups := make([]string, demoPasswordGroups)
	max := big.NewInt(26)
	for g := range groups {
		b := make([]byte, demoPasswordGroupLen)
		for i := range b {
			n, err := rand.Int(rand.Reader, max)
			if err != nil {
				return "", fmt.Errorf("generate a password: %w", err)
			}
			b[i] = byte('a' + n.Int64())
		}
		groups[g] = string(b)
	}
	return strings.Join(groups, "-"), nil
}

// count says "1 track" or "6 tracks" (and "10 parties").
func count(n int, noun string) string {
	switch {
	case n == 1:
		return "1 " + noun
	case strings.HasSuffix(noun, "y"):
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
