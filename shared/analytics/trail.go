package analytics

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/page"
)

// Trail reads the audit trail of a brokerage, newest first.
type Trail interface {
	// ListAudit returns up to f.Limit entries with ids below f.BeforeID (when set).
	ListAudit(ctx context.Context, brokerageID string, f audit.Filter) ([]audit.Record, error)
}

// AuditQuery is an audit listing as a client asks for it.
type AuditQuery struct {
	ActorID  string
	Entity   string
	EntityID string
	Action   string
	From, To time.Time
	Cursor   string
	Limit    int
}

// auditSort is the one order of the trail: newest (highest id) first.
var auditSort = page.Sort{Field: "id", Desc: true}

// AuditTrail lists the brokerage's audit entries (admins only). Secrets were removed when
// the entries were written; AML screens are removed here for anyone but a compliance
// officer, so the trail cannot tip anyone off either.
func (s *Service) AuditTrail(ctx context.Context, a access.Actor, q AuditQuery) (page.Result[audit.Record], error) {
	if err := a.Require(access.Admin); err != nil {
		return page.Result[audit.Record]{}, err
	}
	req := page.Request{Cursor: q.Cursor, Limit: q.Limit, Sort: auditSort}
	after, err := req.Decode()
	if err != nil {
		return page.Result[audit.Record]{}, err
	}
	f := audit.Filter{ActorID: q.ActorID, Entity: q.Entity, EntityID: q.EntityID, Action: q.Action,
		From: q.From, To: q.To, Limit: req.Size() + 1}
	if after != nil {
		if f.BeforeID, err = strconv.ParseInt(after.ID, 10, 64); err != nil {
			return page.Result[audit.Record]{}, apperr.Validation(apperr.FieldError{Field: "cursor", Message: "is not a cursor of this list"})
		}
	}
	recs, err := s.trail.ListAudit(ctx, a.BrokerageID, f)
	if err != nil {
		return page.Result[audit.Record]{}, err
	}
	if !a.SeesAML() {
		for i := range recs {
			recs[i].Before, recs[i].After = WithoutAML(recs[i].Before), WithoutAML(recs[i].After)
		}
	}
	return page.Trim(recs, req, func(r audit.Record) (string, string) { return "", strconv.FormatInt(r.ID, 10) }), nil
}

// WithoutAML removes every "aml…" key from a JSON snapshot, at any depth.
func WithoutAML(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || !bytes.Contains(bytes.ToLower(raw), []byte("aml")) {
		return raw
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // amounts stay exactly as written
	var v any
	if err := dec.Decode(&v); err != nil {
		return json.RawMessage(`null`)
	}
	out, err := json.Marshal(dropAML(v))
	if err != nil {
		return json.RawMessage(`null`)
	}
	return out
}

func dropAML(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if strings.HasPrefix(strings.ToLower(k), "aml") {
				delete(t, k)
			} else {
				t[k] = dropAML(val)
			}
		}
	case []any:
		for i := range t {
			t[i] = dropAML(t[i])
		}
	}
	return v
}
