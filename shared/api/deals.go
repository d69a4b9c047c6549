package api

import (
	"context"
	"reflect"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/deal"
	"github.com/propertypro/propertypro/shared/page"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
)

func dealRoutes() map[string]Route {
	return map[string]Route{
		"api-viewings-list":   ViewingsList,
		"api-viewings-create": ViewingsCreate,
		"api-viewings-get":    ViewingsGet,
		"api-viewings-update": ViewingsUpdate,
		"api-viewings-delete": ViewingsDelete,
		"api-deals-list":      DealsList,
		"api-deals-create":    DealsCreate,
		"api-deals-get":       DealsGet,
		"api-deals-update":    DealsUpdate,
		"api-deals-delete":    DealsDelete,
	}
}

// dealService builds the deals and viewings service of a function from its boot.
func dealService(b *platform.Boot) *deal.Service {
	deals := postgres.NewDeals(b.DB)
	return deal.New(deals, postgres.NewViewings(b.DB), deals, DealSettings(b.Config))
}

// DealSettings are the deal rates and thresholds of a configuration.
func DealSettings(c config.Config) deal.Settings {
	return deal.Settings{SaleRate: deal.RateOf(c.CommissionSaleRate), RentRate: deal.RateOf(c.CommissionRentRate),
		OffPlanRate: deal.RateOf(c.CommissionOffPlanRate), VATRate: deal.RateOf(c.VATRate),
		DLDFeeRate: deal.RateOf(c.DLDTransferFeeRate), AMLCashThreshold: deal.AED(c.AMLCashThresholdAED)}
}

// salesSchemas documents amounts and rates as the JSON numbers they are: in Go they are
// integers (fils, basis points), which huma would otherwise describe and validate as such.
func salesSchemas(api huma.API) {
	reg := api.OpenAPI().Components.Schemas
	reg.RegisterTypeAlias(reflect.TypeFor[deal.Money](), reflect.TypeFor[float64]())
	reg.RegisterTypeAlias(reflect.TypeFor[deal.Rate](), reflect.TypeFor[float64]())
}

// dealRef is a deal's id and version, for its ETag and Location.
func dealRef(v deal.DealView) (string, int) { return v.ID, v.Version }

type dealsListInput struct {
	Stage      string    `query:"stage" enum:"offer,negotiation,mou_signed,transfer,closed_won,closed_lost"`
	Kind       string    `query:"kind" enum:"sale,rent,off_plan"`
	AgentID    string    `query:"agent_id" maxLength:"64"`
	LeadID     string    `query:"lead_id" maxLength:"64"`
	ClosedFrom time.Time `query:"closed_from" doc:"Closed at or after (RFC 3339)."`
	ClosedTo   time.Time `query:"closed_to" doc:"Closed before (RFC 3339)."`
	AMLFlag    string    `query:"aml_flag" enum:"true,false" doc:"Compliance officers only."`
	Sort       string    `query:"sort" maxLength:"40" doc:"created_at, price_aed or closed_at; - prefix for descending (default -created_at)."`
	Limit      int       `query:"limit" minimum:"1" maximum:"200" doc:"Page size (default 50)."`
	Cursor     string    `query:"cursor" maxLength:"1024" doc:"next_cursor of the previous page."`
}

func (in *dealsListInput) paging() (string, int, string) { return in.Sort, in.Limit, in.Cursor }

func (in *dealsListInput) filter() (deal.DealQuery, error) {
	q := deal.DealQuery{Stage: deal.Stage(in.Stage), Kind: deal.Kind(in.Kind), AgentID: in.AgentID,
		LeadID: in.LeadID, ClosedFrom: in.ClosedFrom, ClosedTo: in.ClosedTo}
	if in.AMLFlag != "" {
		on := in.AMLFlag == "true"
		q.AMLFlag = &on
	}
	return q, nil
}

// listDeals is ListDeals with the page beside the query, as listRecords calls a list.
func listDeals(s *deal.Service, ctx context.Context, a access.Actor, q deal.DealQuery,
	p page.Request) (page.Result[deal.DealView], error) {
	q.Page = p
	return s.ListDeals(ctx, a, q)
}

// DealsList is GET /v1/deals.
func DealsList(api huma.API, op huma.Operation, b *platform.Boot) {
	salesSchemas(api)
	op.Errors = append(op.Errors, 422)
	op.Description = "Sort by created_at, price_aed or closed_at. The aml_flag filter is for compliance officers only."
	listRecords[dealsListInput](api, op, Lazy(b, dealService), deal.DealSorts, page.Sort{Field: "created_at", Desc: true},
		listDeals)
}

