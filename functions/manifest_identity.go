package functions

import "time"

// identityFunctions are sign-in and user management.
var identityFunctions = []Function{
	{
		Name:     "api-auth-login",
		Summary:  "Signs in with email and password; returns access and refresh tokens.",
		Route:    "POST /v1/auth/login",
		Public:   true,
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-auth-refresh",
		Summary:  "Rotates a refresh token for a new pair; reuse of an old one revokes its family.",
		Route:    "POST /v1/auth/refresh",
		Public:   true,
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-auth-logout",
		Summary:  "Ends every session of the caller.",
		Route:    "POST /v1/auth/logout",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-me",
		Summary:  "The caller's own user.",
		Route:    "GET /v1/me",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-users-list",
		Summary:  "Lists the users of the caller's brokerage (admins and managers).",
		Route:    "GET /v1/users",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-users-create",
		Summary:  "Creates a user in the caller's brokerage (admins).",
		Route:    "POST /v1/users",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-users-get",
		Summary:  "One user of the caller's brokerage.",
		Route:    "GET /v1/users/{id}",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-users-update",
		Summary:  "Changes a user's role, team, BRN, name or active flag (admins; If-Match).",
		Route:    "PATCH /v1/users/{id}",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-users-deactivate",
		Summary:  "Deactivates a user: they can no longer sign in; their records stay.",
		Route:    "DELETE /v1/users/{id}",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
}
