package catalog

import (
	"github.com/propertypro/propertypro/shared/delivery"
	"github.com/propertypro/propertypro/shared/platform"
)

// nurtureBuilders are the task and schedule functions of the nurture area.
func nurtureBuilders() map[string]platform.Builder {
	return map[string]platform.Builder{
		"cron-nurture-due":  delivery.NurtureDue,
		"task-nurture-send": delivery.NurtureSend,
		"cron-lead-sla":     delivery.LeadSLA,
		"cron-stuck-jobs":   delivery.StuckJobs,
	}
}
