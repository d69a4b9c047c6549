package api

func leadRoutes() map[string]Route { return map[string]Route{} }
