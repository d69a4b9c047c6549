// Package knowledge is PropertyPro's assistant and its knowledge base: documents turned into
// chunks, hybrid retrieval (vectors and full text fused by rank), intent classification,
// property searches parsed from plain questions, guardrails, conversations, the governance
// log of AI calls and the review queue.
//
// It imports no SQL, HTTP or SDK code: storage is the Repository port (shared/postgres), the
// vector store the vector.Store port, models the ai ports.
package knowledge

import (
	"context"
	"time"

	"github.com/propertypro/propertypro/shared/access"
)

// Visibility levels of knowledge: who may retrieve a chunk. They are numbers so that a vector
// store filter "visibility ≤ level of the caller's role" selects them in one condition.
const (
	VisibleToAll        = 0 // every user of the brokerage
	VisibleToManagers   = 1 // managers, admins, compliance officers and reviewers
	VisibleToCompliance = 2 // admins and compliance officers
)

// VisibilityOf is the highest visibility level a role may retrieve.
func VisibilityOf(r access.Role) int {
	switch r {
	case access.Admin, access.ComplianceOfficer:
		return VisibleToCompliance
	case access.Manager, access.Reviewer:
		return VisibleToManagers
	}
	return VisibleToAll
}

// Document statuses.
const (
	StatusAwaitingUpload = "awaiting_upload"
	StatusProcessing     = "processing"
	StatusReady          = "ready"
	StatusDuplicate      = "duplicate"
	StatusFailed         = "failed"
)

