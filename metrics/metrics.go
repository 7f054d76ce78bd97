// Package metrics exposes Parley's operational figures in the Prometheus
// text format (prometheus/client_golang): requests and their latency by
// route, sign-in failures, analysis durations, the store's and the audit
// ledger's sizes, the build, and the Go runtime and process.
//
// # What a metric may say
//
// A metric is read by whoever operates the monitoring, who is not a
// member of any track. So no label carries an id, a track, a party, an
// account or any content: routes are the route table's patterns
// ("GET /api/v1/tracks/{id}"), never the path requested; sign-in failures
// are counted by reason only; the store's size is rows per table. The
// endpoint is off unless the operator turns it on (parley serve
// --metrics-addr or --metrics-token).
//
// Every method of a nil *Metrics does nothing, so code that records
// figures needs no check for metrics being off.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/parley-talks/parley/internal/buildinfo"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

const namespace = "parley"

// StatsTimeout bounds how long a scrape waits for the store's sizes.
const StatsTimeout = 5 * time.Second

// Unmatched is the route label of a request that matched no route.
const Unmatched = "unmatched"

// Sign-in failure reasons, the only values of the reason label.
const (
	SignInBadCredentials = "bad_credentials" // unknown account, wrong password, disabled account
	SignInThrottled      = "throttled"       // refused before the password was checked
	SignInSecondFactor   = "second_factor"   // a wrong or missing second factor
)

// Analysis kinds, the only values of the kind label, and results, of the
// result label (never a track: an analysis's labels say nothing of what
// it analysed).
const (
	AnalysisReport       = "report"       // a track's analysis (frontier, zone, blockers), or a what-if of it
	AnalysisSimulation   = "simulation"   // simulated negotiations over a track's frontier
	AnalysisImprovements = "improvements" // the packages that improve on one for every party

	AnalysisExact    = "exact"    // complete within its budget
	AnalysisEstimate = "estimate" // its budget ran out: bounds and labelled estimates
	AnalysisCanceled = "canceled" // its client left
	AnalysisFailed   = "failed"
)

// StoreStats is what a scrape reads of the store: rows per table and the
// audit ledger's entries.
type StoreStats struct {
	Rows          map[string]int64
	LedgerEntries int64
}

// StatsFunc reads the store's sizes; it is called at each scrape.
type StatsFunc func(ctx context.Context) (StoreStats, error)

// Metrics holds Parley's collectors in a registry of their own.
type Metrics struct {
	reg            *prometheus.Registry
	requests       *prometheus.CounterVec
	latency        *prometheus.HistogramVec
	signInFailures *prometheus.CounterVec
	analyses       *prometheus.HistogramVec
}

// New registers the collectors: the build described by info, the store's
// sizes read by stats (nil: none), the Go runtime and the process. log
// receives a failed read of the store's sizes.
func New(info buildinfo.Info, stats StatsFunc, log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "http", Name: "requests_total",
			Help: "HTTP requests answered, by route pattern and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: "http", Name: "request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		signInFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "signin_failures_total",
			Help: "Refused sign-ins, by reason (bad_credentials, throttled, second_factor).",
		}, []string{"reason"}),
		analyses: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "analysis_duration_seconds",
			Help:    "Time an analysis took, by kind (report, simulation, improvements) and result (exact, estimate, canceled, failed).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"kind", "result"}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: namespace, Name: "build_info",
		Help: "The running build: always 1, with the version, VCS revision, Go toolchain and platform as labels.",
		ConstLabels: prometheus.Labels{
			"version": info.Version, "revision": info.Revision, "modified": strconv.FormatBool(info.Modified),
			"goversion": info.GoVersion, "platform": info.Platform,
		},
	})
	build.Set(1)
	m.reg.MustRegister(m.requests, m.latency, m.signInFailures, m.analyses, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if stats != nil {
		m.reg.MustRegister(&storeCollector{stats: stats, log: log})
	}
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: nil, ErrorHandling: promhttp.ContinueOnError})
}

// ObserveRequest counts one answered request. route is the pattern of the
// route table that matched (Unmatched, or "", if none did): never the path.
func (m *Metrics) ObserveRequest(route string, status int, d time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = Unmatched
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// SignInFailed counts a refused sign-in; reason is one of the SignIn…
// constants.
func (m *Metrics) SignInFailed(reason string) {
	if m == nil {
		return
	}
	m.signInFailures.WithLabelValues(reason).Inc()
}

// ObserveAnalysis records how long an analysis of kind (an Analysis…
// kind) took and how it ended (an Analysis… result).
func (m *Metrics) ObserveAnalysis(kind, result string, d time.Duration) {
	if m == nil {
		return
	}
	m.analyses.WithLabelValues(kind, result).Observe(d.Seconds())
}

// storeCollector reads the store's sizes at each scrape.
type storeCollector struct {
	stats StatsFunc
	log   *slog.Logger
}

var (
	rowsDesc    = prometheus.NewDesc(namespace+"_store_rows", "Rows in each table of the store.", []string{"table"}, nil)
	ledgerDesc  = prometheus.NewDesc(namespace+"_ledger_entries", "Entries of the audit ledger.", nil, nil)
	statsUpDesc = prometheus.NewDesc(namespace+"_store_stats_up", "1 if the last scrape could read the store's sizes, else 0.", nil, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- rowsDesc
	ch <- ledgerDesc
	ch <- statsUpDesc
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), StatsTimeout)
	defer cancel()
	st, err := c.stats(ctx)
	if err != nil {
		c.log.Warn("metrics: cannot read the store's sizes", "error", err.Error())
		ch <- prometheus.MustNewConstMetric(statsUpDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(statsUpDesc, prometheus.GaugeValue, 1)
	for table, n := range st.Rows {
		ch <- prometheus.MustNewConstMetric(rowsDesc, prometheus.GaugeValue, float64(n), table)
	}
	ch <- prometheus.MustNewConstMetric(ledgerDesc, prometheus.GaugeValue, float64(st.LedgerEntries))
}
