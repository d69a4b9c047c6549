package api

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/platform"
)

// Lazy builds a service once, on first use: while the OpenAPI document is being built there
// is no boot and nothing must be built.
func Lazy[T any](b *platform.Boot, build func(*platform.Boot) T) func() T {
	return sync.OnceValue(func() T { return build(b) })
}

// ETag renders a row version as a strong ETag.
func ETag(version int) string { return fmt.Sprintf(`"%d"`, version) }

// IfMatch parses an If-Match header ("3", W/"3" or 3) into a version; 0 when absent.
func IfMatch(h string) (int, error) {
	h = strings.TrimSpace(h)
	if h == "" || h == "*" {
		return 0, nil
	}
	v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || v <= 0 {
		return 0, apperr.Validation(apperr.FieldError{Field: "If-Match", Message: "must be an ETag returned by this API", Value: h})
	}
	return v, nil
}
