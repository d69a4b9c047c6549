package offline

import (
	"context"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/propertypro/propertypro/shared/ai"
)

// Provider and model names the generator reports in its responses.
const (
	ProviderName   = "offline"
	GeneratorModel = "offline-extractive-v1"
)

// NoAnswer is the answer when no passage says anything about the question.
const NoAnswer = "I cannot answer that from the knowledge base: none of its documents or records covers the question."

// answerIntro starts every extractive answer, so a reader knows it quotes sources verbatim.
const answerIntro = "From the knowledge base:"

// GeneratorSettings tune the extractive answer; zero values take the defaults in brackets.
type GeneratorSettings struct {
	MaxSentences  int     // sentences quoted in an answer [3]
	MaxPerPassage int     // sentences quoted from one passage, so several sources speak [2]
	MinScore      float64 // relevance below which a sentence is not quoted [0.12]
	// RelativeCutoff drops sentences scoring under this share of the best one, so a strong
	// match is not padded with sentences that merely share a word with the question [0.6].
	RelativeCutoff     float64
	MaxSentenceRunes   int // longer sentences are cut at a word boundary [320]
	Embedder           *Embedder
	PassagePriorWeight float64 // bonus for passages retrieval ranked higher [0.03]
}

// Generator answers by quoting the sentences of Request.Context most similar to the question,
// each followed by the id of its passage in square brackets. It needs no network, costs
// nothing and gives the same answer to the same request.
type Generator struct {
	s GeneratorSettings
}

// NewGenerator returns an extractive generator.
func NewGenerator(s GeneratorSettings) *Generator {
	if s.MaxSentences <= 0 {
		s.MaxSentences = 3
	}
	if s.MaxPerPassage <= 0 {
		s.MaxPerPassage = 2
	}
	if s.MinScore <= 0 {
		s.MinScore = 0.12
	}
	if s.RelativeCutoff <= 0 {
		s.RelativeCutoff = 0.6
	}
	if s.MaxSentenceRunes <= 0 {
		s.MaxSentenceRunes = 320
	}
	if s.Embedder == nil {
		s.Embedder = NewEmbedder(0)
	}
	if s.PassagePriorWeight <= 0 {
		s.PassagePriorWeight = 0.03
	}
	return &Generator{s: s}
}

// candidate is one sentence of one passage and how well it answers the question.
type candidate struct {
	passage, pos int
	text         string
	score        float64
}

// Generate implements ai.Generator. The question is the last user message; the answer lists
// the chosen sentences best first, or says NoAnswer when none is relevant.
func (g *Generator) Generate(ctx context.Context, req ai.Request) (ai.Response, error) {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return ai.Response{}, ai.TransportError(ProviderName, err)
	}
	text := g.answer(req.Question(), req.Context)
	return ai.Response{
		Text:         text,
		Provider:     ProviderName,
		Model:        GeneratorModel,
		InputTokens:  ai.EstimateInputTokens(req),
		OutputTokens: ai.EstimateTokens(text),
		Latency:      time.Since(start),
	}, nil
}

func (g *Generator) answer(question string, passages []ai.Passage) string {
	chosen := g.choose(question, passages)
	if len(chosen) == 0 {
		return NoAnswer
	}
	var b strings.Builder
	b.WriteString(answerIntro)
	for _, c := range chosen {
		b.WriteString("\n- ")
		b.WriteString(c.text)
		b.WriteString(" [")
		b.WriteString(passages[c.passage].ID)
		b.WriteString("]")
	}
	return b.String()
}

