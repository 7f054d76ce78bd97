package main

import (
	"context"
	"crypto/rand"
	"errors"
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
	"github.com/parley-talks/parley/web"
	"github.com/parley-talks/parley/web/authn"
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

	// demoPasswordEnv names the environment variable that sets the demo
	// password when --demo-password is not given.
	demoPasswordEnv = "PARLEY_DEMO_PASSWORD"
)

func init() {
	register(&command{
		name:    "serve",
		summary: "serve the web application and the JSON API",
		usage: `Usage: parley serve [--addr host:port] [--db file-or-url] [--demo [--demo-force] [--demo-password pw]]

Serves Parley's JSON API (under /api/v1, described at /api/openapi.json)
and GET /healthz until interrupted (Ctrl-C, SIGTERM), then finishes the
requests in flight and exits.

Every route but GET /healthz, the OpenAPI document and signing in
(POST /api/v1/sessions with an email and password) needs a session or an
API token (parley token create): accounts come from parley user add or
--demo.

With no flags it stores everything in the SQLite file ./parley.db (created
if missing) and listens on 127.0.0.1:8080. --db takes a file path, or a
postgres:// or postgresql:// URL for PostgreSQL.

--demo loads the demo scenario (tracks, parties, venues, meetings, events
and the demo accounts) into a fresh database and prints the accounts and
their password once. If the database already holds the demo, it is served
as it is; if it holds anything else, parley refuses unless --demo-force is
given. The password comes from --demo-password, else from $PARLEY_DEMO_PASSWORD,
else it is generated at random.

Examples:
  parley serve                          # ./parley.db on http://127.0.0.1:8080
  parley serve --demo                   # the same, with the demo scenario
  parley serve --addr 127.0.0.1:0       # any free port; the URL is printed
  parley serve --db /var/lib/parley/talks.db --addr 0.0.0.0:8080
  parley serve --db postgres://parley@127.0.0.1:5432/parley`,
		run: runServe,
	})
}

// serveConfig is what parley serve was asked to do.
type serveConfig struct {
	addr, db     string
	demo, force  bool
	demoPassword string
	keyFile      string // master key file; see findMasterKey
}

func runServe(ctx context.Context, env *Env, args []string) error {
	if env.Getenv == nil || env.Getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
	c := commands["serve"]
	fs := c.flagSet(env)
	var cfg serveConfig
	fs.StringVar(&cfg.addr, "addr", defaultAddr, "`host:port` to listen on (port 0: any free port)")
	fs.StringVar(&cfg.db, "db", defaultDB, "SQLite database `file`, or a postgres:// URL")
	fs.StringVar(&cfg.keyFile, "key-file", "", "master key `file` (default: $PARLEY_MASTER_KEY, else parley.key beside the SQLite database, created for a new database)")
	fs.BoolVar(&cfg.demo, "demo", false, "load the demo scenario into a fresh database")
	fs.BoolVar(&cfg.force, "demo-force", false, "with --demo: load the demo even if the database holds other data")
	fs.StringVar(&cfg.demoPassword, "demo-password", "", "`password` of the demo accounts (default $"+demoPasswordEnv+", else random)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if cfg.force && !cfg.demo {
		return usagef("--demo-force needs --demo")
	}
	if cfg.demoPassword != "" && !cfg.demo {
		return usagef("--demo-password needs --demo")
	}
	if cfg.demoPassword == "" && env.Getenv != nil {
		cfg.demoPassword = env.Getenv(demoPasswordEnv)
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, nil))
	return serve(ctx, env, log, cfg)
}

// serve listens, opens the store, loads the demo if asked, and serves until
// ctx is cancelled.
func serve(ctx context.Context, env *Env, log *slog.Logger, cfg serveConfig) (err error) {
	// Listen first: a taken port fails before anything touches the database.
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", cfg.addr)
	if err != nil {
		return listenError(cfg.addr, err)
	}
	defer ln.Close()

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

	auth, err := authn.New(authn.Config{Store: store, Logger: log})
	if err != nil {
		return err
	}
	srv, err := web.New(web.Config{Store: store, Logger: log, Authenticator: auth})
	if err != nil {
		return err
	}
	hs := srv.HTTPServer()
	hs.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }

	fmt.Fprintf(env.Stdout, "Parley is serving on http://%s\n", ln.Addr())
	log.Info("serving", "addr", ln.Addr().String(), "db", redactDSN(cfg.db))

	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight", "timeout", shutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// listenError says why addr cannot be listened on, without repeating the
// address that net already put in err.
func listenError(addr string, err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		err = oe.Err
	}
	return fmt.Errorf("cannot listen on %s: %v (is another server using that port? choose another with --addr)", addr, err)
}

// openKeyedStore opens the database that --db names with its master key
// (see findMasterKey), so that the changes of administrative commands are
// signed into the audit ledger like the server's.
func openKeyedStore(ctx context.Context, env *Env, db, keyFile string) (parley.Store, error) {
	key, err := findMasterKey(ctx, env.Stderr, env.Getenv, db, keyFile)
	if err != nil {
		return nil, err
	}
	return openStoreWithKey(ctx, db, key)
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
