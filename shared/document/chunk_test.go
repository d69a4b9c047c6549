package document

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"english", "Prices rose. Rents fell! Why? Nobody knows…", []string{"Prices rose.", "Rents fell!", "Why?", "Nobody knows…"}},
		{"arabic", "كم سعر الشقة؟ السعر مليونا درهم. هل يشمل الرسوم۔ لا", []string{"كم سعر الشقة؟", "السعر مليونا درهم.", "هل يشمل الرسوم۔", "لا"}},
		{"abbreviations and numbers", "Dr. Ali sold 2.5M units, e.g. villas. Done.", []string{"Dr. Ali sold 2.5M units, e.g. villas.", "Done."}},
		{"list numbers", "1. OFFER POLICY\n2. TOURS", []string{"1. OFFER POLICY", "2. TOURS"}},
		{"quotes stay", `He said "sold." Then left.`, []string{`He said "sold."`, "Then left."}},
		{"lines", "Title\n\n- item one\n- item two", []string{"Title", "- item one", "- item two"}},
		{"empty", "  \n ", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, s := range sentences(tc.in) {
				got = append(got, tc.in[s.start:s.end])
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("sentences = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestChunkText(t *testing.T) {
	english := strings.Repeat("The escrow account protects buyers of off-plan units. ", 40)
	arabic := strings.Repeat("يجب تسجيل جميع العقارات لدى دائرة الأراضي والأملاك؟ نعم، هذا إلزامي. ", 30)
	longWord := strings.Repeat("x", 2000)
	tests := []struct {
		name    string
		text    string
		opts    ChunkOptions
		min     int // fewest chunks expected
		overlap bool
	}{
		{"short text is one chunk", "One sentence only.", ChunkOptions{}, 1, false},
		{"english", english, ChunkOptions{}, 3, true},
		{"arabic", arabic, ChunkOptions{Target: 300, Overlap: 80}, 5, true},
		{"no overlap", english, ChunkOptions{Target: 300, Overlap: -1}, 7, false},
		{"sentence longer than target", strings.Repeat("word ", 500), ChunkOptions{Target: 200, Overlap: 50}, 12, true},
		{"word longer than target", longWord, ChunkOptions{Target: 500}, 4, false},
		{"mixed", "Intro line\n\n" + english + "\n" + arabic, ChunkOptions{Target: 500, Overlap: 100}, 5, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			chunks := ChunkText(tc.text, tc.opts)
			if len(chunks) < tc.min {
				t.Fatalf("%d chunks, want at least %d", len(chunks), tc.min)
			}
			checkChunks(t, tc.text, chunks, tc.opts)
			if tc.overlap {
				for i := 1; i < len(chunks); i++ {
					if chunks[i].Start >= chunks[i-1].End {
						t.Fatalf("chunk %d starts at %d, after the previous end %d: no overlap", i, chunks[i].Start, chunks[i-1].End)
					}
				}
			}
		})
	}
	if got := ChunkText("", ChunkOptions{}); got != nil {
		t.Fatalf("ChunkText(\"\") = %v, want nil", got)
	}
}

// checkChunks asserts what every chunking must satisfy: ordinals in order, text equal to the
// source at the offsets, length within the target, hashes of the text, starts advancing, and
// every sentence of the source in some chunk.
func checkChunks(t *testing.T, text string, chunks []Chunk, opts ChunkOptions) {
	t.Helper()
	o := opts.normalized()
	runes := []rune(text)
	for i, c := range chunks {
		if c.Ordinal != i {
			t.Fatalf("chunk %d has ordinal %d", i, c.Ordinal)
		}
		if c.Start < 0 || c.End > len(runes) || c.Start >= c.End || string(runes[c.Start:c.End]) != c.Text {
			t.Fatalf("chunk %d [%d:%d] does not match the source: %q", i, c.Start, c.End, c.Text)
		}
		if n := utf8.RuneCountInString(c.Text); n > o.Target {
			t.Fatalf("chunk %d has %d characters, target %d", i, n, o.Target)
		}
		if c.Hash != hashText(c.Text) {
			t.Fatalf("chunk %d hash mismatch", i)
		}
		if i > 0 && c.Start <= chunks[i-1].Start {
			t.Fatalf("chunk %d does not advance: %d after %d", i, c.Start, chunks[i-1].Start)
		}
		if i > 0 && c.Start > chunks[i-1].End {
			gap := string(runes[chunks[i-1].End:c.Start])
			if strings.TrimSpace(gap) != "" {
				t.Fatalf("text %q between chunks %d and %d is in no chunk", gap, i-1, i)
			}
		}
	}
	if len(chunks) > 0 {
		if rest := string(runes[chunks[len(chunks)-1].End:]); strings.TrimSpace(rest) != "" {
			t.Fatalf("text after the last chunk is lost: %q", rest)
		}
		if head := string(runes[:chunks[0].Start]); strings.TrimSpace(head) != "" {
			t.Fatalf("text before the first chunk is lost: %q", head)
		}
	}
}
