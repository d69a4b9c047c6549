package ingest

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The hand-written documents must read back exactly as encoding/json's would.
func TestJSONRowsMatchEncodingJSON(t *testing.T) {
	values := []string{"", "plain", `quo"te`, `back\slash`, "new\nline\ttab\x00nul\x1f", "شامخ آل علي",
		"emoji 🏠", "bad \xff\xfe utf8", "<html>&amp;", "\u2028\u2029"}
	for _, v := range values {
		var got, want map[string]string
		mustRoundTrip(t, jsonStrings("buyer", v, "notes", v), &got)
		b, _ := json.Marshal(map[string]string{"buyer": v, "notes": v})
		mustRoundTrip(t, string(b), &want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("jsonStrings(%q) reads back as %q, encoding/json as %q", v, got, want)
		}
	}
	for _, amount := range []float64{0, 1, 2.5, 11923882, 1e11, 0.1 + 0.2} {
		var got []map[string]any
		mustRoundTrip(t, jsonPayment("cash", amount), &got)
		if len(got) != 1 || got[0]["method"] != "cash" || got[0]["amount_aed"] != amount {
			t.Errorf("jsonPayment(cash, %v) reads back as %v", amount, got)
		}
	}
}

func FuzzJSONStrings(f *testing.F) {
	f.Add("a", "b\"\\\x01\xff")
	f.Fuzz(func(t *testing.T, k, v string) {
		var got, want map[string]string
		mustRoundTrip(t, jsonStrings(k, v), &got)
		b, _ := json.Marshal(map[string]string{k: v})
		mustRoundTrip(t, string(b), &want)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("jsonStrings(%q, %q) = %q, encoding/json reads %q", k, v, got, want)
		}
	})
}

func mustRoundTrip(t *testing.T, doc string, into any) {
	t.Helper()
	if err := json.Unmarshal([]byte(doc), into); err != nil {
		t.Fatalf("not valid JSON: %s: %v", doc, err)
	}
}
