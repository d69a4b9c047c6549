package lead

import (
	"slices"
	"time"
)

// Fold merges a duplicate into the survivor: the survivor's values win, the duplicate fills
// what the survivor lacks, preference lists are united, the earliest creation and first
// contact and the latest inbound message are kept. Consents take the safer reading: an
// opt-in on either record stands (it was given), and so do an unsubscribe or a do-not-call.
func Fold(survivor, dup Lead) Lead {
	out := survivor
	fill(&out.AgentID, dup.AgentID)
	fill(&out.FullName, dup.FullName)
	if out.PhoneRaw == "" || (out.Phone == "" && dup.Phone != "") {
		out.Phone, out.PhoneRaw = dup.Phone, dup.PhoneRaw
	}
	fill(&out.Email, dup.Email)
	fill(&out.Nationality, dup.Nationality)
	if out.Source == "other" && dup.Source != "" {
		out.Source = dup.Source
	}
	out.Score = max(out.Score, dup.Score)
	if out.BudgetMin == nil {
		out.BudgetMin = dup.BudgetMin
	}
	if out.BudgetMax == nil {
		out.BudgetMax = dup.BudgetMax
	}
	if out.BudgetMin != nil && out.BudgetMax != nil && *out.BudgetMin > *out.BudgetMax {
		out.BudgetMin, out.BudgetMax = survivor.BudgetMin, survivor.BudgetMax
	}
	out.Preferences = unitePreferences(out.Preferences, dup.Preferences)
	foldConsents(&out, dup)
	out.FirstContactedAt = earliest(out.FirstContactedAt, dup.FirstContactedAt)
	out.LastInboundAt = latest(out.LastInboundAt, dup.LastInboundAt)
	if dup.CreatedAt.Before(out.CreatedAt) {
		out.CreatedAt = dup.CreatedAt
	}
	return out
}

func foldConsents(out *Lead, dup Lead) {
	if dup.ConsentWhatsApp {
		out.WhatsAppOptInAt = earliest(out.WhatsAppOptInAt, dup.WhatsAppOptInAt)
		out.ConsentWhatsApp = true
	}
	if out.EmailUnsubscribedAt != nil || dup.EmailUnsubscribedAt != nil {
		out.ConsentEmail = false
		out.EmailUnsubscribedAt = latest(out.EmailUnsubscribedAt, dup.EmailUnsubscribedAt)
	} else if dup.ConsentEmail {
		out.ConsentEmail = true
	}
	out.ConsentSMS = out.ConsentSMS || dup.ConsentSMS
	out.DoNotCall = out.DoNotCall || dup.DoNotCall
}

func unitePreferences(a, b PropertyPreferences) PropertyPreferences {
	fill(&a.Purpose, b.Purpose)
	fill(&a.Completion, b.Completion)
	a.Communities = append(slices.Clone(a.Communities), b.Communities...)
	a.PropertyTypes = append(slices.Clone(a.PropertyTypes), b.PropertyTypes...)
	a.Bedrooms = append(slices.Clone(a.Bedrooms), b.Bedrooms...)
	return tidy(a)
}

func fill(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

func earliest(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.Before(*a)) {
		return b
	}
	return a
}

func latest(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.After(*a)) {
		return b
	}
	return a
}
