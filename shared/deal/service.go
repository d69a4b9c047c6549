package deal

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/page"
)

// Scope is the slice of a brokerage's records a caller sees: the owners listed, or every
// owner when Owners is nil; Unassigned adds records that have no owner yet.
type Scope struct {
	Owners     []string
	Unassigned bool
}

// ScopeOf is the scope of an actor, the same rule as access.Actor.CanSee.
func ScopeOf(a access.Actor) Scope {
	return Scope{Owners: a.Owners(), Unassigned: a.Role == access.Manager}
}

// Store keeps deals. Reads answer not_found for another brokerage's or a deleted deal.
type Store interface {
	CreateDeal(ctx context.Context, d Deal, e audit.Entry) (Deal, error)
	Deal(ctx context.Context, brokerageID, id string) (Deal, error)
	ListDeals(ctx context.Context, brokerageID string, f Filter) ([]Deal, error)
	// UpdateDeal writes d if its version is still expectVersion, else precondition_failed.
	UpdateDeal(ctx context.Context, d Deal, expectVersion int, e audit.Entry) (Deal, error)
	DeleteDeal(ctx context.Context, d Deal, e audit.Entry) error
}

// Directory answers who owns the records a deal or viewing points at.
type Directory interface {
	// LeadOwner returns the agent of a live lead of the brokerage ("" when unassigned), or
	// not_found.
	LeadOwner(ctx context.Context, brokerageID, leadID string) (string, error)
	// ListingOwner returns the agent of a live listing of the brokerage, or not_found.
	ListingOwner(ctx context.Context, brokerageID, listingID string) (string, error)
	// Assignable reports whether id is an active agent, manager or admin of the brokerage:
	// someone who can own a deal or show a property.
	Assignable(ctx context.Context, brokerageID, id string) (bool, error)
}

// Filter narrows a deal listing.
type Filter struct {
	Scope      Scope
	Stage      Stage
	Kind       Kind
	AgentID    string
	LeadID     string
	ClosedFrom time.Time // closed_at ≥ ClosedFrom
	ClosedTo   time.Time // closed_at < ClosedTo
	AMLFlag    *bool
	Page       page.Request
	After      *page.Position
}

// DealSorts are the fields a deal listing sorts by.
var DealSorts = []string{"created_at", "price_aed", "closed_at"}

// Service runs deals and viewings with their rules and authorization.
type Service struct {
	deals    Store
	viewings ViewingStore
	dir      Directory
	set      Settings
	Now      func() time.Time
}

// New returns the service.
func New(deals Store, viewings ViewingStore, dir Directory, s Settings) *Service {
	return &Service{deals: deals, viewings: viewings, dir: dir, set: s, Now: time.Now}
}

// NewDeal is what creating a deal takes. Commission, VAT, fees and the AML screen are
// computed, never sent.
type NewDeal struct {
	LeadID           string    `json:"lead_id" maxLength:"64" doc:"The client: a lead you can see."`
	ListingID        string    `json:"listing_id,omitempty" maxLength:"64" doc:"A listing you can see."`
	AgentID          string    `json:"agent_id,omitempty" maxLength:"64" doc:"Defaults to the lead's agent, else you."`
	Kind             Kind      `json:"kind" enum:"sale,rent,off_plan"`
	Stage            Stage     `json:"stage,omitempty" enum:"offer,negotiation,mou_signed,transfer" doc:"Defaults to offer."`
	PriceAED         Money     `json:"price_aed" exclusiveMinimum:"0" maximum:"999999999999.99" doc:"Sale or off-plan price, or the annual rent, in AED."`
	CommissionRate   *Rate     `json:"commission_rate,omitempty" minimum:"0" maximum:"1" doc:"Overrides the configured rate of the kind."`
	CoBrokeBrokerage string    `json:"co_broke_brokerage,omitempty" maxLength:"200"`
	CoBrokeSplit     Rate      `json:"co_broke_split,omitempty" minimum:"0" maximum:"1" doc:"Form I: the other brokerage's share of the commission."`
	EjariNumber      string    `json:"ejari_number,omitempty" maxLength:"40"`
	Payments         []Payment `json:"payments,omitempty" maxItems:"100"`
	Parties          Parties   `json:"parties,omitempty"`
}

