package api

func opsRoutes() map[string]Route { return map[string]Route{} }
