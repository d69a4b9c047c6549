// Package catalog maps every function of the manifest to the builder of its handler, for
// the local runner, `propertypro invoke` and the tests. Lambda binaries do not import it:
// each main.go names its own builder, so the linker leaves the others out.
package catalog

import (
	"maps"

	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/ingestapi"
	"github.com/propertypro/propertypro/shared/jobs"
	"github.com/propertypro/propertypro/shared/knowledgeapi"
	"github.com/propertypro/propertypro/shared/nurtureapi"
	"github.com/propertypro/propertypro/shared/platform"
)

// Builders returns the builder of every function, by name.
func Builders() map[string]platform.Builder {
	b := map[string]platform.Builder{
		"cron-db-maintenance": jobs.DBMaintenance,
	}
	for _, area := range []map[string]platform.Builder{ingestionBuilders(), knowledgeBuilders(),
		nurtureBuilders(), opsBuilders()} {
		maps.Copy(b, area)
	}
	for name, r := range Routes() {
		b[name] = api.Builder(r)
	}
	return b
}

// Routes maps every HTTP function of the manifest to its operation: the CRM core's from
// shared/api and each area's from its own package.
func Routes() map[string]api.Route {
	all := api.Routes()
	for _, area := range []map[string]api.Route{ingestapi.Routes(), knowledgeapi.Routes(), nurtureapi.Routes()} {
		maps.Copy(all, area)
	}
	return all
}