// CreateDeal opens a deal on a lead (and listing) the caller can see.
func (s *Service) CreateDeal(ctx context.Context, a access.Actor, nd NewDeal) (DealView, error) {
	if err := a.Require(access.Admin, access.Manager, access.Agent); err != nil {
		return DealView{}, err
	}
	d := Deal{BrokerageID: a.BrokerageID, LeadID: nd.LeadID, ListingID: nd.ListingID, AgentID: nd.AgentID,
		Kind: nd.Kind, Stage: nd.Stage, PriceAED: nd.PriceAED, CoBrokeBrokerage: strings.TrimSpace(nd.CoBrokeBrokerage),
		CoBrokeSplit: nd.CoBrokeSplit, EjariNumber: strings.TrimSpace(nd.EjariNumber), Payments: nd.Payments,
		Parties: nd.Parties}
	if d.Stage == "" {
		d.Stage = Offer
	}
	if d.Payments == nil {
		d.Payments = []Payment{}
	}
	d.CommissionRate = s.set.DefaultRate(d.Kind)
	if nd.CommissionRate != nil {
		d.CommissionRate = *nd.CommissionRate
	}
	if err := s.checkNew(d); err != nil {
		return DealView{}, err
	}
	leadOwner, err := s.checkLinks(ctx, a, d.LeadID, d.ListingID)
	if err != nil {
		return DealView{}, err
	}
	if d.AgentID == "" {
		d.AgentID = cmp.Or(leadOwner, a.UserID)
	}
	if err := s.checkAgent(ctx, a, d.AgentID); err != nil {
		return DealView{}, err
	}
	s.set.Compute(&d)
	out, err := s.deals.CreateDeal(ctx, d, audit.Entry{BrokerageID: a.BrokerageID, ActorID: a.UserID,
		Action: "create", Entity: "deal"})
	return ViewOf(out, a.SeesAML()), err
}

func (s *Service) checkNew(d Deal) error {
	if !slices.Contains(pipeline(d.Kind), d.Stage) || !d.Stage.Open() {
		return apperr.Validation(apperr.FieldError{Field: "stage", Value: string(d.Stage),
			Message: "a new deal starts in an open stage of its kind (" + joinStages(openOf(d.Kind)) + ")"})
	}
	return validate(d)
}

func openOf(k Kind) []Stage {
	return slices.DeleteFunc(pipeline(k), func(s Stage) bool { return !s.Open() })
}

// checkLinks makes sure the lead (required) and the listing (optional) are the brokerage's
// and visible to the caller; otherwise the field is invalid, never a hint of what exists.
func (s *Service) checkLinks(ctx context.Context, a access.Actor, leadID, listingID string) (string, error) {
	var fe []apperr.FieldError
	leadOwner, err := s.dir.LeadOwner(ctx, a.BrokerageID, leadID)
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return "", err
	}
	if leadID == "" || err != nil || !a.CanSee(a.BrokerageID, leadOwner) {
		fe = append(fe, apperr.FieldError{Field: "lead_id", Message: "must be a lead of your brokerage that you can see"})
	}
	if listingID != "" {
		if err := s.checkListing(ctx, a, listingID); err != nil {
			if apperr.CodeOf(err) != apperr.Invalid {
				return "", err
			}
			fe = append(fe, apperr.As(err).Fields...)
		}
	}
	if len(fe) > 0 {
		return "", apperr.Validation(fe...)
	}
	return leadOwner, nil
}

func (s *Service) checkListing(ctx context.Context, a access.Actor, listingID string) error {
	owner, err := s.dir.ListingOwner(ctx, a.BrokerageID, listingID)
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return err
	}
	if err != nil || !a.CanSee(a.BrokerageID, owner) {
		return apperr.Validation(apperr.FieldError{Field: "listing_id", Message: "must be a listing of your brokerage that you can see"})
	}
	return nil
}

// checkAgent allows owners the caller may assign work to: themselves, a manager's team, or
// any active agent, manager or admin of the brokerage for an admin.
func (s *Service) checkAgent(ctx context.Context, a access.Actor, id string) error {
	ok, err := s.dir.Assignable(ctx, a.BrokerageID, id)
	if err != nil {
		return err
	}
	if owners := a.Owners(); !ok || (owners != nil && !slices.Contains(owners, id)) {
		return apperr.Validation(apperr.FieldError{Field: "agent_id", Message: "must be an active user you may assign work to", Value: id})
	}
	return nil
}

