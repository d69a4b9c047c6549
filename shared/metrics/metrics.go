// Package metrics is the platform's metrics registry: counters, gauges and histograms with
// labels, written as CloudWatch Embedded Metric Format lines in Lambda and exposed in the
// Prometheus text format by the local runner, so one set of names serves both dashboards.
package metrics

import (
	"sort"
	"strings"
	"sync"
)

// Kind is how a metric aggregates.
type Kind int

// The kinds of metric.
const (
	Counter Kind = iota
	Gauge
	Histogram
)

// Names of the metrics the platform handbook asks for. Areas record them through Default.
const (
	APIRequests        = "api_requests_total"           // route, status
	APILatency         = "api_request_duration_seconds" // route
	APIErrors          = "api_errors_total"             // route, class (4xx|5xx)
	LoginFailures      = "auth_login_failures_total"
	QueueVisible       = "queue_messages_visible" // queue
	QueueInFlight      = "queue_messages_in_flight"
	QueueDead          = "queue_messages_dead"
	TaskRuns           = "task_runs_total"          // function, outcome
	TaskDuration       = "task_duration_seconds"    // function
	ScheduleRuns       = "schedule_runs_total"      // function, outcome
	AICalls            = "ai_calls_total"           // provider, outcome
	AILatency          = "ai_call_duration_seconds" // provider
	AITokens           = "ai_tokens_total"          // provider, direction
	AICost             = "ai_cost_usd_total"        // provider
	IngestionRows      = "ingestion_rows_total"     // dataset, outcome (loaded|rejected)
	NurtureMessages    = "nurture_messages_total"   // channel, outcome (sent|deferred|review|suppressed|failed)
	InvocationDuration = "invocation_duration_seconds"
)

// Buckets are the histogram upper bounds in seconds: 5 ms to 30 s covers API calls, tasks and
// AI providers alike.
var Buckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// Registry holds every series. The zero value is not usable; call New.
type Registry struct {
	mu     sync.Mutex
	kinds  map[string]Kind
	series map[string]*series
}

type series struct {
	name   string
	labels []string // k1, v1, k2, v2 … sorted by key
	value  float64  // counter total or gauge value
	counts []uint64 // histogram: per bucket (not cumulative), last is +Inf
	sum    float64
	n      uint64
	// pending holds observations since the last EMF flush (histogram values or counter delta).
	pending []float64
	delta   float64
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{kinds: map[string]Kind{}, series: map[string]*series{}}
}

// Default is the process's registry: the local runner serves it, Lambda flushes it.
var Default = New()

// Add increases a counter by v. labels are key, value pairs.
func (r *Registry) Add(name string, v float64, labels ...string) {
	r.with(name, Counter, labels, func(s *series) { s.value += v; s.delta += v })
}

// Inc increases a counter by one.
func (r *Registry) Inc(name string, labels ...string) { r.Add(name, 1, labels...) }

// Set sets a gauge.
func (r *Registry) Set(name string, v float64, labels ...string) {
	r.with(name, Gauge, labels, func(s *series) { s.value = v; s.pending = append(s.pending[:0], v) })
}

// Observe records one histogram value (seconds for durations).
func (r *Registry) Observe(name string, v float64, labels ...string) {
	r.with(name, Histogram, labels, func(s *series) {
		if s.counts == nil {
			s.counts = make([]uint64, len(Buckets)+1)
		}
		i := sort.SearchFloat64s(Buckets, v)
		s.counts[i]++
		s.sum += v
		s.n++
		if len(s.pending) < 100 { // EMF accepts at most 100 values per metric and line
			s.pending = append(s.pending, v)
		}
	})
}

func (r *Registry) with(name string, k Kind, labels []string, f func(*series)) {
	labels = normalize(labels)
	key := name + "{" + strings.Join(labels, "\x00") + "}"
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.kinds[name]; !ok {
		r.kinds[name] = k
	}
	s := r.series[key]
	if s == nil {
		s = &series{name: name, labels: labels}
		r.series[key] = s
	}
	f(s)
}

// normalize sorts label pairs by key so that the order callers pass them in does not matter.
func normalize(labels []string) []string {
	if len(labels)%2 == 1 {
		labels = append(labels, "")
	}
	pairs := make([][2]string, 0, len(labels)/2)
	for i := 0; i < len(labels); i += 2 {
		pairs = append(pairs, [2]string{labels[i], labels[i+1]})
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i][0] < pairs[j][0] })
	out := make([]string, 0, len(labels))
	for _, p := range pairs {
		out = append(out, p[0], p[1])
	}
	return out
}

// Value returns a counter's total or gauge's value, or a histogram's count: for tests and the
// ops CLI.
func (r *Registry) Value(name string, labels ...string) float64 {
	key := name + "{" + strings.Join(normalize(labels), "\x00") + "}"
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.series[key]
	switch {
	case s == nil:
		return 0
	case r.kinds[name] == Histogram:
		return float64(s.n)
	}
	return s.value
}

// sorted returns the series ordered by name and labels, for stable output.
func (r *Registry) sorted() []*series {
	keys := make([]string, 0, len(r.series))
	for k := range r.series {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*series, len(keys))
	for i, k := range keys {
		out[i] = r.series[k]
	}
	return out
}
