package lead

import (
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/propertypro/propertypro/shared/apperr"
)

// NewLead is what creating a lead takes.
type NewLead struct {
	FullName        string              `json:"full_name,omitempty" maxLength:"200"`
	Phone           string              `json:"phone,omitempty" maxLength:"64" doc:"As the lead gave it; stored as given and normalised to E.164."`
	Email           string              `json:"email,omitempty" maxLength:"254"`
	Nationality     string              `json:"nationality,omitempty" maxLength:"80"`
	Language        Language            `json:"language,omitempty" enum:"en,ar,ru,zh,hi,fr,other" doc:"Default en."`
	Source          Source              `json:"source,omitempty" enum:"property_finder,bayut,dubizzle,website,referral,walk_in,social,whatsapp,other" doc:"Default other."`
	Stage           Stage               `json:"stage,omitempty" enum:"new,contacted,qualified,viewing,offer,won,lost,nurture" doc:"Default new; another stage for leads imported mid-pipeline."`
	Score           int                 `json:"score,omitempty" minimum:"0" maximum:"100"`
	BudgetMin       *float64            `json:"budget_min_aed,omitempty" minimum:"0"`
	BudgetMax       *float64            `json:"budget_max_aed,omitempty" minimum:"0"`
	Preferences     PropertyPreferences `json:"preferences,omitempty"`
	ConsentWhatsApp bool                `json:"consent_whatsapp,omitempty" doc:"The lead opted in to WhatsApp messages; records whatsapp_opt_in_at."`
	ConsentEmail    bool                `json:"consent_email,omitempty"`
	ConsentSMS      bool                `json:"consent_sms,omitempty"`
	DoNotCall       bool                `json:"do_not_call,omitempty"`
	AgentID         string              `json:"agent_id,omitempty" maxLength:"64" doc:"Who works the lead. Omitted: agents own what they create; for admins and managers the lead is routed round robin."`
}

// LeadPatch is a partial update of a lead; nil fields are left alone. The agent changes
// through assignment, not here.
type LeadPatch struct {
	FullName        *string              `json:"full_name,omitempty" maxLength:"200"`
	Phone           *string              `json:"phone,omitempty" maxLength:"64"`
	Email           *string              `json:"email,omitempty" maxLength:"254"`
	Nationality     *string              `json:"nationality,omitempty" maxLength:"80"`
	Language        *Language            `json:"language,omitempty" enum:"en,ar,ru,zh,hi,fr,other"`
	Source          *Source              `json:"source,omitempty" enum:"property_finder,bayut,dubizzle,website,referral,walk_in,social,whatsapp,other"`
	Stage           *Stage               `json:"stage,omitempty" enum:"new,contacted,qualified,viewing,offer,won,lost,nurture" doc:"Follows the stage machine; an invalid move answers 422 listing the allowed next stages."`
	Score           *int                 `json:"score,omitempty" minimum:"0" maximum:"100"`
	BudgetMin       *float64             `json:"budget_min_aed,omitempty" minimum:"0"`
	BudgetMax       *float64             `json:"budget_max_aed,omitempty" minimum:"0"`
	Preferences     *PropertyPreferences `json:"preferences,omitempty" doc:"Replaces the preferences."`
	ConsentWhatsApp *bool                `json:"consent_whatsapp,omitempty"`
	ConsentEmail    *bool                `json:"consent_email,omitempty" doc:"false after true is an unsubscribe: records email_unsubscribed_at."`
	ConsentSMS      *bool                `json:"consent_sms,omitempty"`
	DoNotCall       *bool                `json:"do_not_call,omitempty"`
}

