package api

func ingestionRoutes() map[string]Route { return map[string]Route{} }
