package vector_test

import (
	"math"
	"testing"

	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/vector"
)

func TestFilterMatches(t *testing.T) {
	md := map[string]any{"brokerage_id": "b1", "visibility": "team", "price": 2_000_000.0, "beds": 2.0, "furnished": false}
	tests := []struct {
		name  string
		where vector.Filter
		want  bool
	}{
		{"empty matches all", nil, true},
		{"eq", vector.Filter{vector.Eq("brokerage_id", "b1")}, true},
		{"eq other", vector.Filter{vector.Eq("brokerage_id", "b2")}, false},
		{"eq int against float", vector.Filter{vector.Eq("beds", 2)}, true},
		{"eq string against number", vector.Filter{vector.Eq("beds", "2")}, false},
		{"eq bool", vector.Filter{vector.Eq("furnished", false)}, true},
		{"eq missing", vector.Filter{vector.Eq("colour", "red")}, false},
		{"ne", vector.Filter{vector.Ne("visibility", "private")}, true},
		{"ne same", vector.Filter{vector.Ne("visibility", "team")}, false},
		{"ne missing", vector.Filter{vector.Ne("colour", "red")}, true},
		{"in", vector.Filter{vector.InStrings("visibility", []string{"public", "team"})}, true},
		{"in none", vector.Filter{vector.In("visibility", "public", "private")}, false},
		{"in missing", vector.Filter{vector.In("colour", "red")}, false},
		{"gte", vector.Filter{vector.Gte("price", 2_000_000)}, true},
		{"gte above", vector.Filter{vector.Gte("price", 2_000_001)}, false},
		{"lte", vector.Filter{vector.Lte("price", int64(2_000_000))}, true},
		{"lte on string", vector.Filter{vector.Lte("visibility", 5)}, false},
		{"range", vector.Filter{vector.Gte("beds", 1), vector.Lte("beds", 3)}, true},
		{"and fails on one", vector.Filter{vector.Eq("brokerage_id", "b1"), vector.Eq("beds", 3)}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.where.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if got := tc.where.Matches(md); got != tc.want {
				t.Fatalf("Matches = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFilterValidate(t *testing.T) {
	tests := []struct {
		name  string
		where vector.Filter
	}{
		{"empty field", vector.Filter{vector.Eq("", "x")}},
		{"reserved field", vector.Filter{vector.Eq("$and", "x")}},
		{"internal field", vector.Filter{vector.Eq("#document", "x")}},
		{"unknown op", vector.Filter{{Field: "a", Op: "$gt", Value: 1}}},
		{"nil value", vector.Filter{vector.Eq("a", nil)}},
		{"slice value", vector.Filter{vector.Eq("a", []int{1})}},
		{"NaN", vector.Filter{vector.Gte("a", math.NaN())}},
		{"range on string", vector.Filter{vector.Lte("a", "z")}},
		{"empty in", vector.Filter{vector.In("a")}},
		{"mixed in", vector.Filter{vector.In("a", "x", 1)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.where.Validate(); apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("Validate = %v, want invalid", err)
			}
		})
	}
}

func TestValidateCollectionName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"documents", true},
		{"knowledge_gemini-embedding-001.v1", true},
		{"abc", true},
		{"ab", false},
		{"-leading", false},
		{"trailing.", false},
		{"has space", false},
		{"../up", false},
		{"a/b/c", false},
		{"مستندات", false},
		{string(make([]byte, 64)), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := vector.ValidateCollectionName(tc.name)
			if (err == nil) != tc.ok {
				t.Fatalf("ValidateCollectionName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
			}
		})
	}
}

func TestValidateItems(t *testing.T) {
	ok := vector.Item{ID: "a", Vector: []float32{1, 0}, Metadata: map[string]any{"n": uint8(3), "s": "x", "b": true}}
	if err := vector.ValidateItems([]vector.Item{ok}, 2); err != nil {
		t.Fatalf("valid item rejected: %v", err)
	}
	bad := []struct {
		name string
		it   vector.Item
	}{
		{"empty id", vector.Item{Vector: []float32{1, 0}}},
		{"dims", vector.Item{ID: "a", Vector: []float32{1}}},
		{"zero", vector.Item{ID: "a", Vector: []float32{0, 0}}},
		{"inf", vector.Item{ID: "a", Vector: []float32{float32(math.Inf(1)), 0}}},
		{"map metadata", vector.Item{ID: "a", Vector: []float32{1, 0}, Metadata: map[string]any{"m": map[string]any{}}}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if err := vector.ValidateItems([]vector.Item{tc.it}, 2); apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("ValidateItems = %v, want invalid", err)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	v := []float32{3, 4}
	if n := vector.Normalize(v); n != 5 || v[0] != 0.6 || v[1] != 0.8 {
		t.Fatalf("Normalize = %v, %v", n, v)
	}
	md := vector.NormalizeMetadata(map[string]any{"i": 7, "f": float32(1.5), "s": "x"})
	if md["i"] != 7.0 || md["f"] != 1.5 || md["s"] != "x" {
		t.Fatalf("NormalizeMetadata = %#v", md)
	}
}