// dealRecords loads deals for a caller: a deal belongs to its agent, and roles that only read
// may not change it.
var dealRecords = access.Records[Deal]{Kind: "deal", ReadOnly: "may read deals but not change them",
	Owner:   func(d Deal) (string, string) { return d.BrokerageID, d.AgentID },
	Version: func(d Deal) int { return d.Version }}

// GetDeal returns a deal the caller can see; any other id is not found.
func (s *Service) GetDeal(ctx context.Context, a access.Actor, id string) (DealView, error) {
	d, err := dealRecords.Visible(ctx, a, id, s.deals.Deal)
	return ViewOf(d, a.SeesAML()), err
}

// DealQuery is a deal listing as a client asks for it.
type DealQuery struct {
	Stage      Stage
	Kind       Kind
	AgentID    string
	LeadID     string
	ClosedFrom time.Time
	ClosedTo   time.Time
	AMLFlag    *bool
	Page       page.Request
}

// ListDeals lists the deals the caller can see. Only compliance officers may filter on the
// AML flag: for anyone else the filter is forbidden whatever its value, so the answer can
// never reveal which deals are flagged.
func (s *Service) ListDeals(ctx context.Context, a access.Actor, q DealQuery) (page.Result[DealView], error) {
	if q.AMLFlag != nil && !a.SeesAML() {
		return page.Result[DealView]{}, apperr.New(apperr.Forbidden, "only compliance officers may filter deals by aml_flag")
	}
	after, err := q.Page.Decode()
	if err != nil {
		return page.Result[DealView]{}, err
	}
	f := Filter{Scope: ScopeOf(a), Stage: q.Stage, Kind: q.Kind, AgentID: q.AgentID, LeadID: q.LeadID,
		ClosedFrom: q.ClosedFrom, ClosedTo: q.ClosedTo, AMLFlag: q.AMLFlag, Page: q.Page, After: after}
	rows, err := s.deals.ListDeals(ctx, a.BrokerageID, f)
	if err != nil {
		return page.Result[DealView]{}, err
	}
	views := make([]DealView, len(rows))
	for i, d := range rows {
		views[i] = ViewOf(d, a.SeesAML())
	}
	return page.Trim(views, q.Page, func(v DealView) (string, string) { return SortKey(v.Deal, q.Page.Sort), v.ID }), nil
}

// SortKey is a deal's value under a sort, as a cursor keeps it. Deals not yet closed sort
// after the closed ones whichever the direction.
func SortKey(d Deal, s page.Sort) string {
	switch s.Field {
	case "price_aed":
		return d.PriceAED.String()
	case "closed_at":
		if d.ClosedAt == nil {
			if s.Desc {
				return "-infinity"
			}
			return "infinity"
		}
		return d.ClosedAt.UTC().Format(time.RFC3339Nano)
	}
	return d.CreatedAt.UTC().Format(time.RFC3339Nano)
}

// DealChanges is a partial update of a deal; nil fields are left alone. The lead stays: a
// deal with another client is another deal.
type DealChanges struct {
	ListingID        *string   `json:"listing_id,omitempty" maxLength:"64" doc:"\"\" unlinks the listing."`
	AgentID          *string   `json:"agent_id,omitempty" maxLength:"64"`
	Kind             *Kind     `json:"kind,omitempty" enum:"sale,rent,off_plan" doc:"Only while open; resets the commission rate to the kind's default unless commission_rate is given."`
	Stage            *Stage    `json:"stage,omitempty" enum:"offer,negotiation,mou_signed,transfer,closed_won,closed_lost"`
	PriceAED         *Money    `json:"price_aed,omitempty" exclusiveMinimum:"0" maximum:"999999999999.99"`
	CommissionRate   *Rate     `json:"commission_rate,omitempty" minimum:"0" maximum:"1"`
	CoBrokeBrokerage *string   `json:"co_broke_brokerage,omitempty" maxLength:"200"`
	CoBrokeSplit     *Rate     `json:"co_broke_split,omitempty" minimum:"0" maximum:"1"`
	EjariNumber      *string   `json:"ejari_number,omitempty" maxLength:"40"`
	Payments         []Payment `json:"payments,omitempty" maxItems:"100" doc:"Replaces the whole schedule."`
	Parties          *Parties  `json:"parties,omitempty" doc:"Replaces all parties."`
}

