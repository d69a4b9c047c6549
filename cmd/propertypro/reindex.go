package main

import (
	"fmt"
	"os"
	"time"

	"github.com/propertypro/propertypro/shared/knowledge"
	"github.com/propertypro/propertypro/shared/postgres/knowledgestore"
)

type reindexCmd struct {
	Brokerage string `help:"Brokerage id or name to rebuild; every brokerage when left out."`
	Clean     bool   `help:"Delete the brokerages' vectors first (without --brokerage: the shared reference data's too), so vectors of chunks no longer in Postgres go too."`
	Batch     int    `default:"500" help:"Chunks embedded per page."`
}

// Run rebuilds the vector store (Chroma when CHROMA_HOST is set, else the embedded store
// under LOCAL_DIR/vectors) from the chunks in Postgres, with the configured embedder. Every
// chunk is upserted under its own id, so the command can be run again, or after an
// interruption, with the same result. The embedded store may be open in `propertypro run` at
// the same time: its folder is shared safely between processes (shared/vectormem/share.go).
func (c reindexCmd) Run(e *env) error {
	db, err := e.database(true)
	if err != nil {
		return err
	}
	defer db.Close()
	brokerage := "" // every brokerage
	if c.Brokerage != "" {
		if brokerage, err = findBrokerage(e, db, c.Brokerage); err != nil {
			return err
		}
	}
	svc, err := knowledgeService(e, db, "task-reembed")
	if err != nil {
		return err
	}
	start := time.Now()
	scope := "every brokerage"
	if brokerage != "" {
		scope = "brokerage " + brokerage
	}
	progress("reindexing %s with %s (%d dimensions)", scope, svc.Embedder.Model(), svc.Embedder.Dimensions())
	n, err := svc.Reindex(e.ctx, knowledgestore.NewKnowledge(db.Pool), knowledge.ReindexOptions{BrokerageID: brokerage,
		Clean: c.Clean, Batch: c.Batch, Progress: func(done, total int) {
			fmt.Fprintf(os.Stderr, "\r• %d/%d chunks (%d%%)", done, total, done*100/max(total, 1))
		}})
	if n > 0 {
		fmt.Fprintln(os.Stderr)
	}
	if err != nil {
		return fmt.Errorf("after %d chunks: %w", n, err)
	}
	fmt.Printf("reindexed %d chunks of %s in %s\n", n, scope, time.Since(start).Round(time.Millisecond))
	return nil
}

// brokerage resolves --brokerage (an id or a name) to an id; "" stays "" (every brokerage).
