package api

func listingRoutes() map[string]Route { return map[string]Route{} }
