package catalog

import "github.com/propertypro/propertypro/shared/platform"

// nurtureBuilders are the task and schedule functions of the nurture area.
func nurtureBuilders() map[string]platform.Builder { return map[string]platform.Builder{} }
