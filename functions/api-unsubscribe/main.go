// Command api-unsubscribe is a Lambda function; see its entry in functions/manifest.go.
package main

import (
	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/nurtureapi"
	"github.com/propertypro/propertypro/shared/platform"
)

func main() { platform.Start("api-unsubscribe", api.Builder(nurtureapi.Unsubscribe)) }
