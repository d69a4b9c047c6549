package catalog

import (
	"github.com/propertypro/propertypro/shared/ingest/ingestwire"
	"github.com/propertypro/propertypro/shared/platform"
)

// ingestionBuilders are the task and schedule functions of the ingestion area.
func ingestionBuilders() map[string]platform.Builder {
	return map[string]platform.Builder{"task-ingest-file": ingestwire.IngestFile}
}