// DealsCreate is POST /v1/deals.
func DealsCreate(api huma.API, op huma.Operation, b *platform.Boot) {
	salesSchemas(api)
	op.Errors = append(op.Errors, 422)
	op.Description = "Commission, VAT, the co-broke split, the DLD fee and the AML screen are computed from the price, " +
		"the rates and the payments; they cannot be sent."
	createRecord(api, op, Lazy(b, dealService), (*deal.Service).CreateDeal, located(op.Path, dealRef))
}

// DealsGet is GET /v1/deals/{id}.
func DealsGet(api huma.API, op huma.Operation, b *platform.Boot) {
	salesSchemas(api)
	op.Errors = append(op.Errors, 404)
	getRecord[string](api, op, Lazy(b, dealService), (*deal.Service).GetDeal, tagged(dealRef))
}

// DealsUpdate is PATCH /v1/deals/{id}.
func DealsUpdate(api huma.API, op huma.Operation, b *platform.Boot) {
	salesSchemas(api)
	op.Errors = append(op.Errors, 404, 412, 422)
	op.Description = "Stage moves follow the pipeline (offer → negotiation → mou_signed → transfer → closed_won; " +
		"a lease skips transfer and needs its Ejari number to close; any open stage → closed_lost). Amounts are recomputed."
	patchRecord[string](api, op, Lazy(b, dealService), (*deal.Service).UpdateDeal, tagged(dealRef))
}

// DealsDelete is DELETE /v1/deals/{id}.
func DealsDelete(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404, 409, 412)
	deleteRecord[string](api, op, Lazy(b, dealService), (*deal.Service).DeleteDeal)
}

// viewingRef is a viewing's id and version, for its ETag and Location.
func viewingRef(v deal.Viewing) (string, int) { return v.ID, v.Version }

type viewingsListInput struct {
	LeadID    string    `query:"lead_id" maxLength:"64"`
	ListingID string    `query:"listing_id" maxLength:"64"`
	AgentID   string    `query:"agent_id" maxLength:"64"`
	Status    string    `query:"status" enum:"scheduled,done,cancelled,no_show"`
	From      time.Time `query:"from" doc:"Scheduled at or after (RFC 3339)."`
	To        time.Time `query:"to" doc:"Scheduled before (RFC 3339)."`
	Sort      string    `query:"sort" maxLength:"40" doc:"scheduled_at or created_at; - prefix for descending (default -scheduled_at)."`
	Limit     int       `query:"limit" minimum:"1" maximum:"200" doc:"Page size (default 50)."`
	Cursor    string    `query:"cursor" maxLength:"1024" doc:"next_cursor of the previous page."`
}

func (in *viewingsListInput) paging() (string, int, string) { return in.Sort, in.Limit, in.Cursor }

func (in *viewingsListInput) filter() (deal.ViewingQuery, error) {
	return deal.ViewingQuery{LeadID: in.LeadID, ListingID: in.ListingID, AgentID: in.AgentID,
		Status: deal.ViewingStatus(in.Status), From: in.From, To: in.To}, nil
}

// listViewings is ListViewings with the page beside the query, as listRecords calls a list.
func listViewings(s *deal.Service, ctx context.Context, a access.Actor, q deal.ViewingQuery,
	p page.Request) (page.Result[deal.Viewing], error) {
	q.Page = p
	return s.ListViewings(ctx, a, q)
}

// ViewingsList is GET /v1/viewings.
func ViewingsList(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 422)
	op.Description = "Sort by scheduled_at or created_at (default -scheduled_at)."
	listRecords[viewingsListInput](api, op, Lazy(b, dealService), deal.ViewingSorts, page.Sort{Field: "scheduled_at", Desc: true},
		listViewings)
}

// ViewingsCreate is POST /v1/viewings.
func ViewingsCreate(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 422)
	createRecord(api, op, Lazy(b, dealService), (*deal.Service).CreateViewing, located(op.Path, viewingRef))
}

// ViewingsGet is GET /v1/viewings/{id}.
func ViewingsGet(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404)
	getRecord[string](api, op, Lazy(b, dealService), (*deal.Service).GetViewing, tagged(viewingRef))
}

// ViewingsUpdate is PATCH /v1/viewings/{id}.
func ViewingsUpdate(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404, 412, 422)
	op.Description = "A scheduled viewing may be rescheduled or end as done, cancelled or no_show; feedback may be recorded any time."
	patchRecord[string](api, op, Lazy(b, dealService), (*deal.Service).UpdateViewing, tagged(viewingRef))
}

// ViewingsDelete is DELETE /v1/viewings/{id}.
func ViewingsDelete(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404, 412)
	deleteRecord[string](api, op, Lazy(b, dealService), (*deal.Service).DeleteViewing)
}
