package catalog

import (
	"github.com/propertypro/propertypro/shared/knowledgewire"
	"github.com/propertypro/propertypro/shared/platform"
)

// knowledgeBuilders are the task and schedule functions of the knowledge area.
func knowledgeBuilders() map[string]platform.Builder {
	return map[string]platform.Builder{
		"task-process-document": knowledgewire.ProcessDocument,
		"task-reembed":          knowledgewire.Reembed,
		"cron-reembed":          knowledgewire.Reembed,
	}
}
