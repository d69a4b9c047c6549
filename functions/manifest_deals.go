package functions

import "time"

// dealFunctions are viewings and deals.
var dealFunctions = []Function{
	{
		Name:     "api-viewings-list",
		Summary:  "Lists the viewings the caller can see, filtered and paginated.",
		Route:    "GET /v1/viewings",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-viewings-create",
		Summary:  "Schedules a viewing of a listing for a lead.",
		Route:    "POST /v1/viewings",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-viewings-get",
		Summary:  "One viewing the caller can see.",
		Route:    "GET /v1/viewings/{id}",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-viewings-update",
		Summary:  "Reschedules a viewing or records its outcome and feedback (If-Match).",
		Route:    "PATCH /v1/viewings/{id}",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-viewings-delete",
		Summary:  "Deletes a viewing (soft).",
		Route:    "DELETE /v1/viewings/{id}",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-deals-list",
		Summary:  "Lists the deals the caller can see, filtered, sorted and paginated.",
		Route:    "GET /v1/deals",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-deals-create",
		Summary:  "Opens a deal; commission, VAT, co-broke split, DLD fee and AML screen are computed.",
		Route:    "POST /v1/deals",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-deals-get",
		Summary:  "One deal the caller can see (its AML screen for compliance officers only).",
		Route:    "GET /v1/deals/{id}",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-deals-update",
		Summary:  "Changes a deal or moves its stage; amounts are recomputed (If-Match).",
		Route:    "PATCH /v1/deals/{id}",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-deals-delete",
		Summary:  "Deletes a deal that is not won (soft).",
		Route:    "DELETE /v1/deals/{id}",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
}
