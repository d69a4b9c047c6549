// Package market is the market data ingested from research feeds: communities with their
// latest figures and their trends over time by property type.
package market

import (
	"strings"
	"time"
	"unicode"
)

// Community is a community with ingested market data and its latest figures.
type Community struct {
	ID               string    `json:"id" doc:"The location id when the name resolves to the place tree, otherwise a slug of the name."`
	Name             string    `json:"name"`
	LocationID       string    `json:"location_id,omitempty"`
	AvgPricePerSqft  float64   `json:"avg_price_per_sqft" doc:"Latest average price per sqft (AED), all property types."`
	TransactionCount int       `json:"transaction_volume" doc:"Transactions in the latest period."`
	DaysOnMarket     int       `json:"days_on_market"`
	LatestPeriod     time.Time `json:"latest_period"`
	Observations     int       `json:"observations"`
}

// Point is one period's figures for one property type.
type Point struct {
	Period            time.Time `json:"period"`
	PropertyType      string    `json:"property_type" doc:"A segment (residential, off-plan, ...) or all."`
	AvgPricePerSqft   float64   `json:"avg_price_per_sqft"`
	TransactionVolume int       `json:"transaction_volume"`
	DaysOnMarket      int       `json:"days_on_market"`
	Sources           int       `json:"sources" doc:"How many feeds the figures average."`
}

// Trends is a community's series.
type Trends struct {
	Community Community `json:"community"`
	Points    []Point   `json:"points"`
}

// Slug is the URL-safe id of a community name without a location.
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(name)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
