// Package lead is the brokerage's leads: who they are (phone in E.164, email), where they are
// in the pipeline (a stage machine), who works them (assignment and round-robin routing with
// a first-contact task), their activities, duplicate detection and merging, and their data
// rights under the UAE PDPL (export, and erasure deferred by AML legal holds).
package lead

import (
	"context"
	"slices"
	"time"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/page"
	"github.com/propertypro/propertypro/shared/task"
)

// Source is where a lead came from.
type Source string

// Sources lists the accepted sources.
var Sources = []Source{"property_finder", "bayut", "dubizzle", "website", "referral", "walk_in", "social", "whatsapp", "other"}

// Valid reports whether s is a known source.
func (s Source) Valid() bool { return slices.Contains(Sources, s) }

// Language is the language a lead prefers to be addressed in.
type Language string

// Languages lists the accepted languages; "other" covers the rest.
var Languages = []Language{"en", "ar", "ru", "zh", "hi", "fr", "other"}

// Valid reports whether l is a known language.
func (l Language) Valid() bool { return slices.Contains(Languages, l) }

// PropertyPreferences is what a lead is looking for.
type PropertyPreferences struct {
	Purpose       string   `json:"purpose,omitempty" enum:"sale,rent"`
	Completion    string   `json:"completion,omitempty" enum:"ready,off_plan"`
	Communities   []string `json:"communities,omitempty" maxItems:"50" doc:"Community names or location ids."`
	PropertyTypes []string `json:"property_types,omitempty" maxItems:"20" doc:"apartment, villa, townhouse, penthouse, ..."`
	Bedrooms      []int    `json:"bedrooms,omitempty" maxItems:"20" doc:"Acceptable bedroom counts; 0 is a studio."`
}

// Lead is a prospective buyer, seller, tenant or landlord.
type Lead struct {
	ID          string   `json:"id"`
	BrokerageID string   `json:"brokerage_id"`
	AgentID     string   `json:"agent_id,omitempty"`
	FullName    string   `json:"full_name"`
	Phone       string   `json:"phone_e164" doc:"The phone in E.164; empty when the given number could not be read."`
	PhoneRaw    string   `json:"phone_raw" doc:"The phone as the lead gave it."`
	Email       string   `json:"email"`
	Nationality string   `json:"nationality"`
	Language    Language `json:"language"`
	Source      Source   `json:"source"`
	Stage       Stage    `json:"stage"`
	Score       int      `json:"score"`
	BudgetMin   *float64 `json:"budget_min_aed,omitempty"`
	BudgetMax   *float64 `json:"budget_max_aed,omitempty"`

	Preferences PropertyPreferences `json:"preferences"`

	ConsentWhatsApp     bool       `json:"consent_whatsapp"`
	WhatsAppOptInAt     *time.Time `json:"whatsapp_opt_in_at,omitempty"`
	ConsentEmail        bool       `json:"consent_email"`
	EmailUnsubscribedAt *time.Time `json:"email_unsubscribed_at,omitempty"`
	ConsentSMS          bool       `json:"consent_sms"`
	DoNotCall           bool       `json:"do_not_call"`
	LastInboundAt       *time.Time `json:"last_inbound_at,omitempty"`
	FirstContactedAt    *time.Time `json:"first_contacted_at,omitempty"`

	// MergedInto is the surviving lead this one was folded into.
	MergedInto string `json:"merged_into,omitempty"`
	// ErasedAt is when personal data was anonymised on the person's request.
	ErasedAt *time.Time `json:"erased_at,omitempty"`

	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// DeletedAt marks a soft-deleted lead; deleted leads are never served.
	DeletedAt *time.Time `json:"-"`
}

// ActivityKind is what happened on a lead.
type ActivityKind string

// The kinds of activity. StageChange and Assignment are written by the system only.
const (
	Note        ActivityKind = "note"
	Call        ActivityKind = "call"
	Email       ActivityKind = "email"
	WhatsApp    ActivityKind = "whatsapp"
	SMS         ActivityKind = "sms"
	Meeting     ActivityKind = "meeting"
	StageChange ActivityKind = "stage_change"
	Assignment  ActivityKind = "assignment"
)

// Contact reports whether the activity is a contact with the lead, which ends the
// speed-to-lead clock.
func (k ActivityKind) Contact() bool {
	return slices.Contains([]ActivityKind{Call, Email, WhatsApp, SMS, Meeting}, k)
}

// LeadActivity is one entry of a lead's timeline.
type LeadActivity struct {
	ID      int64        `json:"id"`
	LeadID  string       `json:"lead_id"`
	ActorID string       `json:"actor_id,omitempty"`
	Kind    ActivityKind `json:"kind"`
	Body    string       `json:"body"`
	At      time.Time    `json:"at"`
}

