package api

import (
	"context"
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

// OpenAPIDocument is GET /openapi.json; it serves the document built from the manifest at cold start (once).
func OpenAPIDocument(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Description = "Generated from the code of every HTTP function in the manifest."
	op.Responses = map[string]*huma.Response{"200": {Description: "OpenAPI 3.1 document",
		Content: map[string]*huma.MediaType{"application/json": {Schema: &huma.Schema{Type: "object"}}}}}
	var doc []byte
	if b != nil {
		spec, err := Document(functions.Manifest)
		if err == nil {
			doc, err = json.Marshal(spec)
		}
		if err != nil {
			panic("building the OpenAPI document: " + err.Error())
		}
	}
	handle(api, op, func(context.Context, *struct{}) (*documentOutput, error) {
		return &documentOutput{ContentType: "application/json", Body: doc}, nil
	})
}

func reflectType[T any]() reflect.Type { return reflect.TypeFor[T]() }
