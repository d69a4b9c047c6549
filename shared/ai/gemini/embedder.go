package gemini

import (
	"context"
	"fmt"
	"math"

	"google.golang.org/genai"

	"github.com/propertypro/propertypro/shared/ai"
)

// Embedder embeds texts with a Gemini embedding model (batchEmbedContents), at most
// BatchSize texts per call. It implements ai.Embedder.
type Embedder struct {
	client *genai.Client
	s      Settings
}

// NewEmbedder returns an Embedder for s.EmbeddingModel; it fails without an API key.
func NewEmbedder(ctx context.Context, s Settings) (*Embedder, error) {
	s = s.withDefaults()
	c, err := newClient(ctx, s)
	if err != nil {
		return nil, err
	}
	return &Embedder{client: c, s: s}, nil
}

// Model implements ai.Embedder, e.g. "gemini-embedding-001@768": the output size is part
// of the name because vectors truncated to different sizes are not comparable.
func (e *Embedder) Model() string { return fmt.Sprintf("%s@%d", e.s.EmbeddingModel, e.s.Dimensions) }

// Dimensions implements ai.Embedder.
func (e *Embedder) Dimensions() int { return e.s.Dimensions }

// Embed implements ai.Embedder. Vectors are L2-normalised: Gemini normalises only its full
// 3072-dimension output, and cosine search expects unit vectors.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += e.s.BatchSize {
		batch := texts[start:min(start+e.s.BatchSize, len(texts))]
		vecs, err := e.embedBatch(ctx, batch)
		if err != nil {
			return nil, err
		}
		out = append(out, vecs...)
	}
	return out, nil
}

func (e *Embedder) embedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	contents := make([]*genai.Content, len(texts))
	for i, t := range texts {
		contents[i] = genai.NewContentFromText(t, genai.RoleUser)
	}
	cfg := &genai.EmbedContentConfig{TaskType: e.s.TaskType, OutputDimensionality: genai.Ptr(int32(e.s.Dimensions))}
	ctx, hint := withHint(ctx)
	resp, err := e.client.Models.EmbedContent(ctx, e.s.EmbeddingModel, contents, cfg)
	if err != nil {
		return nil, classify(err, hint)
	}
	if len(resp.Embeddings) != len(texts) {
		return nil, ai.InvalidResponse(ProviderName, "%d embeddings for %d texts", len(resp.Embeddings), len(texts))
	}
	out := make([][]float32, len(texts))
	for i, emb := range resp.Embeddings {
		if emb == nil || len(emb.Values) != e.s.Dimensions {
			return nil, ai.InvalidResponse(ProviderName, "embedding %d has the wrong size", i)
		}
		out[i] = unit(emb.Values)
	}
	return out, nil
}

func unit(v []float32) []float32 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		return v
	}
	inv := 1 / math.Sqrt(sum)
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) * inv)
	}
	return out
}
