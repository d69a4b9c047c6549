package openai

import (
	"context"
	"fmt"

	oai "github.com/openai/openai-go/v3"

	"github.com/propertypro/propertypro/shared/ai"
)

// Embedder embeds texts with an OpenAI embedding model (/embeddings), BatchSize texts per
// call. It implements ai.Embedder.
type Embedder struct {
	svc oai.EmbeddingService
	s   Settings
}

// NewEmbedder returns an Embedder for s.EmbeddingModel; it fails without an API key.
func NewEmbedder(s Settings) (*Embedder, error) {
	s = s.withDefaults()
	opts, err := options(s)
	if err != nil {
		return nil, err
	}
	return &Embedder{svc: oai.NewEmbeddingService(opts...), s: s}, nil
}

// Model implements ai.Embedder, e.g. "text-embedding-3-small@768": the output size is part
// of the name because vectors shortened to different sizes are not comparable.
func (e *Embedder) Model() string { return fmt.Sprintf("%s@%d", e.s.EmbeddingModel, e.s.Dimensions) }

// Dimensions implements ai.Embedder.
func (e *Embedder) Dimensions() int { return e.s.Dimensions }

// Embed implements ai.Embedder. OpenAI's vectors are already unit length.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += e.s.BatchSize {
		vecs, err := e.embedBatch(ctx, texts[start:min(start+e.s.BatchSize, len(texts))])
		if err != nil {
			return nil, err
		}
		out = append(out, vecs...)
	}
	return out, nil
}

func (e *Embedder) embedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	resp, err := e.svc.New(ctx, oai.EmbeddingNewParams{
		Model:          e.s.EmbeddingModel,
		Input:          oai.EmbeddingNewParamsInputUnion{OfArrayOfStrings: texts},
		Dimensions:     oai.Int(int64(e.s.Dimensions)),
		EncodingFormat: oai.EmbeddingNewParamsEncodingFormatFloat,
	})
	if err != nil {
		return nil, classify(err)
	}
	if len(resp.Data) != len(texts) {
		return nil, ai.InvalidResponse(ProviderName, "%d embeddings for %d texts", len(resp.Data), len(texts))
	}
	out := make([][]float32, len(texts))
	for _, d := range resp.Data {
		// The API says which input each vector belongs to; do not rely on the order.
		if d.Index < 0 || int(d.Index) >= len(texts) || out[d.Index] != nil || len(d.Embedding) != e.s.Dimensions {
			return nil, ai.InvalidResponse(ProviderName, "embedding %d is misplaced or has the wrong size", d.Index)
		}
		v := make([]float32, len(d.Embedding))
		for i, x := range d.Embedding {
			v[i] = float32(x)
		}
		out[d.Index] = v
	}
	return out, nil
}
