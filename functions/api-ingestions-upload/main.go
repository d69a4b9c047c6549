// Command api-ingestions-upload is a Lambda function; see its entry in functions/manifest.go.
package main

import (
	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/awsx"
	"github.com/propertypro/propertypro/shared/ingestapi"
	"github.com/propertypro/propertypro/shared/platform"
)

func main() {
	platform.Start("api-ingestions-upload", api.Builder(ingestapi.IngestionsUpload), awsx.AttachObjects)
}
