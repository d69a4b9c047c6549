// Command cron-retention-purge is a Lambda function; see its entry in functions/manifest.go.
package main

import (
	"github.com/propertypro/propertypro/shared/delivery"
	"github.com/propertypro/propertypro/shared/platform"
)

func main() { platform.Start("cron-retention-purge", delivery.RetentionPurge) }
