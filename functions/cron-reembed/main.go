// Command cron-reembed is a Lambda function; see its entry in functions/manifest.go.
package main

import (
	"github.com/propertypro/propertypro/shared/knowledgewire"
	"github.com/propertypro/propertypro/shared/platform"
)

func main() { platform.Start("cron-reembed", knowledgewire.Reembed) }
