package postgres

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/lead"
	"github.com/propertypro/propertypro/shared/page"
)

const activityColumns = `a.id, a.entity_id::text, coalesce(a.actor_id::text, ''), a.kind, a.body, a.at`

func collectActivities(rows pgx.Rows, err error) ([]lead.LeadActivity, error) {
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (lead.LeadActivity, error) {
		var a lead.LeadActivity
		err := r.Scan(&a.ID, &a.LeadID, &a.ActorID, &a.Kind, &a.Body, &a.At)
		return a, err
	})
	if out == nil {
		out = []lead.LeadActivity{}
	}
	return out, err
}

// AddActivity records an entry on a lead's timeline; a zero At means now.
func (t *leadTx) AddActivity(ctx context.Context, a lead.LeadActivity, brokerageID string) (lead.LeadActivity, error) {
	var at any
	if !a.At.IsZero() {
		at = a.At
	}
	rows, err := t.tx.Query(ctx, `INSERT INTO activities AS a (brokerage_id, actor_id, entity, entity_id, kind, body, at)
		VALUES ($1, NULLIF($2::text, '')::uuid, 'lead', $3::uuid, $4, $5, coalesce($6::timestamptz, now()))
		RETURNING `+activityColumns, brokerageID, a.ActorID, a.LeadID, string(a.Kind), a.Body, at)
	out, err := collectActivities(rows, err)
	if err != nil {
		return lead.LeadActivity{}, InvalidInput(err)
	}
	return out[0], nil
}

// listActivities is one page of a lead's timeline, ordered by time then id, limit+1 rows.
func listActivities(ctx context.Context, q Querier, brokerageID, leadID string, p page.Request) ([]lead.LeadActivity, error) {
	if p.Sort.Field != "at" {
		return nil, apperr.Validation(apperr.FieldError{Field: "sort", Message: "must be at or -at"})
	}
	args := &leadArgs{}
	where := "a.brokerage_id = " + args.add(brokerageID, "uuid") + " AND a.entity = 'lead' AND a.entity_id = " +
		args.add(leadID, "uuid")
	cond, order, err := leadKeyset(args, "a.at", "timestamptz", "a.id", "bigint", p)
	if err != nil {
		return nil, err
	}
	if pos, _ := p.Decode(); pos != nil {
		if _, err := strconv.ParseInt(pos.ID, 10, 64); err != nil {
			return nil, apperr.Validation(apperr.FieldError{Field: "cursor", Message: "is not a cursor of this list"})
		}
	}
	rows, err := collectActivities(q.Query(ctx, `SELECT `+activityColumns+` FROM activities a WHERE `+where+` AND `+cond+
		` ORDER BY `+order+` LIMIT `+args.add(p.Size()+1, "int"), *args...))
	return rows, InvalidInput(err)
}

// activitiesOf is the whole timeline of several leads, oldest first, for export.
func activitiesOf(ctx context.Context, q Querier, brokerageID string, leadIDs []string) ([]lead.LeadActivity, error) {
	return collectActivities(q.Query(ctx, `SELECT `+activityColumns+` FROM activities a
		WHERE a.brokerage_id = $1 AND a.entity = 'lead' AND a.entity_id::text = ANY($2::text[]) ORDER BY a.at, a.id`,
		brokerageID, leadIDs))
}
