package lead

import (
	"context"
	"slices"
	"time"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/task"
)

// AMLRetentionYears is how long AML law (Federal Decree-Law 20/2018 and its implementing
// rules) requires records of a transaction and of the customer's identity to be kept.
const AMLRetentionYears = 5

const amlReason = "AML record keeping (5 years)"

// ErasedName replaces the name of an erased lead.
const ErasedName = "Erased lead"

// ErasureReport says what an erasure did: what was anonymised, and what is kept under legal
// hold, why and until when.
type ErasureReport struct {
	LeadID    string     `json:"lead_id"`
	Erased    []string   `json:"erased"`
	LegalHold *LegalHold `json:"legal_hold,omitempty"`
	ErasedAt  time.Time  `json:"erased_at"`
}

// LegalHold is personal data kept despite an erasure request because a law requires it.
type LegalHold struct {
	Fields []string `json:"fields"`
	Reason string   `json:"reason"`
	Until  string   `json:"until" format:"date" doc:"The day the hold ends (YYYY-MM-DD); erase again after it."`
}

// The lead fields an erasure touches, by their JSON names (which audit snapshots share).
var (
	identityFields = []string{"full_name", "phone_e164", "email", "nationality"}
	otherFields    = []string{"phone_raw", "preferences", "budget_min_aed", "budget_max_aed"}
	relatedFields  = []string{"activities.body", "tasks.title", "tasks.notes", "viewings.feedback",
		"nurture_outbox.recipient", "nurture_outbox.subject", "nurture_outbox.body"}
)

// ErasableFields lists everything an erasure without a legal hold clears: the lead's own
// columns by name, and the related tables' as table.column.
func ErasableFields() []string {
	return slices.Concat(identityFields, otherFields, relatedFields)
}

// Hold decides whether AML law defers the erasure of a lead's identity. A deal holds it when
// it closed won, carries an AML flag, or was created within the retention period; the hold
// lasts AMLRetentionYears after the deal closed, or from now while it is still open (the
// relationship continues). A closed deal whose retention has run out holds nothing.
func Hold(deals []DealFacts, now time.Time) (until time.Time, held bool) {
	for _, d := range deals {
		if d.Stage != "closed_won" && !d.AMLFlag && !d.CreatedAt.After(retained(now, -1)) {
			continue
		}
		end := retained(now, 1)
		if d.ClosedAt != nil {
			end = retained(*d.ClosedAt, 1)
		}
		if end.After(now) && end.After(until) {
			until, held = end, true
		}
	}
	return until, held
}

// retained moves t by the retention period, forwards (sign 1) or backwards (-1).
func retained(t time.Time, sign int) time.Time { return t.AddDate(sign*AMLRetentionYears, 0, 0) }

// PlanErasure anonymises l (and its merged duplicates the same way) and reports it. Under
// a legal hold the identity fields stay for the AML records and the deals are left alone;
// everything else personal goes.
func PlanErasure(l Lead, deals []DealFacts, now time.Time) (ErasureReport, Erasing) {
	until, held := Hold(deals, now)
	r := ErasureReport{LeadID: l.ID, ErasedAt: now}
	e := Erasing{KeepDeals: held}
	if held {
		r.LegalHold = &LegalHold{Fields: identityFields, Reason: amlReason, Until: until.UTC().Format(time.DateOnly)}
		e.LeadFields = otherFields
	} else {
		e.LeadFields = append(append([]string{}, identityFields...), otherFields...)
	}
	r.Erased = append(append([]string{}, e.LeadFields...), relatedFields...)
	if !held {
		r.Erased = append(r.Erased, "deals.parties")
	}
	return r, e
}

// Anonymise clears the fields of l an erasure names and stops every channel: a person who
// asked to be forgotten is not contacted again.
func Anonymise(l *Lead, fields []string, now time.Time) {
	for _, f := range fields {
		switch f {
		case "full_name":
			l.FullName = ErasedName
		case "phone_e164":
			l.Phone = ""
		case "phone_raw":
			l.PhoneRaw = ""
		case "email":
			l.Email = ""
		case "nationality":
			l.Nationality = ""
		case "preferences":
			l.Preferences = PropertyPreferences{}
		case "budget_min_aed":
			l.BudgetMin = nil
		case "budget_max_aed":
			l.BudgetMax = nil
		}
	}
	l.ConsentWhatsApp, l.WhatsAppOptInAt, l.ConsentEmail, l.ConsentSMS, l.DoNotCall = false, nil, false, false, true
	if l.EmailUnsubscribedAt == nil {
		l.EmailUnsubscribedAt = &now
	}
	l.ErasedAt = &now
}

