package stack

import (
	"encoding/json"
	"strings"
	"testing"
)

// With tracing=xray every function runs with Lambda active tracing, the ADOT collector layer
// and the OTLP exporter pointed at it; by default no function exports spans.
func TestTracingToXRay(t *testing.T) {
	p := testProps(t, Staging, testManifest())
	p.Tracing = TracingXRay
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	traced := synthesize(t, New(newTestApp(t, nil), StackName(Staging), p)).all
	fns := ourFunctions(t, traced, Staging)
	if len(fns) != len(p.Functions) {
		t.Fatalf("%d functions in the template, %d in the manifest", len(fns), len(p.Functions))
	}
	for name, r := range fns {
		fp := props(r)
		if mode, _ := fp["TracingConfig"].(map[string]any); mode["Mode"] != "Active" {
			t.Errorf("%s: TracingConfig %v, want Active", name, fp["TracingConfig"])
		}
		if !strings.Contains(toJSON(t, fp["Layers"]), "aws-otel-collector-arm64") {
			t.Errorf("%s: layers %v, want the ADOT collector", name, fp["Layers"])
		}
		env := environmentOf(fp)
		if env["OTEL_TRACES_EXPORTER"] != "otlp" || env["OTEL_EXPORTER_OTLP_ENDPOINT"] != adotCollectorEndpoint {
			t.Errorf("%s: exporter %v → %v", name, env["OTEL_TRACES_EXPORTER"], env["OTEL_EXPORTER_OTLP_ENDPOINT"])
		}
	}
	for name, r := range ourFunctions(t, synthCases[2].template(t), Staging) {
		if fp := props(r); fp["TracingConfig"] != nil || environmentOf(fp)["OTEL_TRACES_EXPORTER"] != nil {
			t.Errorf("%s: traced without tracing being asked for", name)
		}
	}
}

func TestTracingSettingsAreValidated(t *testing.T) {
	for _, c := range []struct{ tracing, endpoint string }{{"jaeger", ""}, {TracingOTLP, ""}, {TracingOTLP, "http://collector:4318"}} {
		p := testProps(t, Dev, testManifest())
		p.Tracing, p.OTLPEndpoint = c.tracing, c.endpoint
		if err := p.Validate(); err == nil {
			t.Errorf("tracing=%q otlpEndpoint=%q accepted", c.tracing, c.endpoint)
		}
	}
}

func environmentOf(fp map[string]any) map[string]any {
	e, _ := fp["Environment"].(map[string]any)
	v, _ := e["Variables"].(map[string]any)
	return v
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
