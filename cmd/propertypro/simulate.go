package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/propertypro/propertypro/shared/simulate"
)

type simulateCmd struct {
	Out          string   `required:"" type:"path" help:"Folder to write the files into (created if needed)."`
	Seed         uint64   `default:"1" help:"Seed: the same seed and counts give byte-identical files."`
	AsOf         string   `name:"as-of" default:"2025-09-30" help:"Export date (YYYY-MM-DD): past dates fall before it, off-plan handovers after."`
	Properties   int      `default:"2000" help:"Rows of properties.csv."`
	Listings     int      `default:"1000" help:"Rows of listings.csv (listing i advertises property i, so at most --properties)."`
	Transactions int      `default:"5000" help:"Rows of transactions.csv (streamed: millions are fine)."`
	Clients      int      `default:"1000" help:"Rows of clients.csv."`
	Agents       int      `default:"50" help:"Rows of agents.csv."`
	Users        int      `default:"30" help:"Rows of users.csv."`
	MarketMonths int      `name:"market-months" default:"12" help:"Months of market_data.csv and market_trends.json per community."`
	Only         []string `help:"Write only these datasets (comma-separated), e.g. properties,transactions."`
	Sample       bool     `help:"Write the small sample committed under data/sample (its counts replace the flags above)."`
}

// Run writes the simulated datasets and lists them in the order they ingest cleanly.
func (c simulateCmd) Run(e *env) error {
	asOf, err := time.Parse(time.DateOnly, c.AsOf)
	if err != nil {
		return fmt.Errorf("--as-of: %w", err)
	}
	o := simulate.Options{Seed: c.Seed, AsOf: asOf, Properties: c.Properties, Listings: c.Listings, Transactions: c.Transactions,
		Clients: c.Clients, Agents: c.Agents, Users: c.Users, MarketMonths: c.MarketMonths, Only: c.Only}
	if c.Sample {
		o = simulate.Sample()
		o.Seed, o.AsOf, o.Only = c.Seed, asOf, c.Only
	}
	start := time.Now()
	files, err := simulate.Write(c.Out, o)
	if err != nil {
		return err
	}
	for _, f := range files {
		progress("%-20s %-15s %9d rows %8.1f MB", f.Name, f.Dataset, f.Rows, float64(f.Bytes)/(1<<20))
	}
	progress("wrote %d files to %s in %s; ingest them in this order:", len(files), c.Out, time.Since(start).Round(time.Millisecond))
	for _, f := range files {
		fmt.Fprintf(os.Stdout, "%s\n", filepath.Join(c.Out, f.Name))
	}
	return nil
}