// choose scores every sentence and keeps the best, at most MaxPerPassage from one passage;
// two sentences of one passage keep their reading order, so the quote reads like its source.
func (g *Generator) choose(question string, passages []ai.Passage) []candidate {
	qWords := contentWords(tokens(question, nil))
	if len(qWords) == 0 || len(passages) == 0 {
		return nil
	}
	qVec := g.s.Embedder.Vector(question)
	qSet := make(map[string]bool, len(qWords))
	for _, w := range qWords {
		qSet[w] = true
	}
	var all []candidate
	for pi, p := range passages {
		for si, s := range sentences(p.Title, p.Text) {
			score := g.score(qVec, qSet, s) + g.s.PassagePriorWeight/float64(pi+1)
			all = append(all, candidate{passage: pi, pos: si, text: s, score: score})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].score > all[j].score })
	var chosen []candidate
	perPassage := map[int]int{}
	for _, c := range all {
		if len(chosen) == g.s.MaxSentences || c.score < g.s.MinScore || c.score < g.s.RelativeCutoff*all[0].score {
			break
		}
		if perPassage[c.passage] == g.s.MaxPerPassage {
			continue
		}
		perPassage[c.passage]++
		c.text = truncate(c.text, g.s.MaxSentenceRunes)
		chosen = append(chosen, c)
	}
	return inReadingOrderPerPassage(chosen)
}

// inReadingOrderPerPassage keeps the passages in the order of their best sentence and
// puts the sentences of each passage in the order they were written.
func inReadingOrderPerPassage(chosen []candidate) []candidate {
	rank := map[int]int{}
	for i, c := range chosen {
		if _, ok := rank[c.passage]; !ok {
			rank[c.passage] = i
		}
	}
	sort.SliceStable(chosen, func(i, j int) bool {
		if chosen[i].passage != chosen[j].passage {
			return rank[chosen[i].passage] < rank[chosen[j].passage]
		}
		return chosen[i].pos < chosen[j].pos
	})
	return chosen
}

// score blends vector similarity (which rewards phrases and word forms) with the share of
// the question's words the sentence contains (which rewards covering the whole question).
func (g *Generator) score(qVec []float32, qSet map[string]bool, sentence string) float64 {
	cos := Cosine(qVec, g.s.Embedder.Vector(sentence))
	seen := map[string]bool{}
	for _, w := range tokens(sentence, nil) {
		if qSet[w] {
			seen[w] = true
		}
	}
	overlap := float64(len(seen)) / float64(len(qSet))
	return 0.6*cos + 0.4*overlap
}

// sentences splits a passage into sentences: at line breaks (documents arrive as headings
// and bullet lists) and after ., !, ? or ؟ followed by a space. A decimal such as "2.5M"
// has no space after its point and stays whole. A line ending in ":" takes the bullets
// below it ("include: Title insurance; Escrow fees"), since a bullet alone answers nothing.
// Headings in capitals, the title and fragments without a letter are dropped.
func sentences(title, text string) []string {
	var out []string
	listOpen := false
	for _, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		bullet := strings.TrimSpace(strings.TrimLeft(line, "-*•·–"))
		isBullet := bullet != line
		switch {
		case bullet == "":
			listOpen = false
			continue
		case isBullet && listOpen:
			sep := "; "
			if strings.HasSuffix(out[len(out)-1], ":") {
				sep = " "
			}
			out[len(out)-1] += sep + bullet
			continue
		}
		listOpen = false
		for _, s := range splitLine(bullet) {
			if hasLetter(s) && s != title && !isHeading(s) {
				out = append(out, s)
				listOpen = strings.HasSuffix(s, ":")
			}
		}
	}
	return out
}

// isHeading reports a line written in capitals, like "3. CLOSING COSTS".
func isHeading(s string) bool {
	upper, lower := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		}
	}
	return lower == 0 && upper >= 2
}

func splitLine(line string) []string {
	var out []string
	start := 0
	runes := []rune(line)
	for i := 0; i < len(runes); i++ {
		switch runes[i] {
		case '.', '!', '?', '؟':
			if i+1 == len(runes) || unicode.IsSpace(runes[i+1]) {
				out = appendTrimmed(out, string(runes[start:i+1]))
				start = i + 1
			}
		}
	}
	return appendTrimmed(out, string(runes[start:]))
}

func appendTrimmed(out []string, s string) []string {
	if s = strings.TrimSpace(s); s != "" {
		out = append(out, s)
	}
	return out
}

func hasLetter(s string) bool {
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}

// truncate cuts s to at most n runes at a word boundary, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := strings.LastIndexFunc(string(r), unicode.IsSpace)
	if cut <= 0 {
		return string(r) + "…"
	}
	return strings.TrimSpace(string(r)[:cut]) + "…"
}
