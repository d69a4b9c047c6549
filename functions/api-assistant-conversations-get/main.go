// Command api-assistant-conversations-get is a Lambda function; see its entry in functions/manifest.go.
package main

import (
	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/knowledgeapi"
	"github.com/propertypro/propertypro/shared/platform"
)

func main() {
	platform.Start("api-assistant-conversations-get", api.Builder(knowledgeapi.ConversationsGet))
}
