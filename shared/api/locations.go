package api

func locationRoutes() map[string]Route { return map[string]Route{} }
