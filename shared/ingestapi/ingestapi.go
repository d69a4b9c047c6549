package ingestapi

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/ingest"
	"github.com/propertypro/propertypro/shared/market"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres/ingeststore"
)

func Routes() map[string]api.Route {
	return map[string]api.Route{
		"api-ingestions-list":           IngestionsList,
		"api-ingestions-upload":         IngestionsUpload,
		"api-ingestions-get":            IngestionsGet,
		"api-ingestions-rejections":     IngestionsRejections,
		"api-market-communities-list":   MarketCommunities,
		"api-market-communities-trends": MarketTrends,
	}
}

func ingestions(b *platform.Boot) *ingeststore.Ingestions { return ingeststore.NewIngestions(b.DB) }

// ingestionReader is who may read ingestion reports: they show every row of a file.
func ingestionReader(ctx context.Context) (access.Actor, error) {
	a, err := access.From(ctx)
	if err != nil {
		return a, err
	}
	return a, a.Require(access.Admin, access.Manager)
}

type ingestionsOutput struct {
	Body struct {
		Items      []ingeststore.IngestionSummary `json:"items"`
		NextCursor string                         `json:"next_cursor,omitempty"`
	}
}

// IngestionsList is GET /v1/ingestions.
func IngestionsList(reg huma.API, op huma.Operation, b *platform.Boot) {
	op.Description = "Newest first. With `key`, only the ingestions of that object: poll " +
		"`GET /v1/ingestions?key=<key>` after uploading to a URL from `POST /v1/ingestions/uploads`; the ingestion " +
		"appears once the upload has been processed (an empty list until then)."
	op.Errors = append(op.Errors, 403)
	store := api.Lazy(b, ingestions)
	api.Handle(reg, op, func(ctx context.Context, in *struct {
		Limit  int    `query:"limit" minimum:"1" maximum:"200" doc:"Page size (default 50)."`
		Cursor string `query:"cursor" maxLength:"64" doc:"next_cursor of the previous page."`
		Key    string `query:"key" maxLength:"1024" doc:"Only ingestions of this object key (exact match), e.g. the key POST /v1/ingestions/uploads returned."`
	}) (*ingestionsOutput, error) {
		a, err := ingestionReader(ctx)
		if err != nil {
			return nil, err
		}
		limit := in.Limit
		if limit == 0 {
			limit = 50
		}
		items, err := store().ListIngestions(ctx, a.BrokerageID, limit, ingeststore.IngestionFilter{Key: in.Key, Before: in.Cursor})
		out := &ingestionsOutput{}
		out.Body.Items = items
		if len(items) == limit {
			out.Body.NextCursor = items[len(items)-1].ID
		}
		return out, err
	})
}

type ingestionID struct {
	ID string `path:"id" maxLength:"64"`
}

// IngestionsGet is GET /v1/ingestions/{id}.
func IngestionsGet(reg huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 403, 404)
	store := api.Lazy(b, ingestions)
	api.Handle(reg, op, func(ctx context.Context, in *ingestionID) (*struct{ Body ingest.Report }, error) {
		a, err := ingestionReader(ctx)
		if err != nil {
			return nil, err
		}
		rep, err := store().IngestionReport(ctx, a.BrokerageID, in.ID)
		return &struct{ Body ingest.Report }{Body: rep}, err
	})
}

type csvOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

// IngestionsRejections is GET /v1/ingestions/{id}/rejections.csv.
func IngestionsRejections(reg huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 403, 404)
	store := api.Lazy(b, ingestions)
	api.Handle(reg, op, func(ctx context.Context, in *ingestionID) (*csvOutput, error) {
		a, err := ingestionReader(ctx)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		_ = w.Write([]string{"sheet", "line", "column", "value", "reason", "severity", "row"})
		err = store().EachIssue(ctx, a.BrokerageID, in.ID, func(i ingest.Issue) error {
			sev := "rejected"
			if i.Warning {
				sev = "warning"
			}
			return w.Write(safeCells(i.Sheet, strconv.Itoa(i.Line), i.Column, i.Value, i.Reason, sev, i.Raw))
		})
		if err != nil {
			return nil, err
		}
		w.Flush()
		return &csvOutput{ContentType: "text/csv; charset=utf-8",
			ContentDisposition: `attachment; filename="rejections-` + fileSafe(in.ID) + `.csv"`, Body: buf.Bytes()}, nil
	})
}

// safeCells neutralises spreadsheet formulas: a cell that a spreadsheet would evaluate (it
// starts with =, +, -, @, a tab or a carriage return) gets a leading single quote, which
// spreadsheets show as text and which keeps every character of the value. The values are
// whatever a data drop contained, so they are attacker-controlled.
func safeCells(cells ...string) []string {
	for i, c := range cells {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			cells[i] = "'" + c
		}
	}
	return cells
}

// fileSafe keeps only characters that cannot end or break a quoted header parameter.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

// MarketCommunities is GET /v1/market/communities.
func MarketCommunities(reg huma.API, op huma.Operation, b *platform.Boot) {
	store := api.Lazy(b, func(b *platform.Boot) *ingeststore.Market { return ingeststore.NewMarket(b.DB) })
	api.Handle(reg, op, func(ctx context.Context, _ *struct{}) (*struct {
		Body struct {
			Items []market.Community `json:"items"`
		}
	}, error) {
		if _, err := access.From(ctx); err != nil {
			return nil, err
		}
		items, err := store().Communities(ctx)
		out := &struct {
			Body struct {
				Items []market.Community `json:"items"`
			}
		}{}
		out.Body.Items = items
		return out, err
	})
}

// MarketTrends is GET /v1/market/communities/{id}/trends.
func MarketTrends(reg huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404)
	store := api.Lazy(b, func(b *platform.Boot) *ingeststore.Market { return ingeststore.NewMarket(b.DB) })
	api.Handle(reg, op, func(ctx context.Context, in *struct {
		ID           string `path:"id" maxLength:"200" doc:"A community's id from the list (location id or slug)."`
		PropertyType string `query:"property_type" maxLength:"60" doc:"Only this property type (e.g. residential, all)."`
	}) (*struct{ Body market.Trends }, error) {
		if _, err := access.From(ctx); err != nil {
			return nil, err
		}
		t, err := store().Trends(ctx, in.ID, in.PropertyType)
		return &struct{ Body market.Trends }{Body: t}, err
	})
}
