package vector

import (
	"fmt"
	"math"

	"github.com/propertypro/propertypro/shared/apperr"
)

// MaxDims bounds the dimensions of a collection; the largest embedding models in use produce
// 3072, and the bound keeps a typo from allocating gigabytes.
const MaxDims = 8192

// ValidateCollectionName accepts 3 to 63 characters of letters, digits, '.', '_' and '-',
// starting and ending with a letter or digit: names every backend accepts and that are safe as
// file names.
func ValidateCollectionName(name string) error {
	if len(name) < 3 || len(name) > 63 {
		return apperr.New(apperr.Invalid, "collection name %q must have 3 to 63 characters", name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		edge := i == 0 || i == len(name)-1
		if !alnum && (edge || c != '.' && c != '_' && c != '-') {
			return apperr.New(apperr.Invalid, "collection name %q: letters, digits, '.', '_' and '-' only, "+
				"starting and ending with a letter or digit", name)
		}
	}
	return nil
}

// ValidateDims accepts dimensions from 1 to MaxDims.
func ValidateDims(dims int) error {
	if dims < 1 || dims > MaxDims {
		return apperr.New(apperr.Invalid, "vector dimensions must be between 1 and %d, got %d", MaxDims, dims)
	}
	return nil
}

// ValidateVector checks that v has dims finite components and is not all zeros, since cosine
// similarity of a zero vector is undefined.
func ValidateVector(v []float32, dims int) error {
	if len(v) != dims {
		return apperr.New(apperr.Invalid, "vector has %d dimensions, the collection has %d", len(v), dims)
	}
	var sum float64
	for _, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return apperr.New(apperr.Invalid, "vector has a NaN or infinite component")
		}
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		return apperr.New(apperr.Invalid, "vector is all zeros")
	}
	return nil
}

// ValidateItems checks a batch for Upsert: non-empty unique ids, valid vectors of dims
// dimensions and scalar metadata under valid keys.
func ValidateItems(items []Item, dims int) error {
	seen := make(map[string]struct{}, len(items))
	for i, it := range items {
		if it.ID == "" {
			return apperr.New(apperr.Invalid, "item %d has an empty id", i)
		}
		if _, dup := seen[it.ID]; dup {
			return apperr.New(apperr.Invalid, "id %q appears twice in one upsert", it.ID)
		}
		seen[it.ID] = struct{}{}
		if err := ValidateVector(it.Vector, dims); err != nil {
			return apperr.Wrap(err, apperr.Invalid, "item %q: %s", it.ID, apperr.As(err).Message)
		}
		if err := validateMetadata(it.Metadata); err != nil {
			return apperr.Wrap(err, apperr.Invalid, "item %q: %v", it.ID, err)
		}
	}
	return nil
}

func validateMetadata(md map[string]any) error {
	for k, v := range md {
		if err := validateKey(k); err != nil {
			return err
		}
		if _, ok := Scalar(v); !ok {
			return fmt.Errorf("metadata %q is %T; only strings, finite numbers and booleans are stored", k, v)
		}
	}
	return nil
}

// ValidateQuery checks a query against a collection of dims dimensions.
func ValidateQuery(q Query, dims int) error {
	if q.TopK < 1 {
		return apperr.New(apperr.Invalid, "top k must be at least 1, got %d", q.TopK)
	}
	if err := ValidateVector(q.Vector, dims); err != nil {
		return err
	}
	return q.Where.Validate()
}

// ValidateDelete rejects a delete with neither ids nor a filter, and a malformed filter.
func ValidateDelete(ids []string, where Filter) error {
	if len(ids) == 0 && len(where) == 0 {
		return apperr.New(apperr.Invalid, "delete needs ids or a filter")
	}
	return where.Validate()
}

// NormalizeMetadata returns a copy of md with numbers as float64, the form every Store hands
// back. It assumes md passed ValidateItems.
func NormalizeMetadata(md map[string]any) map[string]any {
	if len(md) == 0 {
		return nil
	}
	out := make(map[string]any, len(md))
	for k, v := range md {
		out[k], _ = Scalar(v)
	}
	return out
}

// Normalize scales v to unit length in place and returns its original length, so that cosine
// similarity becomes a dot product.
func Normalize(v []float32) float32 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	n := math.Sqrt(sum)
	if n == 0 {
		return 0
	}
	inv := float32(1 / n)
	for i := range v {
		v[i] *= inv
	}
	return float32(n)
}
