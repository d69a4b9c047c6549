package api

import (
	"context"
	_ "embed"
	"encoding/json"
	"reflect"

	"github.com/danielgtaylor/huma/v2"
	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/platform"
)

type documentOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

// document is the OpenAPI document generated from the code of every route by `make openapi`
// (propertypro openapi). Serving the generated file keeps the api-openapi Lambda from linking
// every route's code; TestEmbeddedDocumentIsCurrent fails when it is stale.
//
//go:embed openapi.json
var document []byte

// OpenAPIDocument is GET /openapi.json.
func OpenAPIDocument(api huma.API, op huma.Operation, _ *platform.Boot) {
	op.Description = "Generated from the code of every HTTP function in the manifest."
	op.Responses = map[string]*huma.Response{"200": {Description: "OpenAPI 3.1 document",
		Content: map[string]*huma.MediaType{"application/json": {Schema: &huma.Schema{Type: "object"}}}}}
	Handle(api, op, func(context.Context, *struct{}) (*documentOutput, error) {
		return &documentOutput{ContentType: "application/json", Body: document}, nil
	})
}

// DocumentJSON renders the document of manifest as indented JSON, as committed.
func DocumentJSON(manifest []functions.Function, routes map[string]Route) ([]byte, error) {
	spec, err := Document(manifest, routes)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(spec, "", "  ")
	return append(b, '\n'), err
}

func reflectType[T any]() reflect.Type { return reflect.TypeFor[T]() }
