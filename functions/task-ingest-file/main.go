// Command task-ingest-file is a Lambda function; see its entry in functions/manifest.go.
package main

import (
	"github.com/propertypro/propertypro/shared/awsx"
	"github.com/propertypro/propertypro/shared/ingest/ingestwire"
	"github.com/propertypro/propertypro/shared/platform"
)

func main() { platform.Start("task-ingest-file", ingestwire.IngestFile, awsx.AttachObjects) }
