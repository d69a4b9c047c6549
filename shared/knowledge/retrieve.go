package knowledge

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/propertypro/propertypro/shared/vector"
)

// Collection is the vector store collection of all knowledge; brokerage, visibility and
// owner are metadata filters, so one collection serves every tenant.
const Collection = "knowledge"

// rrfK damps the weight of top ranks in reciprocal rank fusion; 60 is the usual constant.
const rrfK = 60

// Hit is one retrieved chunk with its fused score and whether the vector store found it.
type Hit struct {
	Chunk
	Score       float64 // reciprocal rank fusion score
	VectorScore float32 // cosine similarity, 0 when the vector store did not return it
	TextRank    int     // 1-based rank in full-text search, 0 when absent
}

// Retrieval is the result of a hybrid search.
type Retrieval struct {
	Hits []Hit
	// Mode says which searches answered: "hybrid", "fulltext" (vector store down) or "vector".
	Mode string
}

// Fuse merges ranked id lists by reciprocal rank fusion: each list adds 1/(k+rank) to an id.
func Fuse(lists ...[]string) []string {
	score := map[string]float64{}
	first := map[string]int{}
	n := 0
	for _, l := range lists {
		for r, id := range l {
			score[id] += 1.0 / float64(rrfK+r+1)
			if _, ok := first[id]; !ok {
				first[id] = n
				n++
			}
		}
	}
	ids := make([]string, 0, len(score))
	for id := range score {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if score[ids[i]] != score[ids[j]] {
			return score[ids[i]] > score[ids[j]]
		}
		return first[ids[i]] < first[ids[j]]
	})
	return ids
}

// intentKinds are the kinds of knowledge that answer each intent: a market question is
// answered by market data and reports, not by the listings that happen to name the same
// community. Documents may answer any of them. Retrieval ranks the hits of these kinds a
// third time, in fused order, and fuses that ranking with the other two, so a suitable kind
// rises without a perfect match of the wrong kind being dropped. General questions favour
// no kind.
var intentKinds = map[Intent][]string{
	IntentPropertySearch: {KindListing, KindDocument},
	IntentMarket:         {KindMarketData, KindMarketReport, KindDocument},
	IntentInvestment:     {KindMarketData, KindMarketReport, KindDocument},
	IntentNeighbourhood:  {KindNeighbourhood, KindDocument},
	IntentRegulatory:     {KindDocument},
	IntentLeadAction:     {KindDocument},
	IntentDealAction:     {KindDocument},
}

// referenceRe finds the references a question names: letters, a hyphen, digits (PROP-249,
// MC-007), the shape of listing references and permit numbers.
var referenceRe = regexp.MustCompile(`(?:^|[^\p{L}\p{N}])(\p{L}{1,10}-\p{N}{1,10})(?:$|[^\p{L}\p{N}-])`)

