package objects

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/apperr"
)

func TestDirRoundTripAndPresignedUpload(t *testing.T) {
	d := Dir{Root: t.TempDir(), Secret: []byte("s"), MaxSize: 100}
	srv := httptest.NewServer(http.StripPrefix("", d.UploadHandler()))
	defer srv.Close()
	d.BaseURL = srv.URL
	ctx := context.Background()

	info, err := d.Put(ctx, "documents", "a/b c.txt", strings.NewReader("hello"), "text/plain")
	if err != nil || info.Size != 5 || info.ETag != "5d41402abc4b2a76b9719d911017c592" {
		t.Fatalf("%+v %v", info, err)
	}
	rc, got, err := d.Get(ctx, "documents", "a/b c.txt")
	if err != nil || got.ETag != info.ETag {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "hello" {
		t.Fatal(string(b))
	}
	if _, _, err := d.Get(ctx, "documents", "missing"); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatal(err)
	}
	for _, key := range []string{"../escape", ""} {
		if _, err := d.Put(ctx, "documents", key, strings.NewReader("x"), ""); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("key %q accepted", key)
		}
	}
	if _, err := d.Put(ctx, "documents", "big", strings.NewReader(strings.Repeat("x", 101)), ""); apperr.CodeOf(err) != apperr.Invalid {
		t.Error("oversized object accepted")
	}

	u, err := d.PresignPut(ctx, "documents", "up/report 1.pdf", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	put := func(url, body string) int {
		req, _ := http.NewRequest("PUT", url, strings.NewReader(body))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if s := put(u, "%PDF-1.4"); s != 200 {
		t.Fatalf("presigned PUT: %d", s)
	}
	if _, _, err := d.Get(ctx, "documents", "up/report 1.pdf"); err != nil {
		t.Fatal(err)
	}
	if s := put(strings.Replace(u, "signature=", "signature=0", 1), "x"); s != 403 {
		t.Fatalf("forged signature: %d", s)
	}
	past := d
	past.Now = func() time.Time { return time.Now().Add(-2 * time.Minute) }
	expired, _ := past.PresignPut(ctx, "documents", "late.txt", time.Minute)
	if s := put(expired, "x"); s != 403 {
		t.Fatalf("expired URL: %d", s)
	}
}
