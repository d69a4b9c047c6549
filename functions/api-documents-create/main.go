// Command api-documents-create is a Lambda function; see its entry in functions/manifest.go.
package main

import (
	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/awsx"
	"github.com/propertypro/propertypro/shared/knowledgeapi"
	"github.com/propertypro/propertypro/shared/platform"
)

func main() {
	platform.Start("api-documents-create", api.Builder(knowledgeapi.DocumentsCreate), awsx.AttachObjects)
}
