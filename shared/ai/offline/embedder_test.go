package offline

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"lower case and plurals", "Apartments, Villas and PROPERTIES", []string{"apartment", "villa", "and", "property"}},
		{"words ending in s that are not plurals", "status analysis bus address addresses", []string{"status", "analysis", "bus", "address", "address"}},
		{"accents stripped", "Décor café naïve", []string{"decor", "cafe", "naive"}},
		{"numbers kept whole", "3-bed under 2.5M AED", []string{"3", "bed", "under", "2", "5m", "aed"}},
		{"arabic diacritics and letter forms", "الإمارَات مَرسى دبيّ", []string{"الامارات", "مرسي", "دبي"}},
		{"arabic tatweel and ta marbuta", "شـــقة", []string{"شقه"}},
		{"empty", " ,.; ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tokens(tt.in, nil); !slices.Equal(got, tt.want) {
				t.Errorf("tokens(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestEmbedderVectors(t *testing.T) {
	e := NewEmbedder(0)
	tests := []struct {
		name string
		text string
	}{
		{"english", "3-bedroom apartment in Dubai Marina with sea view"},
		{"arabic", "شقة من ثلاث غرف في دبي مارينا"},
		{"empty", ""},
		{"punctuation only", "?!..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := e.Vector(tt.text)
			if len(v) != DefaultDimensions {
				t.Fatalf("len = %d, want %d", len(v), DefaultDimensions)
			}
			if n := l2(v); math.Abs(n-1) > 1e-5 {
				t.Errorf("norm = %v, want 1", n)
			}
			if again := e.Vector(tt.text); !slices.Equal(v, again) {
				t.Error("the same text gave two different vectors")
			}
		})
	}
}

func TestEmbedderSimilarity(t *testing.T) {
	e := NewEmbedder(0)
	tests := []struct {
		name, query, near, far string
	}{
		{"shared words", "what does RERA require for escrow accounts?",
			"RERA requires developers to hold off-plan payments in an escrow account.",
			"Showings are available between 9 AM and 7 PM daily."},
		{"plural and singular", "villas with private pools",
			"Each villa has a private pool and garden.",
			"Offices in Business Bay are leased per square foot."},
		{"phrase beats scattered words", "Dubai Marina",
			"Prices in Dubai Marina rose 8% this year.",
			"The marina in Abu Dhabi is far from Dubai."},
		{"arabic with and without diacritics", "إيجار شقة في دبي",
			"ايجار الشقه في دبي مرتفع",
			"أسعار الفلل في أبوظبي"},
		{"inflection via trigrams", "investing in JVC",
			"Investors favour JVC for rental yields.",
			"Closing costs include title insurance."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := e.Vector(tt.query)
			near, far := Cosine(q, e.Vector(tt.near)), Cosine(q, e.Vector(tt.far))
			if near <= far {
				t.Errorf("cos(near) = %.3f <= cos(far) = %.3f", near, far)
			}
		})
	}
}

func TestEmbedderModelAndDimensions(t *testing.T) {
	tests := []struct {
		dims      int
		wantDims  int
		wantModel string
	}{
		{0, 768, "offline-hash-v1@768"},
		{384, 384, "offline-hash-v1@384"},
	}
	for _, tt := range tests {
		t.Run(tt.wantModel, func(t *testing.T) {
			e := NewEmbedder(tt.dims)
			if e.Dimensions() != tt.wantDims || e.Model() != tt.wantModel {
				t.Errorf("got %d %q, want %d %q", e.Dimensions(), e.Model(), tt.wantDims, tt.wantModel)
			}
			vs, err := e.Embed(context.Background(), []string{"a villa", "an office"})
			if err != nil || len(vs) != 2 || len(vs[0]) != tt.wantDims {
				t.Fatalf("Embed = %d vectors, %v", len(vs), err)
			}
		})
	}
}

func TestEmbedCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewEmbedder(0).Embed(ctx, []string{"x"}); err == nil {
		t.Fatal("Embed on a cancelled context succeeded")
	}
}

// TestEmbedderRanking checks retrieval quality on a small corpus: each question's own
// section must rank first among all sections.
func TestEmbedderRanking(t *testing.T) {
	e := NewEmbedder(0)
	sections := map[string]string{
		"offers":    "All offers must be submitted in writing within 48 hours of property viewing, with the purchase price and an earnest money deposit of at least 1%.",
		"tours":     "We offer 3D virtual tours for all properties listed above AED 2,000,000; below that, virtual tours are available on request.",
		"closing":   "Closing costs typically range from 2-5% of the purchase price and include title insurance, escrow fees and transfer fees.",
		"staging":   "We provide free home staging consultation for properties on the market for more than 30 days.",
		"showings":  "Showings must be scheduled at least 2 hours in advance and are available between 9 AM and 7 PM daily.",
		"financing": "A pre-approval letter is required before showing properties; the minimum credit score for a conventional loan is 620.",
		"escrow":    "RERA requires off-plan developers to deposit buyer payments into a registered escrow account.",
		"marina":    "Dubai Marina apartments saw prices rise 8% year on year, with strong demand for 2-bedroom units.",
		"arabic":    "رسوم دائرة الأراضي والأملاك في دبي هي أربعة بالمئة من سعر العقار.",
	}
	questions := []struct{ q, want string }{
		{"How soon must an offer be submitted after a viewing?", "offers"},
		{"Which properties get a virtual tour?", "tours"},
		{"what do closing costs include", "closing"},
		{"Is home staging free?", "staging"},
		{"when can buyers book a showing", "showings"},
		{"minimum credit score for a loan", "financing"},
		{"What does RERA say about escrow for off-plan?", "escrow"},
		{"how are prices moving in Dubai Marina", "marina"},
		{"كم رسوم دائرة الأراضي؟", "arabic"},
	}
	vecs := map[string][]float32{}
	for id, text := range sections {
		vecs[id] = e.Vector(text)
	}
	for _, tt := range questions {
		t.Run(tt.want, func(t *testing.T) {
			q := e.Vector(tt.q)
			best, bestScore := "", -2.0
			for id, v := range vecs {
				if s := Cosine(q, v); s > bestScore || (s == bestScore && id < best) {
					best, bestScore = id, s
				}
			}
			if best != tt.want {
				t.Errorf("%q ranked %q first (%.3f), want %q (%.3f)", tt.q, best, bestScore, tt.want, Cosine(q, vecs[tt.want]))
			}
		})
	}
}

func l2(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

func BenchmarkEmbed1000Chars(b *testing.B) {
	e := NewEmbedder(0)
	base := "Dubai Marina apartments saw prices rise 8% year on year, with strong demand for two-bedroom units near the tram. "
	chunk := strings.Repeat(base, 1000/len(base)+1)[:1000]
	texts := make([]string, 32)
	for i := range texts {
		texts[i] = chunk[i:] + chunk[:i] // vary the text so no cache could help
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Vector(texts[i%len(texts)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "texts/s")
}

// TestVectorReuse checks that the pooled feature table forgets one text before the next,
// also after growing for a text with thousands of distinct features.
func TestVectorReuse(t *testing.T) {
	e := NewEmbedder(0)
	var long strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&long, "word%dx ", i)
	}
	tests := []struct{ name, text string }{
		{"short", "villa in Arabian Ranches"},
		{"long", long.String()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := e.Vector(tt.text)
			e.Vector(long.String())
			e.Vector("something else entirely")
			if again := e.Vector(tt.text); !slices.Equal(first, again) {
				t.Error("the vector changed after other texts used the pool")
			}
			if n := l2(first); math.Abs(n-1) > 1e-5 {
				t.Errorf("norm = %v", n)
			}
		})
	}
}
