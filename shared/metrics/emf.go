package metrics

import (
	"encoding/json"
	"io"
	"time"
)

// Namespace is the CloudWatch namespace of every EMF metric; the CDK dashboards read it.
const Namespace = "PropertyPro"

// FlushEMF writes one CloudWatch Embedded Metric Format line per series that changed since the
// last flush and forgets those changes. Lambda calls it after each invocation: CloudWatch Logs
// turns the lines into metrics without any API call on the request path. service is added as
// a dimension so each function's figures stay apart.
func (r *Registry) FlushEMF(w io.Writer, service string, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.sorted() {
		line, ok := r.emfLine(s, service, now)
		if !ok {
			continue
		}
		b, err := json.Marshal(line)
		if err != nil {
			return err
		}
		if _, err := w.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	return nil
}

func (r *Registry) emfLine(s *series, service string, now time.Time) (map[string]any, bool) {
	kind := r.kinds[s.name]
	unit := "Count"
	var value any
	switch {
	case kind == Counter && s.delta != 0:
		value, s.delta = s.delta, 0
	case kind != Counter && len(s.pending) > 0:
		value, s.pending = append([]float64(nil), s.pending...), s.pending[:0]
		if kind == Histogram {
			unit = "Seconds"
		} else {
			unit = "None"
		}
	default:
		return nil, false
	}
	dims := []string{"service"}
	line := map[string]any{"service": service, s.name: value}
	for i := 0; i < len(s.labels); i += 2 {
		dims = append(dims, s.labels[i])
		line[s.labels[i]] = s.labels[i+1]
	}
	line["_aws"] = map[string]any{
		"Timestamp": now.UnixMilli(),
		"CloudWatchMetrics": []any{map[string]any{
			"Namespace":  Namespace,
			"Dimensions": [][]string{dims},
			"Metrics":    []any{map[string]string{"Name": s.name, "Unit": unit}},
		}},
	}
	return line, true
}
