package metrics

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// WritePrometheus writes every series in the Prometheus text exposition format (0.0.4).
func (r *Registry) WritePrometheus(w io.Writer) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := map[string]bool{}
	var b strings.Builder
	for _, s := range r.sorted() {
		k := r.kinds[s.name]
		if !seen[s.name] {
			seen[s.name] = true
			fmt.Fprintf(&b, "# TYPE %s %s\n", s.name, [...]string{"counter", "gauge", "histogram"}[k])
		}
		if k != Histogram {
			fmt.Fprintf(&b, "%s%s %s\n", s.name, promLabels(s.labels), num(s.value))
			continue
		}
		var cum uint64
		for i, c := range s.counts {
			cum += c
			le := "+Inf"
			if i < len(Buckets) {
				le = num(Buckets[i])
			}
			fmt.Fprintf(&b, "%s_bucket%s %d\n", s.name, promLabels(append(append([]string{}, s.labels...), "le", le)), cum)
		}
		fmt.Fprintf(&b, "%s_sum%s %s\n%s_count%s %d\n", s.name, promLabels(s.labels), num(s.sum),
			s.name, promLabels(s.labels), s.n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Handler serves the registry at /metrics; collect, when set, refreshes gauges (queue depths)
// just before each scrape so they are never stale.
func (r *Registry) Handler(collect func(*http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if collect != nil {
			collect(req)
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		r.WritePrometheus(w)
	})
}

func promLabels(l []string) string {
	if len(l) == 0 {
		return ""
	}
	parts := make([]string, 0, len(l)/2)
	for i := 0; i < len(l); i += 2 {
		parts = append(parts, l[i]+"="+strconv.Quote(l[i+1]))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