// UpdateDeal changes a deal the caller may write. version is the If-Match version, 0 for
// none. Amounts and the AML screen are recomputed; a stage move is checked against the
// pipeline and closing stamps closed_at.
func (s *Service) UpdateDeal(ctx context.Context, a access.Actor, id string, c DealChanges, version int) (DealView, error) {
	d, err := dealRecords.Writable(ctx, a, id, version, s.deals.Deal)
	if err != nil {
		return DealView{}, err
	}
	before := d
	if err := s.apply(ctx, a, &d, c); err != nil {
		return DealView{}, err
	}
	if err := validate(d); err != nil {
		return DealView{}, err
	}
	if err := CheckTransition(d, before.Stage, d.Stage); err != nil {
		return DealView{}, err
	}
	if d.Stage != before.Stage && !d.Stage.Open() {
		now := s.Now().UTC()
		d.ClosedAt = &now
	}
	s.set.Compute(&d)
	out, err := s.deals.UpdateDeal(ctx, d, before.Version, audit.Entry{BrokerageID: a.BrokerageID, ActorID: a.UserID,
		Action: "update", Entity: "deal", EntityID: id, Before: before.AuditSnapshot()})
	return ViewOf(out, a.SeesAML()), err
}

func (s *Service) apply(ctx context.Context, a access.Actor, d *Deal, c DealChanges) error {
	if c.Kind != nil && *c.Kind != d.Kind {
		if !d.Stage.Open() {
			return apperr.Validation(apperr.FieldError{Field: "kind", Message: "a closed deal keeps its kind"})
		}
		d.Kind, d.CommissionRate = *c.Kind, s.set.DefaultRate(*c.Kind)
	}
	if c.ListingID != nil && *c.ListingID != d.ListingID {
		if *c.ListingID != "" {
			if err := s.checkListing(ctx, a, *c.ListingID); err != nil {
				return err
			}
		}
		d.ListingID = *c.ListingID
	}
	if c.AgentID != nil && *c.AgentID != d.AgentID {
		if err := s.checkAgent(ctx, a, *c.AgentID); err != nil {
			return err
		}
		d.AgentID = *c.AgentID
	}
	setIf(&d.Stage, c.Stage)
	setIf(&d.PriceAED, c.PriceAED)
	setIf(&d.CommissionRate, c.CommissionRate)
	setIf(&d.CoBrokeSplit, c.CoBrokeSplit)
	setIf(&d.Parties, c.Parties)
	if c.CoBrokeBrokerage != nil {
		d.CoBrokeBrokerage = strings.TrimSpace(*c.CoBrokeBrokerage)
	}
	if c.EjariNumber != nil {
		d.EjariNumber = strings.TrimSpace(*c.EjariNumber)
	}
	if c.Payments != nil {
		d.Payments = c.Payments
	}
	return nil
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// DeleteDeal soft-deletes a deal. A won deal is kept: AML law requires its records for at
// least five years.
// version is the If-Match version, 0 for none.
func (s *Service) DeleteDeal(ctx context.Context, a access.Actor, id string, version int) error {
	d, err := dealRecords.Writable(ctx, a, id, version, s.deals.Deal)
	if err != nil {
		return err
	}
	if d.Stage == ClosedWon {
		return apperr.New(apperr.Conflict, "a won deal is kept for record keeping and cannot be deleted")
	}
	return s.deals.DeleteDeal(ctx, d, audit.Entry{BrokerageID: a.BrokerageID, ActorID: a.UserID,
		Action: "delete", Entity: "deal", EntityID: id, Before: d.AuditSnapshot()})
}

// AuditSnapshot is the deal as the audit trail keeps it: complete, AML screen included, for
// the record keeping AML law requires. The audit API hides the AML part from its readers.
func (d Deal) AuditSnapshot() DealView { return ViewOf(d, true) }
