package functions

// knowledgeFunctions are documents, retrieval and the AI assistant.
var knowledgeFunctions = []Function{}
