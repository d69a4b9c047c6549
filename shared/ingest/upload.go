package ingest

import (
	"crypto/rand"
	"fmt"
	"path"
	"slices"
	"strings"
	"unicode"

	"github.com/propertypro/propertypro/shared/apperr"
)

// UploadExtensions are the file types a data drop uploaded through the API may have.
var UploadExtensions = []string{".csv", ".json", ".xlsx"}

// maxFilenameBytes bounds an upload's file name: 255 bytes is what most file systems (the
// local object store's among them) allow for one name, and it keeps the key under S3's 1,024.
const maxFilenameBytes = 255

// uploadsSegment is the key segment that marks an object written through an upload URL.
const uploadsSegment = "uploads"

// Upload is a data drop requested through the API: the server picks its key, so a caller
// can only ever write into their own brokerage.
type Upload struct {
	BrokerageID string
	ID          string
	Dataset     string // canonical dataset name, or "" to detect it from the header
	Filename    string
}

// NewUpload validates a requested upload and gives it a fresh id. Every invalid field is
// reported, by name, with what is allowed.
func NewUpload(brokerageID, filename, dataset string) (Upload, error) {
	var fields []apperr.FieldError
	if msg := filenameProblem(filename); msg != "" {
		fields = append(fields, apperr.FieldError{Field: "filename", Message: msg, Value: filename})
	}
	if dataset != "" {
		if ds, ok := Lookup(dataset); ok {
			dataset = ds.Name
		} else {
			fields = append(fields, apperr.FieldError{Field: "dataset", Value: dataset,
				Message: "is not a dataset; one of " + strings.Join(DatasetNames(), ", ")})
		}
	}
	if len(fields) > 0 {
		return Upload{}, apperr.Validation(fields...)
	}
	return Upload{BrokerageID: brokerageID, ID: newUUID(), Dataset: dataset, Filename: filename}, nil
}

// Key is where the upload is stored in the data-drops bucket:
// <brokerage id>/uploads/<id>/[<dataset>/]<filename>. The dataset travels in the key because
// both S3 and the local folder store keep a key, while only S3 keeps metadata, and a
// presigned URL carrying metadata would make every client send matching headers.
func (u Upload) Key() string {
	dir := u.BrokerageID + "/" + uploadsSegment + "/" + u.ID + "/"
	if u.Dataset != "" {
		dir += u.Dataset + "/"
	}
	return dir + u.Filename
}

// ParseUploadKey reports whether key has the layout Upload.Key writes and, if so, the
// dataset it names ("": detect). Any other key, including one with a segment after the id
// that is no dataset, is not an upload and is loaded as it always was.
func ParseUploadKey(key string) (dataset string, ok bool) {
	parts := strings.Split(key, "/")
	if len(parts) < 4 || len(parts) > 5 || parts[1] != uploadsSegment || !isUUID(parts[2]) || parts[len(parts)-1] == "" {
		return "", false
	}
	if len(parts) == 4 {
		return "", true
	}
	ds, known := Lookup(parts[3])
	if !known || ds.Name != parts[3] {
		return "", false
	}
	return ds.Name, true
}

// filenameProblem says what is wrong with an upload's file name, or "" when nothing is.
func filenameProblem(name string) string {
	switch {
	case name == "":
		return "is required"
	case len(name) > maxFilenameBytes:
		return fmt.Sprintf("is longer than %d bytes (UTF-8)", maxFilenameBytes)
	case strings.ContainsAny(name, `/\`):
		return `must be a file name alone, without a folder: no "/" or "\"`
	case strings.Contains(name, ".."):
		return `must not contain ".."`
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "must not contain control characters"
	case strings.HasPrefix(name, "."):
		// The local platform's drops watcher skips hidden files, as it skips its own temporaries.
		return `must not start with "."`
	case !slices.Contains(UploadExtensions, strings.ToLower(path.Ext(name))):
		return "must end in one of " + strings.Join(UploadExtensions, ", ") + " (any case)"
	}
	return ""
}

// newUUID is a random (version 4) uuid.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// isUUID reports whether s is a uuid in its canonical text form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		dash := i == 8 || i == 13 || i == 18 || i == 23
		hex := c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
		if dash != (c == '-') || !dash && !hex {
			return false
		}
	}
	return true
}