// Build makes a lead of the brokerage from what a client sent: identity normalised,
// defaults filled, consents stamped, every rule checked.
func Build(brokerageID string, nl NewLead, now time.Time) (Lead, error) {
	l := Lead{BrokerageID: brokerageID, AgentID: nl.AgentID, FullName: strings.TrimSpace(nl.FullName),
		Nationality: strings.TrimSpace(nl.Nationality), Language: nl.Language, Source: nl.Source, Stage: nl.Stage,
		Score: nl.Score, BudgetMin: nl.BudgetMin, BudgetMax: nl.BudgetMax, Preferences: tidy(nl.Preferences),
		ConsentSMS: nl.ConsentSMS, DoNotCall: nl.DoNotCall}
	setPhone(&l, nl.Phone)
	l.Email = NormalizeEmail(nl.Email)
	if l.Language == "" {
		l.Language = "en"
	}
	if l.Source == "" {
		l.Source = "other"
	}
	if l.Stage == "" {
		l.Stage = StageNew
	}
	SetConsent(&l, WhatsApp, nl.ConsentWhatsApp, now)
	SetConsent(&l, Email, nl.ConsentEmail, now)
	fe := Validate(l)
	if l.PhoneRaw == "" && l.Email == "" {
		fe = append(fe, apperr.FieldError{Field: "phone", Message: "a lead needs a phone or an email"})
	}
	if len(fe) > 0 {
		return Lead{}, apperr.Validation(fe...)
	}
	return l, nil
}

func setPhone(l *Lead, raw string) {
	l.PhoneRaw = strings.TrimSpace(raw)
	l.Phone = NormalizePhone(l.PhoneRaw)
}

// SetConsent records a consent decision on one channel with its timestamp: opting in to
// WhatsApp stamps whatsapp_opt_in_at (the proof a first message needs) and withdrawing clears
// it; leaving email after being on it stamps email_unsubscribed_at.
func SetConsent(l *Lead, channel ActivityKind, on bool, now time.Time) {
	switch channel {
	case WhatsApp:
		switch {
		case on && !l.ConsentWhatsApp:
			l.WhatsAppOptInAt = &now
		case !on:
			l.WhatsAppOptInAt = nil
		}
		l.ConsentWhatsApp = on
	case Email:
		switch {
		case !on && l.ConsentEmail:
			l.EmailUnsubscribedAt = &now
		case on:
			l.EmailUnsubscribedAt = nil
		}
		l.ConsentEmail = on
	case SMS:
		l.ConsentSMS = on
	}
}

// Validate checks a lead's values, field by field.
func Validate(l Lead) []apperr.FieldError {
	var fe []apperr.FieldError
	add := func(field, msg string, v any) {
		fe = append(fe, apperr.FieldError{Field: field, Message: msg, Value: v})
	}
	if l.Email != "" {
		if a, err := mail.ParseAddress(l.Email); err != nil || a.Address != l.Email {
			add("email", "is not a valid email address", l.Email)
		}
	}
	if !l.Language.Valid() {
		add("language", "must be one of en, ar, ru, zh, hi, fr, other", l.Language)
	}
	if !l.Source.Valid() {
		add("source", "must be one of property_finder, bayut, dubizzle, website, referral, walk_in, social, whatsapp, other", l.Source)
	}
	if !l.Stage.Valid() {
		add("stage", "must be one of "+join(Stages), l.Stage)
	}
	if l.Score < 0 || l.Score > 100 {
		add("score", "must be between 0 and 100", l.Score)
	}
	if l.BudgetMin != nil && *l.BudgetMin < 0 {
		add("budget_min_aed", "must not be negative", *l.BudgetMin)
	}
	if l.BudgetMax != nil && *l.BudgetMax < 0 {
		add("budget_max_aed", "must not be negative", *l.BudgetMax)
	}
	if l.BudgetMin != nil && l.BudgetMax != nil && *l.BudgetMin > *l.BudgetMax {
		add("budget_min_aed", "must not exceed budget_max_aed", *l.BudgetMin)
	}
	return append(fe, validPreferences(l.Preferences)...)
}

