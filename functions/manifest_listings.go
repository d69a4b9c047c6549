package functions

import "time"

// listingFunctions are property listings.
var listingFunctions = []Function{
	{
		Name:     "api-listings-list",
		Summary:  "Searches the listings the caller may see: community, place, type, beds, price, status, agent, full text.",
		Route:    "GET /v1/listings",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-listings-create",
		Summary:  "Creates a listing; an active one needs a valid DLD Trakheesi permit.",
		Route:    "POST /v1/listings",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-listings-get",
		Summary:  "One listing the caller may see.",
		Route:    "GET /v1/listings/{id}",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-listings-update",
		Summary:  "Changes a listing or its status (If-Match).",
		Route:    "PATCH /v1/listings/{id}",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-listings-delete",
		Summary:  "Deletes a listing (soft: it disappears from reads and searches; the record stays).",
		Route:    "DELETE /v1/listings/{id}",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
}
