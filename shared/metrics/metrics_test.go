package metrics_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/metrics"
)

func TestPrometheusText(t *testing.T) {
	r := metrics.New()
	r.Inc(metrics.APIRequests, "status", "200", "route", "GET /v1/leads")
	r.Inc(metrics.APIRequests, "route", "GET /v1/leads", "status", "200")
	r.Set(metrics.QueueVisible, 3, "queue", "ingest")
	r.Observe(metrics.APILatency, 0.02, "route", "GET /v1/leads")
	var b bytes.Buffer
	r.WritePrometheus(&b)
	for _, want := range []string{
		"# TYPE api_requests_total counter\n",
		`api_requests_total{route="GET /v1/leads",status="200"} 2` + "\n",
		`queue_messages_visible{queue="ingest"} 3` + "\n",
		`api_request_duration_seconds_bucket{route="GET /v1/leads",le="0.01"} 0` + "\n",
		`api_request_duration_seconds_bucket{route="GET /v1/leads",le="0.025"} 1` + "\n",
		`api_request_duration_seconds_bucket{route="GET /v1/leads",le="+Inf"} 1` + "\n",
		`api_request_duration_seconds_count{route="GET /v1/leads"} 1` + "\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %q in\n%s", want, b.String())
		}
	}
}

func TestEMFFlushesDeltasOnce(t *testing.T) {
	r := metrics.New()
	r.Add(metrics.TaskRuns, 2, "function", "task-ingest", "outcome", "success")
	r.Observe(metrics.TaskDuration, 0.5, "function", "task-ingest")
	var b bytes.Buffer
	if err := r.FlushEMF(&b, "task-ingest", time.Unix(1700000000, 0)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("lines = %d:\n%s", len(lines), b.String())
	}
	var line struct {
		AWS struct {
			Timestamp         int64
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		} `json:"_aws"`
		Function string  `json:"function"`
		Runs     float64 `json:"task_runs_total"`
	}
	if err := json.Unmarshal([]byte(lines[1]), &line); err != nil {
		t.Fatal(err)
	}
	cw := line.AWS.CloudWatchMetrics[0]
	if line.AWS.Timestamp != 1700000000000 || cw.Namespace != metrics.Namespace || line.Runs != 2 ||
		line.Function != "task-ingest" || cw.Metrics[0].Name != metrics.TaskRuns ||
		strings.Join(cw.Dimensions[0], ",") != "service,function,outcome" {
		t.Fatalf("EMF line = %s", lines[1])
	}
	b.Reset()
	r.FlushEMF(&b, "task-ingest", time.Now())
	if b.Len() != 0 {
		t.Fatalf("second flush repeated figures: %s", b.String())
	}
}
