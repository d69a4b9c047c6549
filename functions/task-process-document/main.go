// Command task-process-document is a Lambda function; see its entry in functions/manifest.go.
package main

import (
	"github.com/propertypro/propertypro/shared/awsx"
	"github.com/propertypro/propertypro/shared/knowledgewire"
	"github.com/propertypro/propertypro/shared/platform"
)

func main() {
	platform.Start("task-process-document", knowledgewire.ProcessDocument, awsx.AttachObjects)
}
