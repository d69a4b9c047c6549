package chroma

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"math"
	"net/http"

	"github.com/propertypro/propertypro/shared/vector"
)

// Upsert writes the items in batches the server accepts. Chroma merges metadata on upsert, so
// keys an item no longer has are sent as null, which removes them: the port promises that an
// upsert replaces the item entirely.
func (c *Client) Upsert(ctx context.Context, name string, items []vector.Item) error {
	info, err := c.collection(ctx, name)
	if err != nil {
		return err
	}
	if err := vector.ValidateItems(items, info.dims); err != nil {
		return err
	}
	for start := 0; start < len(items); start += c.batchSize() {
		batch := items[start:min(start+c.batchSize(), len(items))]
		if err := c.upsertBatch(ctx, name, info, batch); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) batchSize() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.maxBatch <= 0 {
		return defaultMaxBatch
	}
	return c.maxBatch
}

func (c *Client) upsertBatch(ctx context.Context, name string, info collInfo, items []vector.Item) error {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	old, err := c.Get(ctx, name, ids)
	if err != nil {
		return err
	}
	oldMeta := make(map[string]map[string]any, len(old))
	for _, it := range old {
		oldMeta[it.ID] = it.Metadata
	}
	docs := make([]string, len(items))
	metas := make([]map[string]any, len(items))
	for i, it := range items {
		docs[i] = it.Document
		md := vector.NormalizeMetadata(it.Metadata)
		for k := range oldMeta[it.ID] {
			if _, keep := md[k]; !keep {
				if md == nil {
					md = map[string]any{}
				}
				md[k] = nil
			}
		}
		metas[i] = md
	}
	req := map[string]any{"ids": ids, "embeddings": c.embeddings(items), "documents": docs, "metadatas": metas}
	return c.call(ctx, name, info, http.MethodPost, "upsert", req, nil)
}

// embeddings encodes the vectors as base64 little-endian float32s when the server accepts
// them: a third of the JSON size, and exact.
func (c *Client) embeddings(items []vector.Item) any {
	c.mu.Lock()
	b64 := c.base64
	c.mu.Unlock()
	if !b64 {
		out := make([][]float32, len(items))
		for i, it := range items {
			out[i] = it.Vector
		}
		return out
	}
	out := make([]string, len(items))
	for i, it := range items {
		raw := make([]byte, 4*len(it.Vector))
		for j, f := range it.Vector {
			binary.LittleEndian.PutUint32(raw[4*j:], math.Float32bits(f))
		}
		out[i] = base64.StdEncoding.EncodeToString(raw)
	}
	return out
}

// Query asks Chroma for the nearest items; in cosine space its distance is 1 - similarity.
func (c *Client) Query(ctx context.Context, name string, q vector.Query) ([]vector.Match, error) {
	info, err := c.collection(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := vector.ValidateQuery(q, info.dims); err != nil {
		return nil, err
	}
	req := map[string]any{
		"query_embeddings": [][]float32{q.Vector},
		"n_results":        q.TopK,
		"include":          []string{"documents", "metadatas", "distances"},
	}
	if w := where(q.Where); w != nil {
		req["where"] = w
	}
	var resp struct {
		IDs       [][]string         `json:"ids"`
		Documents [][]*string        `json:"documents"`
		Metadatas [][]map[string]any `json:"metadatas"`
		Distances [][]*float64       `json:"distances"`
	}
	if err := c.call(ctx, name, info, http.MethodPost, "query", req, &resp); err != nil {
		return nil, err
	}
	if len(resp.IDs) == 0 {
		return nil, nil
	}
	out := make([]vector.Match, len(resp.IDs[0]))
	for i, id := range resp.IDs[0] {
		m := vector.Match{Item: vector.Item{ID: id, Document: at(resp.Documents, i), Metadata: atMeta(resp.Metadatas, i)}}
		if len(resp.Distances) > 0 && i < len(resp.Distances[0]) && resp.Distances[0][i] != nil {
			m.Distance = float32(*resp.Distances[0][i])
		}
		m.Score = 1 - m.Distance
		out[i] = m
	}
	return out, nil
}

func at(docs [][]*string, i int) string {
	if len(docs) == 0 || i >= len(docs[0]) || docs[0][i] == nil {
		return ""
	}
	return *docs[0][i]
}

func atMeta(metas [][]map[string]any, i int) map[string]any {
	if len(metas) == 0 || i >= len(metas[0]) || len(metas[0][i]) == 0 {
		return nil
	}
	return metas[0][i]
}

// Get fetches items by id and returns them in the order asked.
func (c *Client) Get(ctx context.Context, name string, ids []string) ([]vector.Item, error) {
	info, err := c.collection(ctx, name)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	req := map[string]any{"ids": ids, "include": []string{"documents", "metadatas", "embeddings"}}
	var resp struct {
		IDs        []string         `json:"ids"`
		Documents  []*string        `json:"documents"`
		Metadatas  []map[string]any `json:"metadatas"`
		Embeddings [][]float32      `json:"embeddings"`
	}
	if err := c.call(ctx, name, info, http.MethodPost, "get", req, &resp); err != nil {
		return nil, err
	}
	byID := make(map[string]vector.Item, len(resp.IDs))
	for i, id := range resp.IDs {
		it := vector.Item{ID: id}
		if i < len(resp.Documents) && resp.Documents[i] != nil {
			it.Document = *resp.Documents[i]
		}
		if i < len(resp.Metadatas) && len(resp.Metadatas[i]) > 0 {
			it.Metadata = resp.Metadatas[i]
		}
		if i < len(resp.Embeddings) {
			it.Vector = resp.Embeddings[i]
		}
		byID[id] = it
	}
	out := make([]vector.Item, 0, len(byID))
	for _, id := range ids {
		if it, ok := byID[id]; ok {
			out = append(out, it)
			delete(byID, id) // an id asked twice is returned once
		}
	}
	return out, nil
}

// Delete removes the items selected by ids and where (both must match when both are given).
func (c *Client) Delete(ctx context.Context, name string, ids []string, filter vector.Filter) error {
	if err := vector.ValidateDelete(ids, filter); err != nil {
		return err
	}
	info, err := c.collection(ctx, name)
	if err != nil {
		return err
	}
	req := map[string]any{}
	if len(ids) > 0 {
		req["ids"] = ids
	}
	if w := where(filter); w != nil {
		req["where"] = w
	}
	return c.call(ctx, name, info, http.MethodPost, "delete", req, nil)
}

// Count returns the number of records in the collection.
func (c *Client) Count(ctx context.Context, name string) (int, error) {
	info, err := c.collection(ctx, name)
	if err != nil {
		return 0, err
	}
	var n int
	err = c.call(ctx, name, info, http.MethodGet, "count", nil, &n)
	return n, err
}

// where translates a filter into Chroma's where clause: one condition as {field: {op: value}},
// several wrapped in $and (which Chroma requires to have at least two operands).
func where(f vector.Filter) map[string]any {
	if len(f) == 0 {
		return nil
	}
	clauses := make([]map[string]any, len(f))
	for i, c := range f {
		var v any
		if c.Op == vector.OpIn {
			values := make([]any, len(c.Values))
			for j, x := range c.Values {
				values[j], _ = vector.Scalar(x)
			}
			v = values
		} else {
			v, _ = vector.Scalar(c.Value)
		}
		clauses[i] = map[string]any{c.Field: map[string]any{string(c.Op): v}}
	}
	if len(clauses) == 1 {
		return clauses[0]
	}
	return map[string]any{"$and": clauses}
}
