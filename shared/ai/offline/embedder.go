// Package offline is PropertyPro's AI provider that needs no network and no key: a
// deterministic hashing embedder and an extractive answer generator. It is the default on a
// developer machine, the answer of last resort when Gemini and OpenAI both fail, and the
// provider every test can rely on.
package offline

import (
	"context"
	"fmt"
	"math"
	"sync"
	"unicode/utf8"
)

// ModelID names the embedding algorithm; the "v1" changes whenever a change to the features,
// weights or hashing would move existing vectors, so stores know to re-embed.
const ModelID = "offline-hash-v1"

// DefaultDimensions is the vector length used unless the caller asks for another.
const DefaultDimensions = 768

// Feature weights. Whole words carry the meaning; word pairs reward phrases ("dubai marina");
// character trigrams catch inflections, typos and Arabic prefixes ("الشقق" ~ "شقق") but
// are many per word, so each weighs little.
const (
	weightWord    = 1.0
	weightBigram  = 0.6
	weightTrigram = 0.22
)

// Feature kinds, hashed in so that the word "art" and the trigram "art" differ.
const (
	kindWord byte = iota + 1
	kindBigram
	kindTrigram
	kindEmpty
)

// Embedder is a deterministic feature-hashing embedder ("offline-hash-v1"): normalised word
// unigrams and bigrams and character trigrams, weighted by sublinear term frequency
// (1 + ln tf), signed-hashed into Dimensions() buckets and L2-normalised, so that the dot
// product of two vectors is their cosine similarity. Texts sharing words score high; it
// knows no synonyms.
type Embedder struct {
	dims int
}

// NewEmbedder returns an embedder of dims dimensions (DefaultDimensions when dims <= 0).
func NewEmbedder(dims int) *Embedder {
	if dims <= 0 {
		dims = DefaultDimensions
	}
	return &Embedder{dims: dims}
}

// Model implements ai.Embedder: "offline-hash-v1@768".
func (e *Embedder) Model() string { return fmt.Sprintf("%s@%d", ModelID, e.dims) }

// Dimensions implements ai.Embedder.
func (e *Embedder) Dimensions() int { return e.dims }

// Embed implements ai.Embedder. It fails only when ctx has ended.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if i%64 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out[i] = e.Vector(t)
	}
	return out, nil
}

// featureCounts is reused between calls: a 1,000-character text has about a thousand
// features, and allocating the map each time would dominate the cost. Features are kept in
// order of first appearance so that the floating-point sums, and so the vectors, are
// identical on every run (a map's iteration order is not).
type featureCounts struct {
	index    table // hash → position in features
	features []feature
	words    []string
	acc      []float64
}

type feature struct {
	hash uint64
	tf   float64
	kind byte
}

var countsPool = sync.Pool{New: func() any {
	return &featureCounts{index: newTable(4096), features: make([]feature, 0, 1024)}
}}

// Vector embeds one text. An empty text (or one of punctuation only) gets a fixed unit
// vector of its own rather than zeros, which vector stores cannot normalise.
func (e *Embedder) Vector(text string) []float32 {
	fc := countsPool.Get().(*featureCounts)
	defer countsPool.Put(fc)
	fc.index.reset()
	fc.features = fc.features[:0]
	fc.words = contentWords(tokens(text, fc.words[:0]))
	fc.addFeatures()
	if len(fc.features) == 0 {
		fc.add(hashOf(kindEmpty, "", ""), kindEmpty)
	}
	if cap(fc.acc) < e.dims {
		fc.acc = make([]float64, e.dims)
	}
	acc := fc.acc[:e.dims]
	clear(acc)
	for _, f := range fc.features {
		w := kindWeight(f.kind) * (1 + math.Log(f.tf))
		if f.hash>>63 == 1 {
			w = -w
		}
		acc[f.hash%uint64(e.dims)] += w
	}
	return normalized(acc)
}

func (fc *featureCounts) add(h uint64, kind byte) {
	if i, found := fc.index.slot(h, int32(len(fc.features))); found {
		fc.features[i].tf++
		return
	}
	fc.features = append(fc.features, feature{hash: h, tf: 1, kind: kind})
	if len(fc.features)*2 > len(fc.index.keys) {
		fc.index = newTable(len(fc.index.keys) * 2)
		for i, f := range fc.features {
			fc.index.slot(f.hash, int32(i))
		}
	}
}

