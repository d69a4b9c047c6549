package functions

import "time"

// locationFunctions are the place tree (communities, buildings) and its aliases: reference
// data that every signed-in user reads and nobody writes through the API.
var locationFunctions = []Function{
	{
		Name:     "api-locations-list",
		Summary:  "Lists places of the Dubai tree, filtered by name or spelling, kind and parent.",
		Route:    "GET /v1/locations",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-locations-get",
		Summary:  "One place with its known spellings and the path of its ancestors.",
		Route:    "GET /v1/locations/{id}",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
}
