package document

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ChunkOptions size the chunks. Sizes count characters (runes), so Arabic and English
// chunks hold comparable amounts of text.
type ChunkOptions struct {
	// Target is the length a chunk grows to before a new one starts; 800 when zero.
	Target int
	// Overlap is how much of a chunk's end the next chunk repeats, so that a fact cut by a
	// boundary is still whole in one of them; 150 when zero, none when negative, and at most
	// half of Target.
	Overlap int
}

// Chunk is one retrievable piece of a document.
type Chunk struct {
	Ordinal int    // position in the document, from 0
	Text    string // text[Start:End] of the source, in characters
	Start   int    // offset of the first character in the source text, in characters
	End     int    // offset just past the last character
	Hash    string // hex SHA-256 of Text, to skip re-embedding unchanged chunks
}

func (o ChunkOptions) normalized() ChunkOptions {
	if o.Target <= 0 {
		o.Target = 800
	}
	o.Target = max(o.Target, 20)
	if o.Overlap == 0 {
		o.Overlap = 150
	}
	o.Overlap = min(max(o.Overlap, 0), o.Target/2)
	return o
}

// span is a piece of the source in byte offsets with its length in runes.
type span struct {
	start, end int // bytes
	runes      int
}

// ChunkText cuts text into chunks of about opts.Target characters that end at sentence
// boundaries where possible (English and Arabic punctuation, line breaks), each repeating up
// to opts.Overlap characters of whole sentences from the end of the previous one. A sentence
// longer than the target is cut between words.
func ChunkText(text string, opts ChunkOptions) []Chunk {
	opts = opts.normalized()
	// Long sentences are cut into pieces no longer than the overlap, so that the overlap can
	// still repeat whole pieces of them; a tiny overlap would cut words apart, so below 20
	// characters long sentences are cut at the target and not overlapped.
	piece := opts.Target
	if opts.Overlap >= 20 {
		piece = opts.Overlap
	}
	units := splitLong(text, sentences(text), opts.Target, piece)
	if len(units) == 0 {
		return nil
	}
	runeOffset := newRuneCounter(text)
	var chunks []Chunk
	for first := 0; first < len(units); {
		last, size := first, units[first].runes
		for last+1 < len(units) {
			grown := size + gap(text, units[last], units[last+1]) + units[last+1].runes
			if grown > opts.Target {
				break
			}
			last, size = last+1, grown
		}
		start, end := units[first].start, units[last].end
		endRunes := runeOffset.at(end)
		chunks = append(chunks, Chunk{
			Ordinal: len(chunks),
			Text:    text[start:end],
			Start:   endRunes - utf8.RuneCountInString(text[start:end]),
			End:     endRunes,
			Hash:    hashText(text[start:end]),
		})
		if last == len(units)-1 {
			break
		}
		first = nextFirst(text, units, first, last, opts.Overlap)
	}
	return chunks
}

// nextFirst picks where the next chunk starts: the earliest sentence after first whose run to
// last fits in the overlap, or last+1 when even the last sentence alone is too long.
func nextFirst(text string, units []span, first, last, overlap int) int {
	next, size := last+1, 0
	for i := last; i > first; i-- {
		size += units[i].runes
		if i < last {
			size += gap(text, units[i], units[i+1])
		}
		if size > overlap {
			break
		}
		next = i
	}
	return next
}

// gap is the number of characters (spaces, line breaks) between two consecutive spans.
func gap(text string, a, b span) int { return utf8.RuneCountInString(text[a.end:b.start]) }

func hashText(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// sentences splits text into trimmed sentence spans. A sentence ends at . ! ? … ؟ ۔ or the
// Arabic full stop when followed by space (closing quotes and brackets stay with it), and at
// every line break, since lines in extracted documents are headings, list items or rows.
func sentences(text string) []span {
	var out []span
	start := 0
	emit := func(end int) {
		s, e := trimSpan(text, start, end)
		if e > s {
			out = append(out, span{s, e, utf8.RuneCountInString(text[s:e])})
		}
		start = end
	}
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\n':
			emit(i)
		case isTerminal(r):
			end := i + n
			for end < len(text) {
				c, m := utf8.DecodeRuneInString(text[end:])
				if !isCloser(c) && !isTerminal(c) {
					break
				}
				end += m
			}
			next, _ := utf8.DecodeRuneInString(text[end:])
			if (end == len(text) || unicode.IsSpace(next)) && !isAbbreviation(text[start:i], r) {
				emit(end)
				i = end
				continue
			}
		}
		i += n
	}
	emit(len(text))
	return out
}

func isTerminal(r rune) bool {
	switch r {
	case '.', '!', '?', '…', '؟', '۔':
		return true
	}
	return false
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', ')', ']', '”', '’', '»':
		return true
	}
	return false
}

var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "no": true, "vs": true,
	"etc": true, "e.g": true, "i.e": true, "inc": true, "ltd": true, "co": true, "approx": true,
	"sq": true, "ft": true, "jr": true, "sr": true, "prof": true, "dept": true, "est": true,
}

// isAbbreviation reports whether the '.' ending before is part of a short form rather than a
// sentence end: a known abbreviation, a single letter (an initial) or a list number ("1.").
func isAbbreviation(before string, terminal rune) bool {
	if terminal != '.' {
		return false
	}
	word := before[strings.LastIndexFunc(before, unicode.IsSpace)+1:]
	word = strings.TrimLeft(word, "(\"'")
	if word == "" {
		return false
	}
	if utf8.RuneCountInString(word) == 1 || strings.Trim(word, "0123456789") == "" {
		return true
	}
	return abbreviations[strings.ToLower(word)]
}

func trimSpan(text string, s, e int) (int, int) {
	for s < e {
		r, n := utf8.DecodeRuneInString(text[s:e])
		if !unicode.IsSpace(r) {
			break
		}
		s += n
	}
	for e > s {
		r, n := utf8.DecodeLastRuneInString(text[s:e])
		if !unicode.IsSpace(r) {
			break
		}
		e -= n
	}
	return s, e
}

// splitLong cuts sentences longer than limit runes into pieces of at most piece runes, between
// words (mid-word only when a single word is that long).
func splitLong(text string, units []span, limit, piece int) []span {
	var out []span
	for _, u := range units {
		if u.runes <= limit {
			out = append(out, u)
			continue
		}
		start, runes, lastSpace := u.start, 0, -1
		for i := u.start; i < u.end; {
			r, n := utf8.DecodeRuneInString(text[i:])
			if unicode.IsSpace(r) {
				lastSpace = i
			}
			runes++
			i += n
			if runes < piece {
				continue
			}
			cut := i
			if lastSpace > start {
				cut = lastSpace
			}
			if s, e := trimSpan(text, start, cut); e > s {
				out = append(out, span{s, e, utf8.RuneCountInString(text[s:e])})
			}
			start, runes, lastSpace = cut, utf8.RuneCountInString(text[cut:i]), -1
		}
		if s, e := trimSpan(text, start, u.end); e > s {
			out = append(out, span{s, e, utf8.RuneCountInString(text[s:e])})
		}
	}
	return out
}

// runeCounter converts increasing byte offsets (chunk ends only grow) to rune offsets without
// rescanning the text from its start.
type runeCounter struct {
	text        string
	byte, runes int
}

func newRuneCounter(text string) *runeCounter { return &runeCounter{text: text} }

func (c *runeCounter) at(offset int) int {
	c.runes += utf8.RuneCountInString(c.text[c.byte:offset])
	c.byte = offset
	return c.runes
}