// table is an open-addressing hash set of feature hashes, several times faster than a Go
// map here because the keys are already well-mixed hashes and reset is O(1): a slot is live
// only when its generation is the current one.
type table struct {
	keys []uint64
	pos  []int32
	gen  []uint32
	cur  uint32
	mask uint64
}

func newTable(size int) table {
	return table{keys: make([]uint64, size), pos: make([]int32, size), gen: make([]uint32, size), cur: 1, mask: uint64(size - 1)}
}

func (t *table) reset() {
	t.cur++
	if t.cur == 0 { // the generation wrapped: old stamps could look current
		clear(t.gen)
		t.cur = 1
	}
}

// slot returns the position stored for h and true, or stores next for h and returns false.
func (t *table) slot(h uint64, next int32) (int32, bool) {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		if t.gen[i] != t.cur {
			t.gen[i], t.keys[i], t.pos[i] = t.cur, h, next
			return next, false
		}
		if t.keys[i] == h {
			return t.pos[i], true
		}
	}
}

func (fc *featureCounts) addFeatures() {
	for i, w := range fc.words {
		fc.add(hashOf(kindWord, w, ""), kindWord)
		if i > 0 {
			fc.add(hashOf(kindBigram, fc.words[i-1], w), kindBigram)
		}
		fc.addTrigrams(w)
	}
}

// addTrigrams adds the character trigrams of "^word$"; numbers and one-letter words have
// none, since "2024" sharing "202" with "2025" says nothing.
func (fc *featureCounts) addTrigrams(w string) {
	if utf8.RuneCountInString(w) < 2 || isDigit(w[0]) {
		return
	}
	var buf [3]rune
	n := 0
	push := func(r rune) {
		buf[0], buf[1], buf[2] = buf[1], buf[2], r
		n++
		if n >= 3 {
			fc.add(hashRunes(kindTrigram, buf), kindTrigram)
		}
	}
	push('^')
	for _, r := range w {
		push(r)
	}
	push('$')
}

// contentWords drops stopwords, unless nothing else is left ("what is this?").
func contentWords(words []string) []string {
	out := words[:0:0]
	for _, w := range words {
		if !stopwords[w] {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		return words
	}
	return out
}

func kindWeight(k byte) float64 {
	switch k {
	case kindWord, kindEmpty:
		return weightWord
	case kindBigram:
		return weightBigram
	default:
		return weightTrigram
	}
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// hashOf is FNV-1a over the kind byte and one or two strings, spelled out to avoid allocating.
func hashOf(kind byte, a, b string) uint64 {
	h := uint64(fnvOffset)
	h = (h ^ uint64(kind)) * fnvPrime
	for i := 0; i < len(a); i++ {
		h = (h ^ uint64(a[i])) * fnvPrime
	}
	if b != "" {
		h = (h ^ ' ') * fnvPrime
		for i := 0; i < len(b); i++ {
			h = (h ^ uint64(b[i])) * fnvPrime
		}
	}
	return mix(h)
}

func hashRunes(kind byte, rs [3]rune) uint64 {
	h := uint64(fnvOffset)
	h = (h ^ uint64(kind)) * fnvPrime
	for _, r := range rs {
		for r != 0 {
			h = (h ^ uint64(r&0xff)) * fnvPrime
			r >>= 8
		}
		h = (h ^ 0xff) * fnvPrime
	}
	return mix(h)
}

// mix spreads FNV's weak high bits, which pick the sign, over the whole word.
func mix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return h
}

func normalized(acc []float64) []float32 {
	var sum float64
	for _, x := range acc {
		sum += x * x
	}
	v := make([]float32, len(acc))
	if sum == 0 {
		return v
	}
	inv := 1 / math.Sqrt(sum)
	for i, x := range acc {
		v[i] = float32(x * inv)
	}
	return v
}

// Cosine returns the cosine similarity of two vectors of equal length (their dot product
// when both are normalised, as the Embedder's are).
func Cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}
