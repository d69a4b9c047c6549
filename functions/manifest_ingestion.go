package functions

// ingestionFunctions are data drops: ingestion of CSV, JSON and XLSX files, reports and market data.
var ingestionFunctions = []Function{}
