// Package objects is the object-store port (S3 in AWS) and its local implementation: a folder
// of files, LOCAL_DIR/drops/<bucket>/<key>, which the local runner watches and announces as
// S3 object-created events, so what is written here travels the same road as an S3 upload.
package objects

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/propertypro/propertypro/shared/apperr"
)

// Info describes a stored object.
type Info struct {
	Bucket       string
	Key          string
	Size         int64
	ETag         string
	ContentType  string
	LastModified time.Time
}

// Store reads and writes objects. awsx implements it over S3; Dir over a local folder.
type Store interface {
	Get(ctx context.Context, bucket, key string) (io.ReadCloser, Info, error)
	Put(ctx context.Context, bucket, key string, body io.Reader, contentType string) (Info, error)
	// PresignPut returns a URL a client can PUT the object's bytes to, valid for ttl.
	PresignPut(ctx context.Context, bucket, key string, ttl time.Duration) (string, error)
}

// Dir stores objects as files under Root/<bucket>/<key>.
type Dir struct {
	Root    string // LOCAL_DIR/drops
	BaseURL string // where the local runner serves uploads, e.g. http://127.0.0.1:8080
	Secret  []byte // signs presigned URLs
	MaxSize int64  // largest accepted upload (MAX_FILE_SIZE)
	Now     func() time.Time
}

// UploadPath is where the local runner mounts Dir's upload handler.
const UploadPath = "/local/objects/"

func (d Dir) path(bucket, key string) (string, error) {
	clean := filepath.Clean("/" + key)
	if bucket == "" || strings.ContainsAny(bucket, "/\\.") || key == "" || clean == "/" || strings.Contains(key, "..") {
		return "", apperr.New(apperr.Invalid, "bad object name %s/%s", bucket, key)
	}
	return filepath.Join(d.Root, bucket, clean), nil
}

// Get opens an object.
func (d Dir) Get(_ context.Context, bucket, key string) (io.ReadCloser, Info, error) {
	p, err := d.path(bucket, key)
	if err != nil {
		return nil, Info{}, err
	}
	f, err := os.Open(p)
	if os.IsNotExist(err) {
		return nil, Info{}, apperr.New(apperr.NotFound, "object %s/%s not found", bucket, key)
	} else if err != nil {
		return nil, Info{}, err
	}
	st, _ := f.Stat()
	etag, err := FileETag(p)
	if err != nil {
		f.Close()
		return nil, Info{}, err
	}
	return f, Info{Bucket: bucket, Key: key, Size: st.Size(), ETag: etag, LastModified: st.ModTime()}, nil
}

// Put writes an object atomically (temporary file, then rename), so the drops watcher never
// announces half a file.
func (d Dir) Put(_ context.Context, bucket, key string, body io.Reader, contentType string) (Info, error) {
	p, err := d.path(bucket, key)
	if err != nil {
		return Info{}, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return Info{}, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return Info{}, err
	}
	defer os.Remove(tmp.Name())
	h := md5.New()
	limit := d.MaxSize
	if limit <= 0 {
		limit = 1 << 62
	}
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(body, limit+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Info{}, err
	}
	if n > limit {
		return Info{}, apperr.New(apperr.Invalid, "object is larger than MAX_FILE_SIZE (%d bytes)", limit)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return Info{}, err
	}
	return Info{Bucket: bucket, Key: key, Size: n, ETag: hex.EncodeToString(h.Sum(nil)), ContentType: contentType,
		LastModified: d.now()}, nil
}

// PresignPut returns a signed URL of the local runner's upload handler.
func (d Dir) PresignPut(_ context.Context, bucket, key string, ttl time.Duration) (string, error) {
	if _, err := d.path(bucket, key); err != nil {
		return "", err
	}
	exp := strconv.FormatInt(d.now().Add(ttl).Unix(), 10)
	q := url.Values{"expires": {exp}, "signature": {d.sign(bucket, key, exp)}}
	return fmt.Sprintf("%s%s%s/%s?%s", strings.TrimSuffix(d.BaseURL, "/"), UploadPath, bucket,
		(&url.URL{Path: key}).EscapedPath(), q.Encode()), nil
}

func (d Dir) sign(bucket, key, exp string) string {
	m := hmac.New(sha256.New, d.Secret)
	fmt.Fprintf(m, "PUT\n%s\n%s\n%s", bucket, key, exp)
	return hex.EncodeToString(m.Sum(nil))
}

func (d Dir) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// UploadHandler accepts PUTs to presigned URLs, as S3 would: the signature and expiry are
// checked, and the body is stored with Put.
func (d Dir) UploadHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.Path, UploadPath)
		bucket, key, ok := strings.Cut(rest, "/")
		exp := r.URL.Query().Get("expires")
		sig := r.URL.Query().Get("signature")
		unix, _ := strconv.ParseInt(exp, 10, 64)
		switch {
		case r.Method != http.MethodPut || !ok:
			http.Error(w, "PUT a presigned URL", http.StatusMethodNotAllowed)
		case !hmac.Equal([]byte(sig), []byte(d.sign(bucket, key, exp))) || d.now().Unix() > unix:
			http.Error(w, "signature does not match or has expired", http.StatusForbidden)
		default:
			info, err := d.Put(r.Context(), bucket, key, r.Body, r.Header.Get("Content-Type"))
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			w.Header().Set("ETag", `"`+info.ETag+`"`)
			w.WriteHeader(http.StatusOK)
		}
	})
}

// FileETag is a file's S3-style ETag (hex MD5 of its bytes, as S3 gives for single-part uploads).
func FileETag(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := md5.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
