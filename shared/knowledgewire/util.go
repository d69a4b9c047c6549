package knowledgewire

import (
	"encoding/json"
	"io"

	"github.com/propertypro/propertypro/shared/apperr"
)

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// readAll reads at most limit bytes, refusing a longer body rather than truncating it.
func readAll(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, apperr.New(apperr.Invalid, "the object is larger than MAX_FILE_SIZE (%d bytes)", limit)
	}
	return data, nil
}