func validPreferences(p PropertyPreferences) []apperr.FieldError {
	var fe []apperr.FieldError
	if p.Purpose != "" && p.Purpose != "sale" && p.Purpose != "rent" {
		fe = append(fe, apperr.FieldError{Field: "preferences.purpose", Message: "must be sale or rent", Value: p.Purpose})
	}
	if p.Completion != "" && p.Completion != "ready" && p.Completion != "off_plan" {
		fe = append(fe, apperr.FieldError{Field: "preferences.completion", Message: "must be ready or off_plan", Value: p.Completion})
	}
	for _, b := range p.Bedrooms {
		if b < 0 || b > 50 {
			fe = append(fe, apperr.FieldError{Field: "preferences.bedrooms", Message: "must be between 0 and 50", Value: b})
			break
		}
	}
	return fe
}

// Apply applies a patch: identity is normalised again, the stage must follow the machine and
// consents are stamped. It returns the fields' errors, or nil.
func Apply(l *Lead, p LeadPatch, now time.Time) error {
	if p.Stage != nil {
		if err := Move(l.Stage, *p.Stage); err != nil {
			return err
		}
		l.Stage = *p.Stage
	}
	setString(&l.FullName, p.FullName)
	setString(&l.Nationality, p.Nationality)
	if p.Phone != nil {
		setPhone(l, *p.Phone)
	}
	if p.Email != nil {
		l.Email = NormalizeEmail(*p.Email)
	}
	if p.Language != nil {
		l.Language = *p.Language
	}
	if p.Source != nil {
		l.Source = *p.Source
	}
	if p.Score != nil {
		l.Score = *p.Score
	}
	if p.BudgetMin != nil {
		l.BudgetMin = p.BudgetMin
	}
	if p.BudgetMax != nil {
		l.BudgetMax = p.BudgetMax
	}
	if p.Preferences != nil {
		l.Preferences = tidy(*p.Preferences)
	}
	applyConsents(l, p, now)
	fe := Validate(*l)
	if l.PhoneRaw == "" && l.Email == "" {
		fe = append(fe, apperr.FieldError{Field: "phone", Message: "a lead needs a phone or an email"})
	}
	if len(fe) > 0 {
		return apperr.Validation(fe...)
	}
	return nil
}

func applyConsents(l *Lead, p LeadPatch, now time.Time) {
	if p.ConsentWhatsApp != nil {
		SetConsent(l, WhatsApp, *p.ConsentWhatsApp, now)
	}
	if p.ConsentEmail != nil {
		SetConsent(l, Email, *p.ConsentEmail, now)
	}
	if p.ConsentSMS != nil {
		SetConsent(l, SMS, *p.ConsentSMS, now)
	}
	if p.DoNotCall != nil {
		l.DoNotCall = *p.DoNotCall
	}
}

func setString(dst *string, v *string) {
	if v != nil {
		*dst = strings.TrimSpace(*v)
	}
}

// tidy trims and de-duplicates preference lists, keeping the first spelling of each.
func tidy(p PropertyPreferences) PropertyPreferences {
	p.Communities = uniqueFold(p.Communities)
	p.PropertyTypes = uniqueFold(p.PropertyTypes)
	slices.Sort(p.Bedrooms)
	p.Bedrooms = slices.Compact(p.Bedrooms)
	return p
}

func uniqueFold(ss []string) []string {
	var out []string
	for _, s := range ss {
		s = strings.TrimSpace(s)
		if s != "" && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, s) }) {
			out = append(out, s)
		}
	}
	return out
}

// IdentityKeys are the keys under which creates and identity changes of a lead serialise.
func IdentityKeys(l Lead) []string {
	var keys []string
	if l.Phone != "" {
		keys = append(keys, "phone:"+l.Phone)
	}
	if l.Email != "" {
		keys = append(keys, "email:"+l.Email)
	}
	return keys
}

// Duplicate is the conflict a lead matching an existing one answers, naming it.
func Duplicate(existingID string) error {
	return &apperr.Error{Code: apperr.Conflict, ExistingID: existingID,
		Message: "a lead with this phone or email already exists: " + existingID}
}
