// Package deal is the sales side of the CRM: viewings of listings with leads, and deals with
// their Dubai money rules (commission, VAT, Form I co-broke split, DLD fee), their stage
// machine (offer to transfer, Form F, Ejari for leases) and the AML screen whose flag only
// compliance officers ever see.
package deal

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/propertypro/propertypro/shared/apperr"
)

// Kind is what is being transacted.
type Kind string

// The kinds of deal.
const (
	Sale    Kind = "sale"
	Rent    Kind = "rent"
	OffPlan Kind = "off_plan"
)

// Kinds lists every kind.
var Kinds = []Kind{Sale, Rent, OffPlan}

// Stage is where a deal is in its pipeline.
type Stage string

// The stages, in pipeline order.
const (
	Offer       Stage = "offer"
	Negotiation Stage = "negotiation"
	MOUSigned   Stage = "mou_signed" // RERA Form F signed by buyer and seller
	Transfer    Stage = "transfer"   // at the DLD trustee office
	ClosedWon   Stage = "closed_won"
	ClosedLost  Stage = "closed_lost"
)

// OpenStages are the stages of deals still in the pipeline, in order.
var OpenStages = []Stage{Offer, Negotiation, MOUSigned, Transfer}

// Open reports whether a deal in this stage is still in the pipeline.
func (s Stage) Open() bool { return slices.Contains(OpenStages, s) }

// PaymentMethod is how (part of) a price is paid.
type PaymentMethod string

// The payment methods.
const (
	Cash          PaymentMethod = "cash"
	Cheque        PaymentMethod = "cheque"
	BankTransfer  PaymentMethod = "bank_transfer"
	Mortgage      PaymentMethod = "mortgage"
	VirtualAsset  PaymentMethod = "virtual_asset"
	DeveloperPlan PaymentMethod = "developer_plan"
)

// PaymentMethods lists every method.
var PaymentMethods = []PaymentMethod{Cash, Cheque, BankTransfer, Mortgage, VirtualAsset, DeveloperPlan}

// Payment is one part of how the price is paid.
type Payment struct {
	Method    PaymentMethod `json:"method" enum:"cash,cheque,bank_transfer,mortgage,virtual_asset,developer_plan"`
	AmountAED Money         `json:"amount_aed" exclusiveMinimum:"0" maximum:"999999999999.99" doc:"AED."`
}

// Parties names the people on each side of the deal.
type Parties struct {
	Buyer     string `json:"buyer,omitempty" maxLength:"200"`
	Seller    string `json:"seller,omitempty" maxLength:"200"`
	Tenant    string `json:"tenant,omitempty" maxLength:"200"`
	Landlord  string `json:"landlord,omitempty" maxLength:"200"`
	Developer string `json:"developer,omitempty" maxLength:"200"`
}

// Deal is one transaction. Its amounts are always computed here from the price and the
// rates, never taken from a client. The AML fields never reach JSON directly: callers see
// a deal through DealView, which shows them to compliance officers only.
type Deal struct {
	ID               string     `json:"id"`
	BrokerageID      string     `json:"brokerage_id"`
	AgentID          string     `json:"agent_id,omitempty"`
	LeadID           string     `json:"lead_id,omitempty"`
	ListingID        string     `json:"listing_id,omitempty"`
	Kind             Kind       `json:"kind"`
	Stage            Stage      `json:"stage"`
	PriceAED         Money      `json:"price_aed" doc:"Sale or off-plan price, or the annual rent, in AED."`
	CommissionRate   Rate       `json:"commission_rate" doc:"Fraction of the price (e.g. 0.02)."`
	CommissionAED    Money      `json:"commission_aed" doc:"Price × commission rate."`
	VATAED           Money      `json:"vat_aed" doc:"VAT on the commission."`
	CoBrokeBrokerage string     `json:"co_broke_brokerage,omitempty" doc:"The other brokerage of a Form I agreement."`
	CoBrokeSplit     Rate       `json:"co_broke_split" doc:"Share of the commission that goes to the other brokerage."`
	OurCommissionAED Money      `json:"our_commission_aed" doc:"Commission × (1 − co-broke split)."`
	DLDFeeAED        Money      `json:"dld_fee_aed" doc:"DLD transfer fee (sales and off-plan; 0 for leases)."`
	EjariNumber      string     `json:"ejari_number,omitempty"`
	Payments         []Payment  `json:"payments"`
	Parties          Parties    `json:"parties"`
	ClosedAt         *time.Time `json:"closed_at,omitempty"`
	Version          int        `json:"version"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`

	AMLFlag    bool     `json:"-"`
	AMLReasons []string `json:"-"`
}

