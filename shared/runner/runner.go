package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/catalog"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/metrics"
	"github.com/propertypro/propertypro/shared/objects"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/queue"
	"github.com/propertypro/propertypro/shared/telemetry"
)

// Platform is the local platform: every function of the manifest, built once.
type Platform struct {
	manifest []functions.Function
	cfg      config.Config
	log      *slog.Logger
	base     platform.Boot
	inbox    inbox
	handlers map[string]platform.Handler
	drops    objects.Dir
	mux      *http.ServeMux
	// Now is the clock of the scheduler; tests replace it.
	Now func() time.Time
}

// New builds every function of the manifest over db. With AWS_ENDPOINT_URL set, queues are
// SQS on that endpoint; otherwise the durable local queue in Postgres.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, db *Database) (*Platform, error) {
	return NewWith(ctx, cfg, log, db, functions.Manifest, catalog.Builders())
}

// NewWith builds the given functions with the given builders (tests add functions of their own).
func NewWith(ctx context.Context, cfg config.Config, log *slog.Logger, db *Database,
	manifest []functions.Function, builders map[string]platform.Builder) (*Platform, error) {
	p := &Platform{manifest: manifest, cfg: cfg, log: log, handlers: map[string]platform.Handler{},
		mux: http.NewServeMux(), Now: time.Now}
	p.base = platform.Boot{Config: cfg, Log: log, DB: db.Pool, Runtime: "local"}
	p.drops = objects.Dir{Root: DropsDir(cfg.LocalDir), BaseURL: "http://" + cfg.Addr(),
		Secret: []byte(cfg.SecretKey), MaxSize: cfg.MaxFileSize}
	p.base.Objects = p.drops
	if cfg.AWSEndpointURL != "" {
		sq, err := newSQSInbox(ctx, cfg)
		if err != nil {
			return nil, err
		}
		p.inbox, p.base.Queues, p.base.Depths = sq, sq.q, sq.q
	} else {
		lq := queue.NewLocal(db.Pool)
		p.inbox, p.base.Queues, p.base.Depths = localInbox{lq}, lq, lq
	}
	p.base.Queues = telemetry.Sender(p.base.Queues) // every message carries its sender's trace
	for _, fn := range manifest {
		if err := p.build(fn, builders[fn.Name]); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *Platform) build(fn functions.Function, build platform.Builder) error {
	if build == nil {
		return fmt.Errorf("function %s has no builder in shared/catalog", fn.Name)
	}
	b := p.boot(fn)
	h, err := build(b)
	if err != nil {
		return fmt.Errorf("building %s: %w", fn.Name, err)
	}
	p.handlers[fn.Name] = platform.Instrument(b, h)
	if r, ok := catalog.Routes()[fn.Name]; ok && fn.Kind() == functions.KindHTTP {
		api.Mount(p.mux, r, b)
	}
	return nil
}

// boot is the function's own copy of the shared boot.
func (p *Platform) boot(fn functions.Function) *platform.Boot {
	b := p.base
	b.Fn = fn
	return &b
}

// Handler serves every HTTP function with the manifest's routes, behind the same middleware
// as in Lambda.
func (p *Platform) Handler() http.Handler {
	root := http.NewServeMux()
	root.Handle(objects.UploadPath, p.drops.UploadHandler())
	root.Handle("GET /metrics", metrics.Default.Handler(p.collectDepths))
	root.Handle("/", api.Middleware(p.log, p.mux))
	return root
}

// Invoke runs one function on a raw Lambda event, as `propertypro invoke` does.
func (p *Platform) Invoke(ctx context.Context, name string, event []byte) ([]byte, error) {
	for _, fn := range p.manifest {
		if fn.Name == name {
			return p.handlers[name].Invoke(ctx, fn, p.log, event)
		}
	}
	return nil, fmt.Errorf("no function %q in the manifest", name)
}

// Run serves HTTP on HOST:PORT and runs consumers, schedules and the drops watcher until ctx
// ends, then stops them all and waits for work in flight to finish.
func (p *Platform) Run(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", p.cfg.Addr())
	if err != nil {
		return fmt.Errorf("HOST/PORT: cannot listen on %s: %w", p.cfg.Addr(), err)
	}
	srv := &http.Server{Handler: p.Handler(), ReadHeaderTimeout: 10 * time.Second}
	var wg sync.WaitGroup
	for _, fn := range p.manifest {
		switch fn.Kind() {
		case functions.KindTask:
			for range max(p.cfg.LocalConsumers, 1) {
				wg.Add(1)
				go func() { defer wg.Done(); p.consume(ctx, fn) }()
			}
		case functions.KindSchedule:
			wg.Add(1)
			go func() { defer wg.Done(); p.schedule(ctx, fn) }()
		}
	}
	wg.Add(1)
	go func() { defer wg.Done(); p.watchDrops(ctx) }()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(shutdownCtx)
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