// LeadExport is everything held about a person, for their PDPL rights of access and
// portability.
type LeadExport struct {
	ExportedAt  time.Time        `json:"exported_at"`
	Lead        Lead             `json:"lead"`
	MergedLeads []Lead           `json:"merged_leads" doc:"Duplicates folded into this lead."`
	Activities  []LeadActivity   `json:"activities"`
	Tasks       []task.Task      `json:"tasks"`
	Viewings    []map[string]any `json:"viewings"`
	Deals       []map[string]any `json:"deals" doc:"AML flags only for compliance officers."`
	Audit       []audit.Record   `json:"audit" doc:"Audit entries about the lead and its tasks."`
}

// Export gathers all personal data held about a lead (admins, and the agent or manager who
// owns it). AML flags stay out unless the caller sees them. The export itself is audited,
// with counts rather than the data.
func (s *Service) Export(ctx context.Context, a access.Actor, id string) (LeadExport, error) {
	var out LeadExport
	err := s.store.InTx(ctx, func(tx Tx) error {
		l, err := leadRecords.Visible(ctx, a, id, tx.Lead)
		if err != nil {
			return err
		}
		if a.Role != access.Admin && !a.CanWrite(l.BrokerageID, l.AgentID) {
			return apperr.New(apperr.Forbidden, "exports are for admins and the lead's own agent or manager")
		}
		merged, err := tx.MergedInto(ctx, a.BrokerageID, id)
		if err != nil {
			return err
		}
		recs, err := tx.Records(ctx, a.BrokerageID, leadIDs(l, merged), a.SeesAML())
		if err != nil {
			return err
		}
		out = LeadExport{ExportedAt: s.Now().UTC(), Lead: l, MergedLeads: merged, Activities: recs.Activities,
			Tasks: recs.Tasks, Viewings: recs.Viewings, Deals: recs.Deals, Audit: recs.Audit}
		return tx.Audit(ctx, entry(a.BrokerageID, a.UserID, "export", id, nil, map[string]int{
			"activities": len(out.Activities), "tasks": len(out.Tasks), "viewings": len(out.Viewings),
			"deals": len(out.Deals), "audit": len(out.Audit), "merged_leads": len(merged)}))
	})
	return out, err
}

// Erase anonymises a lead on the person's request (admins). Identity that AML record keeping
// requires is kept under a legal hold, reported with its end; everything else personal is
// cleared, in the lead, its merged duplicates, its timeline, tasks and viewings, and in the
// audit trail's earlier snapshots. The erasure's own audit entry holds no personal data.
// Erasing again after the hold ends completes it.
func (s *Service) Erase(ctx context.Context, a access.Actor, id string) (ErasureReport, error) {
	if err := a.Require(access.Admin); err != nil {
		return ErasureReport{}, err
	}
	var report ErasureReport
	err := s.store.InTx(ctx, func(tx Tx) error {
		l, err := leadRecords.Visible(ctx, a, id, tx.Lead)
		if err != nil {
			return err
		}
		if l.MergedInto != "" {
			return &apperr.Error{Code: apperr.Conflict, ExistingID: l.MergedInto,
				Message: "lead " + id + " was merged into " + l.MergedInto + "; erase that one"}
		}
		merged, err := tx.MergedInto(ctx, a.BrokerageID, id)
		if err != nil {
			return err
		}
		ids := leadIDs(l, merged)
		deals, err := tx.Deals(ctx, a.BrokerageID, ids)
		if err != nil {
			return err
		}
		now := s.Now().UTC()
		var plan Erasing
		report, plan = PlanErasure(l, deals, now)
		plan.LeadIDs = ids
		for _, x := range append([]Lead{l}, merged...) {
			Anonymise(&x, plan.LeadFields, now)
			if _, err := tx.Save(ctx, x); err != nil {
				return err
			}
		}
		if err := tx.Erase(ctx, a.BrokerageID, plan); err != nil {
			return err
		}
		return tx.Audit(ctx, entry(a.BrokerageID, a.UserID, "erase", id, nil, report))
	})
	return report, err
}

func leadIDs(l Lead, merged []Lead) []string {
	ids := []string{l.ID}
	for _, m := range merged {
		ids = append(ids, m.ID)
	}
	return ids
}