// DealView is a deal as one caller may see it: the AML fields are present only for compliance
// officers and absent (not false) for everyone else, so nothing can tip a client off.
type DealView struct {
	Deal
	AMLFlag    *bool    `json:"aml_flag,omitempty" doc:"Compliance officers only: the deal needs an AML review."`
	AMLReasons []string `json:"aml_reasons,omitempty" doc:"Compliance officers only: why the deal is flagged."`
}

// ViewOf shows d with or without its AML screen.
func ViewOf(d Deal, seesAML bool) DealView {
	v := DealView{Deal: d}
	if seesAML {
		flag := d.AMLFlag
		v.AMLFlag, v.AMLReasons = &flag, slices.Clone(d.AMLReasons)
		if v.AMLReasons == nil {
			v.AMLReasons = []string{}
		}
	}
	return v
}

// Settings are the configured rates and thresholds.
type Settings struct {
	SaleRate         Rate  // COMMISSION_SALE_RATE
	RentRate         Rate  // COMMISSION_RENT_RATE
	OffPlanRate      Rate  // COMMISSION_OFFPLAN_RATE
	VATRate          Rate  // VAT_RATE
	DLDFeeRate       Rate  // DLD_TRANSFER_FEE_RATE
	AMLCashThreshold Money // AML_CASH_THRESHOLD_AED
}

// DefaultSettings are the usual Dubai figures.
func DefaultSettings() Settings {
	return Settings{SaleRate: 200, RentRate: 500, OffPlanRate: 200, VATRate: 500, DLDFeeRate: 400,
		AMLCashThreshold: AED(55_000)}
}

// DefaultRate is the configured commission rate of a kind of deal.
func (s Settings) DefaultRate(k Kind) Rate {
	switch k {
	case Rent:
		return s.RentRate
	case OffPlan:
		return s.OffPlanRate
	}
	return s.SaleRate
}

// Compute fills in every derived field of d: the amounts from the price and rates, and the
// AML screen from the payments. It runs on every write.
func (s Settings) Compute(d *Deal) {
	d.CommissionAED = d.PriceAED.Times(d.CommissionRate)
	d.VATAED = d.CommissionAED.Times(s.VATRate)
	d.OurCommissionAED = d.CommissionAED.Times(RateScale - d.CoBrokeSplit)
	d.DLDFeeAED = 0
	if d.Kind == Sale || d.Kind == OffPlan {
		d.DLDFeeAED = d.PriceAED.Times(s.DLDFeeRate)
	}
	d.AMLReasons = s.Screen(d.Payments)
	d.AMLFlag = len(d.AMLReasons) > 0
}

// Screen returns why payments need an AML review (goAML report): cash reaching the
// threshold in total, however it is split, or any part paid in virtual assets.
func (s Settings) Screen(payments []Payment) []string {
	var cash Money
	virtual := false
	for _, p := range payments {
		switch p.Method {
		case Cash:
			cash += p.AmountAED
		case VirtualAsset:
			virtual = true
		}
	}
	reasons := []string{}
	if cash >= s.AMLCashThreshold {
		reasons = append(reasons, "cash payments AED "+cash.Grouped()+" ≥ "+s.AMLCashThreshold.Grouped())
	}
	if virtual {
		reasons = append(reasons, "virtual-asset payment")
	}
	return reasons
}

// pipeline is the order of stages a kind of deal moves through to closed_won. A lease has
// no title transfer at the DLD.
func pipeline(k Kind) []Stage {
	if k == Rent {
		return []Stage{Offer, Negotiation, MOUSigned, ClosedWon}
	}
	return []Stage{Offer, Negotiation, MOUSigned, Transfer, ClosedWon}
}

