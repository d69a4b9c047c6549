package api

func knowledgeRoutes() map[string]Route { return map[string]Route{} }