// rerank orders the fused candidates by what the question asks for: hits of the kinds that
// answer its intent gain a third ranking in the fusion (intentKinds), and hits holding a
// reference the question names come first, since an exact identifier outweighs any
// similarity. Candidates without a row (gone, or out of scope) are left out.
func rerank(fused, vecIDs, textIDs []string, byID map[string]Chunk, question string) []string {
	favoured := intentKinds[Classify(question)]
	var refs []*regexp.Regexp
	for _, m := range referenceRe.FindAllStringSubmatch(question, 4) {
		refs = append(refs, regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}])`+regexp.QuoteMeta(m[1])+`(?:$|[^\p{L}\p{N}])`))
	}
	var suits, named []string
	for _, id := range fused {
		c, ok := byID[id]
		if !ok {
			continue
		}
		if slices.Contains(favoured, c.Kind) {
			suits = append(suits, id)
		}
		if slices.ContainsFunc(refs, func(re *regexp.Regexp) bool { return re.MatchString(c.Title) || re.MatchString(c.Text) }) {
			named = append(named, id)
		}
	}
	if favoured != nil {
		fused = Fuse(vecIDs, textIDs, suits)
	}
	out := make([]string, 0, len(fused))
	out = append(out, named...)
	for _, id := range fused {
		if _, ok := byID[id]; ok && !slices.Contains(named, id) {
			out = append(out, id)
		}
	}
	return out
}

// Retrieve finds the k chunks that best answer question within scope: vector search and
// full-text search run over the same scope (the brokerage's own knowledge and the shared
// reference data) and are fused by rank, then reranked by the question's intent and the
// references it names (rerank). When the vector store fails, full text alone answers and
// Mode says so.
func (s *Service) Retrieve(ctx context.Context, scope Scope, question string, k int) (Retrieval, error) {
	depth := max(k*4, 20)
	asked := question
	question = s.expandQuestion(ctx, question)
	vecIDs, vecScores, vecErr := s.vectorSearch(ctx, scope, question, depth)
	if vecErr != nil {
		s.Log.WarnContext(ctx, "vector search failed; full text only", "err", vecErr)
	}
	text, err := s.Repo.SearchText(ctx, scope, SearchWords(question), depth)
	if err != nil {
		return Retrieval{}, err
	}
	textIDs := make([]string, len(text))
	byID := map[string]Chunk{}
	for i, c := range text {
		textIDs[i], byID[c.ID] = c.ID, c
	}
	fused := Fuse(vecIDs, textIDs)
	if err := s.fill(ctx, scope, fused, byID); err != nil {
		return Retrieval{}, err
	}
	// The question as asked: the place names expansion adds ("Dubai Investments Park")
	// could read as cues of an intent.
	fused = rerank(fused, vecIDs, textIDs, byID, asked)
	if len(fused) > k {
		fused = fused[:k]
	}
	mode := "hybrid"
	if vecErr != nil {
		mode = "fulltext"
	}
	r := Retrieval{Mode: mode}
	for i, id := range fused {
		c, ok := byID[id]
		if !ok {
			continue // a vector whose row is gone: deleted since, skip it
		}
		h := Hit{Chunk: c, Score: 1.0 / float64(rrfK+i+1), VectorScore: vecScores[id]}
		for j, t := range textIDs {
			if t == id {
				h.TextRank = j + 1
				break
			}
		}
		r.Hits = append(r.Hits, h)
	}
	return r, nil
}

func (s *Service) vectorSearch(ctx context.Context, scope Scope, question string, k int) ([]string, map[string]float32, error) {
	if s.Vectors == nil {
		return nil, nil, errNoVectors
	}
	if s.now().UnixNano() < s.vectorsDownUntil.Load() {
		return nil, nil, errVectorsCooling
	}
	ids, scores, err := s.queryVectors(ctx, scope, question, k)
	if err != nil && ctx.Err() == nil {
		s.vectorsDownUntil.Store(s.now().Add(vectorCooldown).UnixNano())
	}
	return ids, scores, err
}

// errVectorsCooling skips the vector store while it recovers from a failure.
var errVectorsCooling = errors.New("the vector store failed recently; full text only until it cools down")

func (s *Service) queryVectors(ctx context.Context, scope Scope, question string, k int) ([]string, map[string]float32, error) {
	vecs, err := s.Embedder.Embed(ctx, []string{question})
	if err != nil {
		return nil, nil, err
	}
	where := vector.Filter{vector.In("brokerage_id", scope.BrokerageID, Shared), vector.Lte("visibility", scope.Visibility)}
	if owners := scope.OwnerValues(); owners != nil {
		where = append(where, vector.InStrings("owner", owners))
	}
	matches, err := s.Vectors.Query(ctx, Collection, vector.Query{Vector: vecs[0], TopK: k, Where: where})
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, len(matches))
	scores := make(map[string]float32, len(matches))
	for i, m := range matches {
		ids[i], scores[m.ID] = m.ID, m.Score
	}
	return ids, scores, nil
}

// fill loads the chunks only the vector store returned, re-checking scope in Postgres.
func (s *Service) fill(ctx context.Context, scope Scope, ids []string, byID map[string]Chunk) error {
	var missing []string
	for _, id := range ids {
		if _, ok := byID[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	cs, err := s.Repo.Chunks(ctx, scope, missing)
	for _, c := range cs {
		byID[c.ID] = c
	}
	return err
}

var stop = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the of in on at to for from by with and or is are was were be been
		what which who whom how why when where does do did can could should would will shall may might must
		i me my we our you your it its this that these those there their they them about into than then
		as if not no any all some much many more most please tell show give explain list ما هل كيف في من على إلى عن`) {
		stop[w] = true
	}
}

var searchWordRe = regexp.MustCompile(`[\p{L}\p{N}]+`)

// SearchWords are a question's content words for full-text search, lower-cased, without
// stop words, at most 24.
func SearchWords(question string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range searchWordRe.FindAllString(strings.ToLower(question), -1) {
		if stop[w] || seen[w] || len([]rune(w)) < 2 {
			continue
		}
		seen[w] = true
		out = append(out, w)
		if len(out) == 24 {
			break
		}
	}
	return out
}
