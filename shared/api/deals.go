package api

func dealRoutes() map[string]Route { return map[string]Route{} }
