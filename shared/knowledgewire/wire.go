// Package knowledgewire builds the knowledge service from a function's boot: the Postgres
// repository, the vector store (Chroma when CHROMA_HOST is set, else the embedded store
// under LOCAL_DIR/vectors), the embedder and the provider chain; and the handlers of the
// knowledge area's task and schedule functions.
package knowledgewire

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/propertypro/propertypro/shared/ai"
	"github.com/propertypro/propertypro/shared/ai/providers"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/chroma"
	"github.com/propertypro/propertypro/shared/document"
	"github.com/propertypro/propertypro/shared/knowledge"
	"github.com/propertypro/propertypro/shared/lambdasqs"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres/knowledgestore"
	"github.com/propertypro/propertypro/shared/vector"
	"github.com/propertypro/propertypro/shared/vectormem"
)

var (
	storesMu sync.Mutex
	stores   = map[string]vector.Store{}
)

// VectorStore returns the configured store, one per location per process: two embedded
// stores over one folder must never write it at once.
func VectorStore(b *platform.Boot) (vector.Store, error) {
	c := b.Config
	key := "chroma:" + c.ChromaURL() // two servers may share a host
	if c.ChromaHost == "" {
		key = "dir:" + filepath.Join(c.LocalDir, "vectors")
	}
	storesMu.Lock()
	defer storesMu.Unlock()
	if s, ok := stores[key]; ok {
		return s, nil
	}
	var (
		s   vector.Store
		err error
	)
	if c.ChromaHost != "" {
		s, err = chroma.New(chroma.Settings{URL: strings.TrimPrefix(key, "chroma:"), Token: c.ChromaToken})
	} else {
		s, err = vectormem.New(vectormem.Settings{Dir: strings.TrimPrefix(key, "dir:")})
	}
	if err != nil {
		return nil, err
	}
	stores[key] = s
	return s, nil
}

// Service builds the knowledge service of a function.
func Service(b *platform.Boot) (*knowledge.Service, error) {
	ctx := context.Background()
	vs, err := VectorStore(b)
	if err != nil {
		return nil, err
	}
	settings := providers.FromConfig(b.Config)
	// The budget lives in Postgres: every Lambda instance answering for a brokerage draws
	// on the same daily tokens.
	settings.Chain = ai.ChainSettings{Observe: knowledge.Observe, Logger: b.Log,
		Budget: knowledgestore.NewAIBudget(b.DB, b.Config.AITokenBudget)}
	chain, err := providers.NewChain(ctx, settings)
	if err != nil {
		return nil, err
	}
	emb, err := providers.NewEmbedder(ctx, settings)
	if err != nil {
		return nil, err
	}
	return &knowledge.Service{Repo: knowledgestore.NewKnowledge(b.DB), Vectors: vs, Embedder: emb, Generator: chain,
		Log: b.Log, Limits: document.Limits{MaxFileSize: b.Config.MaxFileSize},
		Chunking: document.ChunkOptions{Target: b.Config.ChunkSize, Overlap: b.Config.ChunkOverlap}}, nil
}

// ProcessDocument builds task-process-document: each message is an S3 event notification
// of the documents bucket; every object it names is read and processed.
func ProcessDocument(b *platform.Boot) (platform.Handler, error) {
	svc, err := Service(b)
	if err != nil {
		return platform.Handler{}, err
	}
	return platform.Handler{Task: func(ctx context.Context, m lambdasqs.Message) error {
		var ev events.S3Event
		if err := jsonUnmarshal(m.Body, &ev); err != nil {
			return fmt.Errorf("message is not an S3 event: %w", err)
		}
		for _, r := range ev.Records {
			key, err := url.QueryUnescape(r.S3.Object.Key)
			if err != nil {
				key = r.S3.Object.Key
			}
			if err := ProcessObject(ctx, b, svc, r.S3.Bucket.Name, key); err != nil {
				return err
			}
		}
		return nil
	}}, nil
}

// ProcessObject processes one uploaded object: the document registered under its key, or,
// for a file dropped straight into <brokerage id>/<name>, a document registered now.
func ProcessObject(ctx context.Context, b *platform.Boot, svc *knowledge.Service, bucket, key string) error {
	kdb := knowledgestore.NewKnowledge(b.DB)
	d, found, err := kdb.DocumentByKey(ctx, key)
	if err != nil {
		return err
	}
	if !found {
		brokerage, name, ok := strings.Cut(key, "/")
		if !ok || strings.Contains(name, "/") {
			b.Log.WarnContext(ctx, "object key is not <brokerage id>/<file>; ignored", "key", key)
			return nil
		}
		d, err = kdb.CreateDocument(ctx, knowledge.Document{BrokerageID: brokerage, Filename: name, ObjectKey: key,
			Title: strings.TrimSuffix(name, filepath.Ext(name)), Status: knowledge.StatusProcessing})
		if apperr.CodeOf(err) == apperr.Invalid {
			b.Log.WarnContext(ctx, "object names no brokerage; ignored", "key", key, "err", err)
			return nil
		}
		if err != nil {
			return err
		}
	}
	rc, info, err := b.Objects.Get(ctx, bucket, key)
	if err != nil {
		return err
	}
	defer rc.Close()
	if info.Size > b.Config.MaxFileSize {
		d.SizeBytes, d.Status = info.Size, knowledge.StatusFailed
		d.Error = fmt.Sprintf("the file is %d bytes; MAX_FILE_SIZE is %d", info.Size, b.Config.MaxFileSize)
		return kdb.UpdateDocument(ctx, d)
	}
	data, err := readAll(rc, b.Config.MaxFileSize)
	if err != nil {
		return err
	}
	d, err = svc.Process(ctx, d, data)
	if err == nil {
		b.Log.InfoContext(ctx, "document processed", "document_id", d.ID, "status", d.Status, "chunks", d.Chunks)
	}
	return err
}

// Reembed builds task-reembed and cron-reembed: they sync the knowledge base with the data
// (structured rows that changed, vectors of removed chunks) and embed, in batches, every
// chunk whose vector is missing (new sources, a failed embedding) or from an older model.
func Reembed(b *platform.Boot) (platform.Handler, error) {
	svc, err := Service(b)
	if err != nil {
		return platform.Handler{}, err
	}
	run := func(ctx context.Context) error {
		rep, err := svc.Sync(ctx, 500)
		b.Log.InfoContext(ctx, "knowledge synced", "sources", rep.Sources, "written", rep.Written, "removed", rep.Removed,
			"vectors_deleted", rep.VectorsDeleted, "embedded", rep.Embedded, "model", svc.Embedder.Model())
		return err
	}
	if b.Fn.Queue != "" {
		return platform.Handler{Task: func(ctx context.Context, _ lambdasqs.Message) error { return run(ctx) }}, nil
	}
	return platform.Handler{Job: func(ctx context.Context, _ time.Time) error { return run(ctx) }}, nil
}
