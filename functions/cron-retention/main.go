// Command cron-retention is a Lambda function; see its entry in functions/manifest.go.
package main

import (
	"github.com/propertypro/propertypro/shared/jobs"
	"github.com/propertypro/propertypro/shared/platform"
)

func main() { platform.Start("cron-retention", jobs.Retention) }
