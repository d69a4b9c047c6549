// Package health runs dependency checks for the readiness endpoint: every check concurrently,
// each with its own deadline, reporting status and latency.
package health

import (
	"context"
	"sync"
	"time"
)

// Status of one check or of the whole report.
type Status string

// Statuses, from best to worst.
const (
	OK       Status = "ok"
	Degraded Status = "degraded" // a fallback is serving (e.g. full-text instead of vectors)
	Down     Status = "down"
)

// Check probes one dependency. Probe returns a short detail ("embedded", "3 visible") or an
// error; a Required check that fails makes the platform not ready.
type Check struct {
	Name     string
	Required bool
	Probe    func(ctx context.Context) (detail string, err error)
}

// Result is one check's outcome.
type Result struct {
	Name      string  `json:"name"`
	Status    Status  `json:"status"`
	Required  bool    `json:"required"`
	LatencyMS float64 `json:"latency_ms"`
	Detail    string  `json:"detail,omitempty"`
	Error     string  `json:"error,omitempty"`
}

// Readiness is the outcome of every check.
type Readiness struct {
	Status Status   `json:"status"`
	Checks []Result `json:"checks"`
}

// Ready reports whether every required check passed.
func (r Readiness) Ready() bool { return r.Status != Down }

// Run runs the checks concurrently, each bounded by timeout, and keeps their order.
func Run(ctx context.Context, checks []Check, timeout time.Duration) Readiness {
	results := make([]Result, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = run(ctx, c, timeout)
		}()
	}
	wg.Wait()
	rep := Readiness{Status: OK, Checks: results}
	for _, r := range results {
		switch {
		case r.Status == Down && r.Required:
			rep.Status = Down
		case r.Status != OK && rep.Status == OK:
			rep.Status = Degraded
		}
	}
	return rep
}

func run(ctx context.Context, c Check, timeout time.Duration) Result {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	detail, err := c.Probe(ctx)
	r := Result{Name: c.Name, Status: OK, Required: c.Required, Detail: detail,
		LatencyMS: float64(time.Since(start).Microseconds()) / 1000}
	if err != nil {
		r.Status, r.Error = Down, err.Error()
		if !c.Required {
			r.Status = Degraded
		}
	}
	return r
}
