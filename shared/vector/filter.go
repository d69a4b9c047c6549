package vector

import (
	"fmt"
	"math"
	"strings"

	"github.com/propertypro/propertypro/shared/apperr"
)

// Op is a comparison of one metadata field; the names are Chroma's, so that the Chroma adapter
// passes them through unchanged.
type Op string

// The operators a Condition may use.
const (
	OpEq  Op = "$eq"  // the field is present and equal to Value
	OpNe  Op = "$ne"  // the field is absent or differs from Value
	OpIn  Op = "$in"  // the field is present and equal to one of Values
	OpGte Op = "$gte" // the field is a number ≥ Value
	OpLte Op = "$lte" // the field is a number ≤ Value
)

// Condition compares one metadata field. Value is used by every operator but OpIn, which uses
// Values.
type Condition struct {
	Field  string
	Op     Op
	Value  any
	Values []any
}

// Filter is a conjunction: an item matches when it meets every condition. The empty filter
// matches everything. Retrieval relies on the conjunction to scope every query to one
// brokerage and to the visibility levels the caller's role may see.
type Filter []Condition

// Eq matches items whose field equals v.
func Eq(field string, v any) Condition { return Condition{Field: field, Op: OpEq, Value: v} }

// Ne matches items whose field differs from v or is absent (as Chroma does).
func Ne(field string, v any) Condition { return Condition{Field: field, Op: OpNe, Value: v} }

// In matches items whose field equals one of vs.
func In(field string, vs ...any) Condition { return Condition{Field: field, Op: OpIn, Values: vs} }

// InStrings is In for a slice of strings, the usual shape of allowed visibility levels.
func InStrings(field string, vs []string) Condition {
	values := make([]any, len(vs))
	for i, v := range vs {
		values[i] = v
	}
	return In(field, values...)
}

// Gte matches items whose numeric field is at least v.
func Gte(field string, v any) Condition { return Condition{Field: field, Op: OpGte, Value: v} }

// Lte matches items whose numeric field is at most v.
func Lte(field string, v any) Condition { return Condition{Field: field, Op: OpLte, Value: v} }

// Validate reports the first malformed condition as an apperr invalid error: an empty or
// reserved field name, an unknown operator, a non-scalar value, a range bound that is not a
// number, an empty or mixed-kind $in list.
func (f Filter) Validate() error {
	for i, c := range f {
		if err := c.validate(); err != nil {
			return apperr.Wrap(err, apperr.Invalid, "vector filter condition %d: %v", i, err)
		}
	}
	return nil
}

func (c Condition) validate() error {
	if err := validateKey(c.Field); err != nil {
		return err
	}
	switch c.Op {
	case OpEq, OpNe:
		_, ok := Scalar(c.Value)
		if !ok {
			return fmt.Errorf("%s on %q needs a string, number or boolean, got %T", c.Op, c.Field, c.Value)
		}
	case OpGte, OpLte:
		v, _ := Scalar(c.Value)
		if _, ok := v.(float64); !ok {
			return fmt.Errorf("%s on %q needs a number, got %T", c.Op, c.Field, c.Value)
		}
	case OpIn:
		return validateIn(c)
	default:
		return fmt.Errorf("unknown operator %q on %q", c.Op, c.Field)
	}
	return nil
}

func validateIn(c Condition) error {
	if len(c.Values) == 0 {
		return fmt.Errorf("$in on %q needs at least one value", c.Field)
	}
	var first string
	for _, raw := range c.Values {
		v, ok := Scalar(raw)
		if !ok {
			return fmt.Errorf("$in on %q needs strings, numbers or booleans, got %T", c.Field, raw)
		}
		kind := fmt.Sprintf("%T", v)
		if first == "" {
			first = kind
		} else if kind != first {
			return fmt.Errorf("$in on %q mixes kinds of values", c.Field)
		}
	}
	return nil
}

// Matches evaluates the filter on one item's metadata, with the semantics a Chroma server
// applies, so that the embedded store and Chroma return the same items.
func (f Filter) Matches(metadata map[string]any) bool {
	for _, c := range f {
		if !c.matches(metadata) {
			return false
		}
	}
	return true
}

func (c Condition) matches(metadata map[string]any) bool {
	got, present := metadata[c.Field]
	switch c.Op {
	case OpEq:
		return present && equal(got, c.Value)
	case OpNe:
		return !present || !equal(got, c.Value)
	case OpIn:
		for _, v := range c.Values {
			if present && equal(got, v) {
				return true
			}
		}
		return false
	case OpGte, OpLte:
		a, aok := number(got)
		b, bok := number(c.Value)
		if !present || !aok || !bok {
			return false
		}
		if c.Op == OpGte {
			return a >= b
		}
		return a <= b
	}
	return false
}

// equal compares two metadata values without boxing: the filter runs once per row of a scan,
// so an allocation here would dominate a filtered query.
func equal(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	}
	fa, aok := number(a)
	fb, bok := number(b)
	return aok && bok && fa == fb
}

// number returns v as a float64 when it is any Go integer or float type.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case float32:
		return float64(x), true
	case int32:
		return float64(x), true
	case int16:
		return float64(x), true
	case int8:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint64:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint8:
		return float64(x), true
	}
	return 0, false
}

// Scalar normalises a metadata value: every Go integer and float type becomes float64, strings
// and booleans stay as they are. ok is false for any other type (nil, slices, maps, ...) and
// for NaN and infinities, which no backend can store or compare.
func Scalar(v any) (any, bool) {
	switch x := v.(type) {
	case string, bool:
		return x, true
	}
	f, ok := number(v)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, false
	}
	return f, true
}

// validateKey rejects names Chroma reserves for its own use ($ operators, # internal keys).
func validateKey(key string) error {
	if key == "" {
		return fmt.Errorf("empty metadata key")
	}
	if strings.HasPrefix(key, "$") || strings.HasPrefix(key, "#") {
		return fmt.Errorf("metadata key %q may not start with $ or #", key)
	}
	return nil
}
