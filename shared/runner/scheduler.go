package runner

import (
	"context"
	"time"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/schedule"
)

// schedule fires fn when its expression says, checking every LOCAL_SCHEDULE_TICK. A
// function with a Flag that is switched off is skipped, as the rule's target would be.
func (p *Platform) schedule(ctx context.Context, fn functions.Function) {
	s, err := schedule.Parse(fn.Schedule)
	if err != nil {
		p.log.ErrorContext(ctx, "bad schedule; function will not run", "function", fn.Name, "err", err)
		return
	}
	next := s.Next(p.Now())
	tick := time.NewTicker(p.cfg.ScheduleTick)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if now := p.Now(); !next.IsZero() && !now.Before(next) {
			p.fire(ctx, fn, next)
			next = s.Next(now)
		}
	}
}

// fire runs one scheduled invocation with the EventBridge event it would receive.
func (p *Platform) fire(ctx context.Context, fn functions.Function, at time.Time) {
	if on, err := platform.FlagOn(ctx, p.base.DB, p.cfg, fn.Flag); fn.Flag != "" && (err != nil || !on) {
		p.log.InfoContext(ctx, "schedule skipped: flag off", "function", fn.Name, "flag", fn.Flag)
		return
	}
	runCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fn.Timeout)
	defer cancel()
	if err := p.handlers[fn.Name].Job(runCtx, at); err != nil {
		p.log.ErrorContext(ctx, "scheduled run failed", "function", fn.Name, "err", err)
	}
}
