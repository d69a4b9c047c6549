package data

// The sample data drops in sample/ are written by the project's simulator (never copied from
// a customer's export); `go generate ./data` rewrites them byte for byte, and a test in
// shared/simulate fails when they drift from what the simulator writes.
//go:generate env LOCAL_DIR=../.local go run ../cmd/propertypro simulate --sample --out sample