// Document is an uploaded file and where its processing stands.
type Document struct {
	ID          string     `json:"id"`
	BrokerageID string     `json:"brokerage_id"`
	UploadedBy  string     `json:"uploaded_by,omitempty"`
	Filename    string     `json:"filename"`
	Title       string     `json:"title"`
	ObjectKey   string     `json:"object_key"`
	Visibility  int        `json:"visibility" doc:"0 everyone, 1 managers and above, 2 admins and compliance officers."`
	Status      string     `json:"status" enum:"awaiting_upload,processing,ready,duplicate,failed"`
	Type        string     `json:"type,omitempty"`
	SizeBytes   int64      `json:"size_bytes"`
	ContentHash string     `json:"content_hash,omitempty"`
	DuplicateOf string     `json:"duplicate_of,omitempty"`
	Chunks      int        `json:"chunks"`
	PIIScrubbed int        `json:"pii_scrubbed" doc:"Personal data items replaced before indexing."`
	Error       string     `json:"error,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	ProcessedAt *time.Time `json:"processed_at,omitempty"`
}

// Chunk kinds: where a retrievable piece of knowledge comes from. Every kind but documents
// is structured data, rendered to text by the repository and kept in sync with its rows.
const (
	KindDocument      = "document"
	KindListing       = "listing"
	KindMarketReport  = "market_report"
	KindNeighbourhood = "neighbourhood"
	KindMarketData    = "market_data"
)

// Shared is the brokerage of knowledge every brokerage may retrieve: market reports,
// community profiles and market data are reference data, not one office's records. Chunks
// carry it as an empty BrokerageID and vectors as this metadata value.
const Shared = "*"

// Owner stamps of chunks, beside the id of the user who owns the chunk's record. Listings
// belong to an agent, and the assistant must show an agent no listing the listings API
// would not; documents and reference data belong to no one. Vectors carry the stamp as the
// metadata field "owner", so both searches filter on the same values (Scope.OwnerValues).
const (
	// NoOwner stamps knowledge of no one: its brokerage and visibility alone decide.
	NoOwner = "*"
	// Unassigned stamps a record that takes an owner but has none yet (a listing without an
	// agent): managers and the brokerage-wide roles see it, as access.Actor.CanSee says.
	Unassigned = "unassigned"
)

// Chunk is one retrievable piece of knowledge.
type Chunk struct {
	ID          string
	BrokerageID string // "" for shared reference knowledge
	Kind        string
	SourceID    string
	Ordinal     int
	Title       string
	Text        string
	Visibility  int
	Owner       string // a user id, Unassigned or NoOwner
	Model       string // embedding model of its vector; "" when not embedded yet
}

// Scope is who retrieves: their brokerage, the visibility level their role allows and whose
// records (listings) they see.
type Scope struct {
	BrokerageID string
	Visibility  int
	// Owners restricts owned knowledge to the records of these users; nil for every record
	// of the brokerage. Unassigned adds records without an owner.
	Owners     []string
	Unassigned bool
}

// ScopeOf is the retrieval scope of an actor: whose listings it includes is the rule of the
// listings search (listing.Service.Search) and of access.Actor.CanSee, so the assistant
// never quotes a listing the actor could not read through the listings API.
func ScopeOf(a access.Actor) Scope {
	return Scope{BrokerageID: a.BrokerageID, Visibility: VisibilityOf(a.Role), Owners: a.Owners(),
		Unassigned: a.Role == access.Manager}
}

// OwnerValues lists the owner stamps of the chunks the scope may retrieve, or nil for all:
// knowledge of no one, the owners' records and, when the scope includes them, unassigned
// ones. Full-text and vector search both filter on it.
func (s Scope) OwnerValues() []string {
	if s.Owners == nil {
		return nil
	}
	out := append([]string{NoOwner}, s.Owners...)
	if s.Unassigned {
		out = append(out, Unassigned)
	}
	return out
}

// Repository stores documents, chunks, conversations, reviews and the AI call log.
type Repository interface {
	CreateDocument(ctx context.Context, d Document) (Document, error)
	GetDocument(ctx context.Context, brokerageID, id string) (Document, error)
	// DocumentByKey finds the document an uploaded object belongs to.
	DocumentByKey(ctx context.Context, key string) (Document, bool, error)
	// ReadyByHash finds another ready document of the brokerage with the same content.
	ReadyByHash(ctx context.Context, brokerageID, hash, exceptID string) (string, bool, error)
	UpdateDocument(ctx context.Context, d Document) error
	// ReplaceChunks makes chunks the whole content of a source, in one transaction.
	ReplaceChunks(ctx context.Context, sourceID string, chunks []Chunk) error
	MarkEmbedded(ctx context.Context, ids []string, model string) error
	// StaleChunks returns chunks whose vector is missing or was made by another model.
	StaleChunks(ctx context.Context, model string, limit int) ([]Chunk, error)
	// SyncStructured rewrites the chunks of up to limit structured sources whose rows changed
	// since the last sync, and removes those whose row is gone, queueing their vectors for
	// deletion; rewritten chunks lose their vector, so the next Reembed embeds them.
	SyncStructured(ctx context.Context, limit int) (SyncCounts, error)
	// TrashedVectors returns up to limit ids of chunks that are gone but whose vectors may
	// still be in the vector store; ForgetTrashed drops ids once their vectors are deleted.
	TrashedVectors(ctx context.Context, limit int) ([]string, error)
	ForgetTrashed(ctx context.Context, ids []string) error
	// PlaceNames returns the English and Arabic names of the places the phrases name, so a
	// question can be searched in the language its sources are written in.
	PlaceNames(ctx context.Context, phrases []string) ([]string, error)
	SearchText(ctx context.Context, s Scope, words []string, limit int) ([]Chunk, error)
	// RefreshTermStats recounts the word statistics SearchText ranks by.
	RefreshTermStats(ctx context.Context) error
	Chunks(ctx context.Context, s Scope, ids []string) ([]Chunk, error)
	SearchListings(ctx context.Context, a access.Actor, q PropertyQuery, limit int) ([]ListingHit, error)

	SaveTurn(ctx context.Context, t Turn) (Turn, error)
	Conversations(ctx context.Context, a access.Actor, limit int) ([]Conversation, error)
	Conversation(ctx context.Context, a access.Actor, id string) (Conversation, error)
	History(ctx context.Context, a access.Actor, conversationID string, limit int) ([]Message, error)
	LogCalls(ctx context.Context, calls []Call) error
	Reviews(ctx context.Context, brokerageID, status string, limit int) ([]Review, error)
	DecideReview(ctx context.Context, a access.Actor, id string, d Decision) (Review, error)
}
