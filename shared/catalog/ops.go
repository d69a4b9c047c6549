package catalog

import (
	"github.com/propertypro/propertypro/shared/jobs"
	"github.com/propertypro/propertypro/shared/platform"
)

// opsBuilders are the task and schedule functions of the ops area.
func opsBuilders() map[string]platform.Builder {
	return map[string]platform.Builder{"cron-retention": jobs.Retention}
}