// NextStages lists the stages a deal may move to from its stage: the next step of its
// pipeline, or closed_lost from any open stage. Closed deals stay closed.
func NextStages(k Kind, from Stage) []Stage {
	p := pipeline(k)
	i := slices.Index(p, from)
	if i < 0 || !from.Open() {
		return nil
	}
	return []Stage{p[i+1], ClosedLost}
}

// CheckTransition validates moving d from stage from to stage to, with the paperwork the
// target stage needs.
func CheckTransition(d Deal, from, to Stage) error {
	if from == to {
		return nil
	}
	next := NextStages(d.Kind, from)
	if !slices.Contains(next, to) {
		allowed := "none: the deal is closed"
		if len(next) > 0 {
			allowed = joinStages(next)
		}
		return apperr.Validation(apperr.FieldError{Field: "stage", Value: string(to),
			Message: "cannot move from " + string(from) + " to " + string(to) + "; allowed: " + allowed})
	}
	if to == ClosedWon && d.Kind == Rent && strings.TrimSpace(d.EjariNumber) == "" {
		return apperr.Validation(apperr.FieldError{Field: "ejari_number",
			Message: "a lease needs its Ejari registration number before it is closed_won"})
	}
	return nil
}

func joinStages(s []Stage) string {
	out := make([]string, len(s))
	for i, st := range s {
		out[i] = string(st)
	}
	return strings.Join(out, ", ")
}

// validate checks the fields a client sets, naming each bad one.
func validate(d Deal) error {
	var fe []apperr.FieldError
	if !slices.Contains(Kinds, d.Kind) {
		fe = append(fe, apperr.FieldError{Field: "kind", Message: "must be one of sale, rent, off_plan", Value: string(d.Kind)})
	}
	if d.PriceAED <= 0 || d.PriceAED > MaxMoney {
		fe = append(fe, apperr.FieldError{Field: "price_aed", Message: "must be more than 0 and at most 999,999,999,999.99"})
	}
	if slices.Contains(Kinds, d.Kind) && d.Stage != ClosedLost && !slices.Contains(pipeline(d.Kind), d.Stage) {
		fe = append(fe, apperr.FieldError{Field: "stage", Value: string(d.Stage),
			Message: "a " + string(d.Kind) + " deal has no " + string(d.Stage) + " stage"})
	}
	if d.CommissionRate < 0 || d.CommissionRate > RateScale {
		fe = append(fe, apperr.FieldError{Field: "commission_rate", Message: "must be between 0 and 1"})
	}
	if d.CoBrokeSplit < 0 || d.CoBrokeSplit > RateScale {
		fe = append(fe, apperr.FieldError{Field: "co_broke_split", Message: "must be between 0 and 1"})
	}
	if d.CoBrokeSplit > 0 && strings.TrimSpace(d.CoBrokeBrokerage) == "" {
		fe = append(fe, apperr.FieldError{Field: "co_broke_brokerage", Message: "names the other brokerage of a Form I split"})
	}
	if d.Kind == Rent && d.Stage == ClosedWon && strings.TrimSpace(d.EjariNumber) == "" {
		fe = append(fe, apperr.FieldError{Field: "ejari_number", Message: "a lease needs its Ejari registration number before it is closed_won"})
	}
	fe = append(fe, validatePayments(d.Payments)...)
	if len(fe) > 0 {
		return apperr.Validation(fe...)
	}
	return nil
}

// maxPayments bounds the payment schedule of one deal.
const maxPayments = 100

func validatePayments(ps []Payment) []apperr.FieldError {
	if len(ps) > maxPayments {
		return []apperr.FieldError{{Field: "payments", Message: "at most 100 payments"}}
	}
	var fe []apperr.FieldError
	for i, p := range ps {
		if !slices.Contains(PaymentMethods, p.Method) {
			fe = append(fe, apperr.FieldError{Field: fieldAt("payments", i, "method"), Value: string(p.Method),
				Message: "must be one of cash, cheque, bank_transfer, mortgage, virtual_asset, developer_plan"})
		}
		if p.AmountAED <= 0 || p.AmountAED > MaxMoney {
			fe = append(fe, apperr.FieldError{Field: fieldAt("payments", i, "amount_aed"), Message: "must be more than 0"})
		}
	}
	return fe
}

func fieldAt(list string, i int, field string) string {
	return list + "[" + strconv.Itoa(i) + "]." + field
}
