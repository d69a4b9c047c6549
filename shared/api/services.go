package api

import (
	"github.com/propertypro/propertypro/shared/identity"
	"github.com/propertypro/propertypro/shared/platform"
)

// IdentityService is the identity service the API uses, for the CLI's user commands.
func IdentityService(b *platform.Boot) *identity.Service { return identityService(b) }
