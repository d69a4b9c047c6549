// Package vector is the port through which PropertyPro stores and searches embeddings.
//
// Retrieval needs one behaviour whatever the backend (the embedded store by default, a Chroma
// server in production), so the semantics live here: the Store interface, the filter language
// with its evaluation, and the validation every implementation applies before touching data.
// The contract suite in vectortest pins those semantics down; each implementation must pass it.
// This package imports no SDK, HTTP or storage code.
package vector

import "context"

// Store keeps vectors with their document text and metadata in named collections and finds the
// nearest ones by cosine similarity.
//
// Errors carry apperr codes: invalid for bad input (wrong dimensions, zero vectors, bad names
// or filters), not_found for a collection never ensured, conflict when a collection exists with
// other dimensions, unavailable when the backend cannot be reached.
type Store interface {
	// EnsureCollection creates the collection for vectors of dims dimensions if it is missing.
	// Calling it again with the same dims does nothing.
	EnsureCollection(ctx context.Context, name string, dims int) error
	// Upsert stores the items, replacing any item with the same id entirely (vector, document
	// and metadata: keys absent from the new item are gone afterwards).
	Upsert(ctx context.Context, collection string, items []Item) error
	// Query returns at most q.TopK items matching q.Where, most similar first. Matches carry
	// no vectors, since callers want the text and sources, not the embeddings back.
	Query(ctx context.Context, collection string, q Query) ([]Match, error)
	// Get returns the items with the given ids, in the order asked, skipping ids not stored.
	Get(ctx context.Context, collection string, ids []string) ([]Item, error)
	// Delete removes the items whose id is in ids and that match where. An empty ids selects
	// by where alone and an empty where by ids alone; both empty is invalid, so that a
	// forgotten argument can never wipe a collection.
	Delete(ctx context.Context, collection string, ids []string, where Filter) error
	// Count returns the number of items in the collection.
	Count(ctx context.Context, collection string) (int, error)
	// Heartbeat reports whether the backend is reachable.
	Heartbeat(ctx context.Context) error
}

// Item is one stored vector with the text it was computed from and metadata to filter on.
//
// Metadata values are strings, numbers or booleans. Numbers are read back as float64 whatever
// Go type they were written with, because every backend keeps one numeric domain for filters.
type Item struct {
	ID       string
	Vector   []float32
	Document string
	Metadata map[string]any
}

// Query asks for the TopK items most similar to Vector among those matching Where.
type Query struct {
	Vector []float32
	TopK   int
	Where  Filter
}

// Match is one query result. Score is the cosine similarity (1 identical direction, 0
// orthogonal, -1 opposite) and Distance the cosine distance 1 - Score, as Chroma reports it.
type Match struct {
	Item
	Distance float32
	Score    float32
}
