// Package audit describes the trail every write leaves: who, when, what, before and after.
package audit

import (
	"encoding/json"
	"strings"
	"time"
)

// Entry is one audited action.
type Entry struct {
	BrokerageID string
	ActorID     string
	Action      string // create, update, delete, login, logout, erase, export, ...
	Entity      string // listing, lead, user, ...
	EntityID    string
	Before      any
	After       any
	RequestID   string
	At          time.Time
}

// Record is a stored entry as the audit API shows it.
type Record struct {
	ID          int64           `json:"id"`
	BrokerageID string          `json:"brokerage_id"`
	ActorID     string          `json:"actor_id,omitempty"`
	Action      string          `json:"action"`
	Entity      string          `json:"entity"`
	EntityID    string          `json:"entity_id"`
	Before      json.RawMessage `json:"before,omitempty"`
	After       json.RawMessage `json:"after,omitempty"`
	RequestID   string          `json:"request_id,omitempty"`
	At          time.Time       `json:"at"`
}

// Filter narrows an audit listing.
type Filter struct {
	ActorID  string
	Entity   string
	EntityID string
	Action   string
	From, To time.Time
	Limit    int
	BeforeID int64 // cursor: entries older than this id
}

// secretKeys are snapshot fields that never enter the trail.
var secretKeys = []string{"password", "hash", "token", "secret"}

// Snapshot renders v as JSON with secret fields removed (recursively).
func Snapshot(v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return raw, nil
	}
	return json.Marshal(scrub(generic))
}

func scrub(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if isSecret(k) {
				t[k] = "[REDACTED]"
			} else {
				t[k] = scrub(val)
			}
		}
	case []any:
		for i := range t {
			t[i] = scrub(t[i])
		}
	}
	return v
}

func isSecret(key string) bool {
	k := strings.ToLower(key)
	for _, s := range secretKeys {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}
