// Command cron-nurture-due is a Lambda function; see its entry in functions/manifest.go.
package main

import (
	"github.com/propertypro/propertypro/shared/awsx"
	"github.com/propertypro/propertypro/shared/delivery"
	"github.com/propertypro/propertypro/shared/platform"
)

func main() { platform.Start("cron-nurture-due", delivery.NurtureDue, awsx.AttachQueues) }
