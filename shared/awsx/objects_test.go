package awsx_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/awsx"
)

// onlyReader hides every method but Read, so that Put cannot seek or learn the length: the
// body must be streamed as it would be from a network connection.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// content is size bytes of reproducible noise and their digest.
func content(size int64, seed uint64) (io.Reader, [32]byte) {
	h := sha256.New()
	_, _ = io.Copy(h, io.LimitReader(rand.NewChaCha8([32]byte{byte(seed)}), size))
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return io.LimitReader(rand.NewChaCha8([32]byte{byte(seed)}), size), sum
}

func TestObjectStoreRoundTrip(t *testing.T) {
	cfg := emulator(t)
	physical := unique("objects")
	provisioned(t, cfg, []string{physical}, nil, 0)
	// A logical name mapped to the fresh bucket checks the mapping on every call.
	store := awsx.NewObjectStore(cfg, map[string]string{"data-drops": physical})

	cases := []struct {
		name        string
		key         string
		size        int64
		contentType string
		parts       int // 0: uploaded in one PutObject
	}{
		{"empty object", "empty/none.txt", 0, "text/plain", 0},
		{"small object", "notes/hello.txt", 11, "text/plain", 0},
		{"exactly one part", "drops/one-part.bin", awsx.PartSize, "application/octet-stream", 1},
		{"multi-MB object streamed in parts", "drops/2025 Q1/deals+extra.csv", 2*awsx.PartSize + 12345, "text/csv", 3},
		{"unicode key", "تقارير/مارينا.json", 1024, "application/json", 0},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := ctxFor(t)
			body, sum := content(tc.size, uint64(i))
			put, err := store.Put(ctx, "data-drops", tc.key, onlyReader{body}, tc.contentType)
			if err != nil {
				t.Fatalf("Put: %v", err)
			}
			assertParts(t, put.ETag, tc.parts)

			head, err := store.Head(ctx, "data-drops", tc.key)
			if err != nil {
				t.Fatalf("Head: %v", err)
			}
			want := awsx.ObjectInfo{Bucket: "data-drops", Key: tc.key, Size: tc.size, ETag: put.ETag, ContentType: tc.contentType}
			assertInfo(t, "Head", head, want)
			if put.Size != tc.size {
				t.Errorf("Put size = %d, want %d", put.Size, tc.size)
			}

			rc, info, err := store.Get(ctx, "data-drops", tc.key)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			defer rc.Close()
			assertInfo(t, "Get", info, want)
			h := sha256.New()
			if _, err := io.Copy(h, rc); err != nil {
				t.Fatalf("read body: %v", err)
			}
			if !bytes.Equal(h.Sum(nil), sum[:]) {
				t.Error("Get returned different bytes than Put stored")
			}
		})
	}
}

// assertParts reads the upload's part count from its ETag, which S3 ends with "-N" for a
// multipart upload of N parts.
func assertParts(t *testing.T, etag string, parts int) {
	t.Helper()
	_, n, multipart := strings.Cut(etag, "-")
	switch {
	case parts == 0 && multipart:
		t.Errorf("ETag %q: uploaded in parts, want one PutObject", etag)
	case parts > 0 && n != strconv.Itoa(parts):
		t.Errorf("ETag %q: want %d parts", etag, parts)
	case strings.Contains(etag, `"`):
		t.Errorf("ETag %q still has quotes", etag)
	}
}

func assertInfo(t *testing.T, op string, got, want awsx.ObjectInfo) {
	t.Helper()
	if got.LastModified.IsZero() || time.Since(got.LastModified) > time.Hour {
		t.Errorf("%s LastModified = %v, want about now", op, got.LastModified)
	}
	got.LastModified = time.Time{}
	if got != want {
		t.Errorf("%s = %+v, want %+v", op, got, want)
	}
}

func TestObjectStoreMissing(t *testing.T) {
	cfg := emulator(t)
	bucket := unique("missing")
	provisioned(t, cfg, []string{bucket}, nil, 0)
	store := awsx.NewObjectStore(cfg, nil)

	cases := []struct {
		name string
		call func() error
	}{
		{"get missing key", func() error { _, _, err := store.Get(ctxFor(t), bucket, "nope.csv"); return err }},
		{"head missing key", func() error { _, err := store.Head(ctxFor(t), bucket, "nope.csv"); return err }},
		{"get from missing bucket", func() error { _, _, err := store.Get(ctxFor(t), bucket+"-x", "a"); return err }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, awsx.ErrNotFound) {
				t.Fatalf("error = %v, want ErrNotFound", err)
			}
		})
	}
}

func TestPresignPutAcceptsPlainHTTP(t *testing.T) {
	cfg := emulator(t)
	bucket := unique("presign")
	provisioned(t, cfg, []string{bucket}, nil, 0)
	store := awsx.NewObjectStore(cfg, map[string]string{"documents": bucket})

	cases := []struct{ name, key, body string }{
		{"plain key", "uploads/brochure.txt", "Marina Gate, 2 bedrooms"},
		{"key with spaces and plus", "uploads/Q1 report+final.txt", "Downtown Q1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := ctxFor(t)
			url, err := store.PresignPut(ctx, "documents", tc.key, 5*time.Minute)
			if err != nil {
				t.Fatalf("PresignPut: %v", err)
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPut, url, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("PUT: %v", err)
			}
			msg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("PUT %s: %s %s", url, resp.Status, msg)
			}
			rc, _, err := store.Get(ctx, "documents", tc.key)
			if err != nil {
				t.Fatalf("Get after presigned PUT: %v", err)
			}
			defer rc.Close()
			if got, _ := io.ReadAll(rc); string(got) != tc.body {
				t.Errorf("object = %q, want %q", got, tc.body)
			}
		})
	}
}
