package api

func insightRoutes() map[string]Route { return map[string]Route{} }
