package main

import (
	"os"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/catalog"
)

type openapiCmd struct {
	Out string `help:"Write the document to this file instead of stdout (make openapi writes shared/api/openapi.json)."`
}

func (c openapiCmd) Run(*env) error {
	doc, err := api.DocumentJSON(functions.Manifest, catalog.Routes())
	if err != nil {
		return err
	}
	if c.Out == "" {
		_, err = os.Stdout.Write(doc)
		return err
	}
	return os.WriteFile(c.Out, doc, 0o644)
}
