package api

func nurtureRoutes() map[string]Route { return map[string]Route{} }