// Filter narrows a lead listing.
type Filter struct {
	Stage    Stage
	Source   Source
	AgentID  string // an agent's id, or "none" for unassigned leads
	ScoreMin *int
	ScoreMax *int
	Q        string
	// Phone is Q read as a phone number ("" when it is not one), so that "050 123 4567"
	// finds +971501234567.
	Phone string
}

// Member is a user of the brokerage as assignment sees them.
type Member = task.Member

// DealFacts is what erasure needs to know about a deal of the lead to decide AML retention.
type DealFacts struct {
	ID        string
	Stage     string
	AMLFlag   bool
	CreatedAt time.Time
	ClosedAt  *time.Time
}

// Records is everything held about a lead beyond its own row, for export.
type Records struct {
	Activities []LeadActivity   `json:"activities"`
	Tasks      []task.Task      `json:"tasks"`
	Viewings   []map[string]any `json:"viewings"`
	Deals      []map[string]any `json:"deals"`
	Audit      []audit.Record   `json:"audit"`
}

// Erasing says what to anonymise beyond the lead rows themselves.
type Erasing struct {
	LeadIDs []string
	// LeadFields are the lead JSON fields erased, scrubbed from earlier audit snapshots too.
	LeadFields []string
	// KeepDeals keeps deal parties, which AML record keeping needs.
	KeepDeals bool
}

// Store keeps leads. Reads outside a transaction go through the Store; every write goes
// through a Tx, so that a lead, its activities, tasks and audit entries change together.
type Store interface {
	// InTx runs fn in one transaction, committing only when it returns nil. Inside fn only
	// tx may be used.
	InTx(ctx context.Context, fn func(tx Tx) error) error
	// Lead returns a live (not deleted) lead of the brokerage, merged ones included.
	Lead(ctx context.Context, brokerageID, id string) (Lead, error)
	// Leads lists live, unmerged leads in scope, limit+1 rows for page.Trim.
	Leads(ctx context.Context, brokerageID string, s task.Scope, f Filter, p page.Request) ([]Lead, error)
	// Activities lists a lead's timeline, limit+1 rows for page.Trim.
	Activities(ctx context.Context, brokerageID, leadID string, p page.Request) ([]LeadActivity, error)
	Member(ctx context.Context, brokerageID, userID string) (Member, error)
}

// Tx is the writes of one transaction.
type Tx interface {
	// Lock serialises transactions that touch the same identity keys (phone, email) until
	// this one ends, so two identical creates cannot both pass the duplicate check.
	Lock(ctx context.Context, brokerageID string, keys []string) error
	// Duplicate returns the id of a live, unmerged, unerased lead other than exceptID with
	// the phone or the email, or "".
	Duplicate(ctx context.Context, brokerageID, phone, email, exceptID string) (string, error)
	// NextAgent picks the active agent after the last one routed to, in a stable order, and
	// records the pick; the zero Member when the brokerage has no active agent.
	NextAgent(ctx context.Context, brokerageID string) (Member, error)
	// Lead returns a live lead, locked for update.
	Lead(ctx context.Context, brokerageID, id string) (Lead, error)
	// MergedInto returns the leads folded into id, locked for update.
	MergedInto(ctx context.Context, brokerageID, id string) ([]Lead, error)
	Insert(ctx context.Context, l Lead) (Lead, error)
	// Save writes l if its version is still l.Version and bumps the version.
	Save(ctx context.Context, l Lead) (Lead, error)
	AddActivity(ctx context.Context, a LeadActivity, brokerageID string) (LeadActivity, error)
	AddTask(ctx context.Context, t task.Task) (task.Task, error)
	// CloseTasks sets the status of the lead's open tasks of a kind, returning them as they
	// are now.
	CloseTasks(ctx context.Context, brokerageID, leadID string, kind task.Kind, status task.Status) ([]task.Task, error)
	// MoveRecords re-points activities, tasks, viewings, deals and earlier merges from one
	// lead to another.
	MoveRecords(ctx context.Context, brokerageID, fromID, toID string) error
	Deals(ctx context.Context, brokerageID string, leadIDs []string) ([]DealFacts, error)
	// Records gathers a lead's data for export; AML flags only when withAML.
	Records(ctx context.Context, brokerageID string, leadIDs []string, withAML bool) (Records, error)
	// Erase anonymises the personal data held about the leads outside their own rows.
	Erase(ctx context.Context, brokerageID string, e Erasing) error
	Audit(ctx context.Context, e audit.Entry) error
}

// scopeOf is the part of the brokerage an actor's lead listings cover.
func scopeOf(a access.Actor) task.Scope { return task.ScopeOf(a) }
