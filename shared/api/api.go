// Package api is PropertyPro's HTTP API: one operation per HTTP function in the manifest,
// declared in code with huma so that request validation and the OpenAPI 3.1 document come
// from the same Go types and can never drift apart.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/lambdahttp"
	"github.com/propertypro/propertypro/shared/platform"
)

// Version is the API's version in the OpenAPI document.
const Version = "1.0.0"

// Route registers one function's operation on api. op arrives filled in from the manifest
// (id, method, path, summary, security); b is nil when only the document is being built.
type Route func(api huma.API, op huma.Operation, b *platform.Boot)

// Routes maps the HTTP functions of the CRM core to their operations. The ingestion,
// knowledge and nurture areas keep theirs in packages of their own (ingestapi, knowledgeapi,
// nurtureapi) because they link AI, e-mail and spreadsheet SDKs that a core function must
// not carry; shared/catalog joins them all. Lambda binaries name their own Route instead,
// so that each carries only its own code.
func Routes() map[string]Route {
	all := map[string]Route{}
	for _, area := range []map[string]Route{platformRoutes(), identityRoutes(), locationRoutes(),
		listingRoutes(), leadRoutes(), dealRoutes(), insightRoutes()} {
		maps.Copy(all, area)
	}
	return all
}

func platformRoutes() map[string]Route {
	return map[string]Route{
		"api-health":       HealthLive,
		"api-health-ready": HealthReady,
		"api-openapi":      OpenAPIDocument,
	}
}

// Builder returns the platform builder of an HTTP function: its operation mounted on a mux
// of its own with the manifest's route pattern, behind the common middleware.
func Builder(r Route) platform.Builder {
	return func(b *platform.Boot) (platform.Handler, error) {
		mux := http.NewServeMux()
		Mount(mux, r, b)
		return platform.Handler{HTTP: Middleware(b.Log, mux)}, nil
	}
}

// Mount registers b's function's operation on mux (the local runner mounts every function
// on one mux; a Lambda mounts its own alone).
func Mount(mux *http.ServeMux, r Route, b *platform.Boot) {
	op := operation(b.Fn)
	if !b.Fn.Public {
		op.Middlewares = huma.Middlewares{authenticate(Lazy(b, identityService))}
	}
	r(humago.New(mux, newConfig()), op, b)
}

// Document builds the OpenAPI document of every HTTP function in manifest from routes.
func Document(manifest []functions.Function, routes map[string]Route) (*huma.OpenAPI, error) {
	api := humago.New(http.NewServeMux(), newConfig())
	for _, fn := range manifest {
		if fn.Kind() != functions.KindHTTP {
			continue
		}
		r, ok := routes[fn.Name]
		if !ok {
			return nil, fmt.Errorf("function %s has no operation", fn.Name)
		}
		r(api, operation(fn), nil)
	}
	return api.OpenAPI(), nil
}

func newConfig() huma.Config {
	registry := huma.NewMapRegistry("#/components/schemas/", huma.DefaultSchemaNamer)
	return huma.Config{
		OpenAPI: &huma.OpenAPI{
			OpenAPI: "3.1.0",
			Info: &huma.Info{Title: "PropertyPro API", Version: Version,
				Description: "Backend of an AI-assisted CRM for Dubai real-estate brokerages."},
			Components: &huma.Components{Schemas: registry, SecuritySchemes: map[string]*huma.SecurityScheme{
				"bearer": {Type: "http", Scheme: "bearer", BearerFormat: "JWT"},
			}},
		},
		Formats:       huma.DefaultFormats,
		DefaultFormat: "application/json",
	}
}

// operation fills in what the manifest already says about a route.
func operation(fn functions.Function) huma.Operation {
	op := huma.Operation{
		OperationID: strings.TrimPrefix(fn.Name, "api-"),
		Method:      fn.Method(),
		Path:        fn.Path(),
		Summary:     fn.Summary,
		Tags:        []string{tagOf(fn.Path())},
		Errors:      []int{http.StatusInternalServerError},
	}
	if !fn.Public {
		op.Security = []map[string][]string{{"bearer": {}}}
		op.Errors = append(op.Errors, http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests)
	}
	return op
}

// tagOf groups operations by their first path segment after the version ("listings").
func tagOf(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) > 1 && parts[0] == "v1" {
		return parts[1]
	}
	return parts[0]
}

// Handle adapts a domain-facing handler: errors from the domain are apperr errors, turned
// into problem+json here.
func Handle[I, O any](api huma.API, op huma.Operation, h func(context.Context, *I) (*O, error)) {
	huma.Register(api, op, func(ctx context.Context, in *I) (*O, error) {
		out, err := h(ctx, in)
		if err != nil {
			return nil, problemError(ctx, err)
		}
		return out, nil
	})
}

// problem is a huma-writable RFC 9457 error.
type problem struct {
	lambdahttp.Problem
	headers http.Header
}

func (p *problem) Error() string                { return p.Detail }
func (p *problem) GetStatus() int               { return p.Status }
func (p *problem) GetHeaders() http.Header      { return p.headers }
func (p *problem) ContentType(string) string    { return "application/problem+json" }
func (p *problem) MarshalJSON() ([]byte, error) { return json.Marshal(p.Problem) }

var errLog = slog.Default()

func problemError(ctx context.Context, err error) error {
	p := &problem{Problem: lambdahttp.ProblemFor(ctx, errLog, err, ""), headers: http.Header{}}
	if e := apperr.As(err); e.RetryAfter > 0 {
		p.headers.Set("Retry-After", fmt.Sprint(int(e.RetryAfter.Seconds()+0.999)))
	}
	return p
}

// huma reports its own validation and decoding errors through NewError: make them the same
// problem+json, with field names instead of huma's locations.
func init() {
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		var fields []apperr.FieldError
		for _, e := range errs {
			var d *huma.ErrorDetail
			if errors.As(e, &d) {
				fields = append(fields, fieldError(d))
			} else if e != nil {
				fields = append(fields, apperr.FieldError{Message: e.Error()})
			}
		}
		code := lambdahttp.CodeForStatus(status)
		if status >= 500 {
			msg = "an unexpected error occurred"
			fields = nil
		}
		p := lambdahttp.Problem{Type: "https://propertypro.dev/problems/" + string(code),
			Title: http.StatusText(status), Status: status, Detail: msg, Code: code, Errors: fields}
		return &problem{Problem: p, headers: http.Header{}}
	}
}

// fieldName turns huma's "body.price" into "price" and keeps "query.limit" as it is.
func fieldName(location string) string {
	return strings.TrimPrefix(location, "body.")
}

// fieldError names the field of one of huma's errors. huma reports a missing property at
// the object that lacks it ("body"), so the property's own name is taken from the message.
func fieldError(d *huma.ErrorDetail) apperr.FieldError {
	name, prefixed := strings.CutPrefix(d.Message, "expected required property ")
	name, suffixed := strings.CutSuffix(name, " to be present")
	if !prefixed || !suffixed || d.Location != "body" && !strings.HasPrefix(d.Location, "body.") {
		return apperr.FieldError{Field: fieldName(d.Location), Message: d.Message, Value: d.Value}
	}
	if d.Location != "body" {
		name = fieldName(d.Location) + "." + name
	}
	return apperr.FieldError{Field: name, Message: "is required"}
}
