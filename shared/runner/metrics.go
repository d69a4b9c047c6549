package runner

import (
	"context"
	"net/http"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/metrics"
	"github.com/propertypro/propertypro/shared/queue"
)

// collectDepths refreshes the queue gauges before a /metrics scrape: depth is a property of
// the queue, not of any one consumer, so it is read when asked rather than tracked.
func (p *Platform) collectDepths(r *http.Request) {
	if p.base.Depths == nil {
		return
	}
	dead, _ := p.base.Depths.(interface {
		DeadLetters(ctx context.Context, queue string, limit int) ([]queue.Message, error)
	})
	for _, fn := range p.manifest {
		if fn.Kind() != functions.KindTask {
			continue
		}
		visible, inFlight, err := p.base.Depths.Depth(r.Context(), fn.Queue)
		if err != nil {
			continue
		}
		metrics.Default.Set(metrics.QueueVisible, float64(visible), "queue", fn.Queue)
		metrics.Default.Set(metrics.QueueInFlight, float64(inFlight), "queue", fn.Queue)
		if dead != nil {
			if msgs, err := dead.DeadLetters(r.Context(), fn.Queue, 1000); err == nil {
				metrics.Default.Set(metrics.QueueDead, float64(len(msgs)), "queue", fn.Queue)
			}
		}
	}
}
