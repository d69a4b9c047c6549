package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/awsx"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/queue"
	"github.com/propertypro/propertypro/shared/runner"
)

// opsCmd holds the operator's actions that the runbooks in docs/runbooks call for.
type opsCmd struct {
	Queues   opsQueuesCmd   `cmd:"" help:"Show every task queue's depth: visible, in flight and dead-lettered messages."`
	DLQ      opsDLQCmd      `cmd:"" name:"dlq" help:"List or redrive a queue's dead-lettered messages."`
	Failures opsFailuresCmd `cmd:"" help:"Show recent task failures (messages whose last delivery failed), newest first."`
	Rerun    opsRerunCmd    `cmd:"" help:"Re-run a failed job: a schedule runs now; a task's dead letters are redriven."`
	Flag     opsFlagCmd     `cmd:"" help:"Switch a boolean feature flag on or off at run time (no deploy), or clear the override."`
	Flags    opsFlagsCmd    `cmd:"" help:"List the feature flags with their configured value and any operator override."`
}

// opsQueue is what the operator needs of a queue, locally (Postgres) or on SQS.
type opsQueue interface {
	Depth(ctx context.Context, queue string) (visible, inFlight int, err error)
	Dead(ctx context.Context, queue string, n int) ([]queue.Message, error)
	Redrive(ctx context.Context, queue string) (int, error)
}

type localOps struct{ *queue.Local }

func (l localOps) Dead(ctx context.Context, q string, n int) ([]queue.Message, error) {
	return l.DeadLetters(ctx, q, n)
}

type sqsOps struct{ q *awsx.Queues }

func (s sqsOps) Depth(ctx context.Context, q string) (int, int, error) { return s.q.Depth(ctx, q) }

func (s sqsOps) Dead(ctx context.Context, q string, n int) ([]queue.Message, error) {
	msgs, err := s.q.DeadLetters(q).List(ctx, n)
	out := make([]queue.Message, len(msgs))
	for i, m := range msgs {
		out[i] = queue.Message{ID: m.ID, Body: m.Body, Attributes: m.MessageAttributes, ReceiveCount: m.ReceiveCount()}
	}
	return out, err
}

func (s sqsOps) Redrive(ctx context.Context, q string) (int, error) {
	return s.q.DeadLetters(q).Redrive(ctx, 1000)
}

// queues opens the queues the platform uses: SQS when AWS_ENDPOINT_URL is set or the
// environment is deployed, the local durable queue otherwise.
func (e *env) queues() (opsQueue, *runner.Database, error) {
	db, err := e.database(true)
	if err != nil {
		return nil, nil, err
	}
	if e.cfg.AWSEndpointURL == "" && !e.cfg.Deployed() {
		return localOps{queue.NewLocal(db.Pool)}, db, nil
	}
	awsCfg, err := awsx.Config(e.ctx, awsx.Settings{Region: e.cfg.AWSRegion, Endpoint: e.cfg.AWSEndpointURL})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return sqsOps{awsx.NewQueues(awsCfg, nil)}, db, nil
}

// taskQueue checks that name is a task function's queue, so a typo fails loudly.
func taskQueue(name string) (functions.Function, error) {
	var names []string
	for _, fn := range functions.Manifest {
		if fn.Kind() == functions.KindTask {
			if fn.Queue == name || fn.Name == name {
				return fn, nil
			}
			names = append(names, fn.Queue)
		}
	}
	return functions.Function{}, fmt.Errorf("no task queue %q (queues: %s)", name, strings.Join(names, ", "))
}

type opsQueuesCmd struct{}

func (opsQueuesCmd) Run(e *env) error {
	q, db, err := e.queues()
	if err != nil {
		return err
	}
	defer db.Close()
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "QUEUE\tFUNCTION\tVISIBLE\tIN FLIGHT\tDEAD")
	for _, fn := range functions.Manifest {
		if fn.Kind() != functions.KindTask {
			continue
		}
		visible, inFlight, err := q.Depth(e.ctx, fn.Queue)
		if err != nil {
			return fmt.Errorf("queue %s: %w", fn.Queue, err)
		}
		dead, err := q.Dead(e.ctx, fn.Queue, 1000)
		if err != nil {
			return fmt.Errorf("dead letters of %s: %w", fn.Queue, err)
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\n", fn.Queue, fn.Name, visible, inFlight, len(dead))
	}
	return w.Flush()
}

type opsDLQCmd struct {
	List    opsDLQListCmd    `cmd:"" help:"Print a queue's dead letters as JSON lines (id, receive count, last error, body)."`
	Redrive opsDLQRedriveCmd `cmd:"" help:"Return a queue's dead letters to it for another round of deliveries."`
}

type opsDLQListCmd struct {
	Queue string `arg:"" help:"Queue name (or its task function's name)."`
	Limit int    `default:"50" help:"Most messages to print."`
}

func (c opsDLQListCmd) Run(e *env) error {
	return e.withQueue(c.Queue, func(q opsQueue, name string) error {
		msgs, err := q.Dead(e.ctx, name, c.Limit)
		if err != nil {
			return err
		}
		return printMessages(name, msgs)
	})
}

// withQueue resolves a queue (or its task function's name) and runs f on the queues of the
// configured platform, closing the database afterwards.
func (e *env) withQueue(queueOrFunction string, f func(q opsQueue, name string) error) error {
	fn, err := taskQueue(queueOrFunction)
	if err != nil {
		return err
	}
	q, db, err := e.queues()
	if err != nil {
		return err
	}
	defer db.Close()
	return f(q, fn.Queue)
}

func printMessages(q string, msgs []queue.Message) error {
	enc := json.NewEncoder(os.Stdout)
	for _, m := range msgs {
		if err := enc.Encode(map[string]any{"queue": q, "id": m.ID, "receive_count": m.ReceiveCount,
			"sent_at": m.SentAt, "last_error": m.LastError, "body": json.RawMessage(jsonOrString(m.Body))}); err != nil {
			return err
		}
	}
	progress("%d message(s)", len(msgs))
	return nil
}

func jsonOrString(s string) []byte {
	if json.Valid([]byte(s)) {
		return []byte(s)
	}
	b, _ := json.Marshal(s)
	return b
}

type opsDLQRedriveCmd struct {
	Queue string `arg:"" help:"Queue name (or its task function's name)."`
}

func (c opsDLQRedriveCmd) Run(e *env) error {
	return e.withQueue(c.Queue, func(q opsQueue, name string) error {
		n, err := q.Redrive(e.ctx, name)
		if err != nil {
			return err
		}
		fmt.Printf("redrove %d message(s) to %s\n", n, name)
		return nil
	})
}

type opsFailuresCmd struct {
	Limit int `default:"20" help:"Most failures to print."`
}

func (c opsFailuresCmd) Run(e *env) error {
	db, err := e.database(true)
	if err != nil {
		return err
	}
	defer db.Close()
	if e.cfg.AWSEndpointURL != "" || e.cfg.Deployed() {
		progress("on SQS only dead letters keep their failure: use `propertypro ops dlq list QUEUE`")
	}
	rows, err := db.Pool.Query(e.ctx, `SELECT queue, id::text, receive_count, dead, sent_at, last_error
		FROM queue_messages WHERE last_error <> '' ORDER BY id DESC LIMIT $1`, c.Limit)
	if err != nil {
		return err
	}
	defer rows.Close()
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "QUEUE\tID\tRECEIVES\tDEAD\tSENT\tLAST ERROR")
	for rows.Next() {
		var q, id, msg string
		var n int
		var dead bool
		var sent time.Time
		if err := rows.Scan(&q, &id, &n, &dead, &sent, &msg); err != nil {
			return err
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%t\t%s\t%s\n", q, id, n, dead, sent.UTC().Format(time.RFC3339),
			oneLine(msg, 120))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return w.Flush()
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

type opsRerunCmd struct {
	Function string `arg:"" help:"A cron-… function (runs now) or a task-… function (its dead letters are redriven)."`
}

func (c opsRerunCmd) Run(e *env) error {
	fn, err := functions.Lookup(c.Function)
	if err != nil {
		return err
	}
	switch fn.Kind() {
	case functions.KindTask:
		return opsDLQRedriveCmd{Queue: fn.Queue}.Run(e)
	case functions.KindSchedule:
		return rerunSchedule(e, fn)
	}
	return fmt.Errorf("%s is an HTTP function: there is no job to re-run", fn.Name)
}

// rerunSchedule invokes a schedule with the EventBridge event it would get now; the job is
// idempotent, so a second run after a failed one is safe.
func rerunSchedule(e *env, fn functions.Function) error {
	db, err := e.database(true)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := runner.New(e.ctx, e.cfg, e.log, db)
	if err != nil {
		return err
	}
	ev, _ := json.Marshal(events.EventBridgeEvent{Version: "0", DetailType: "Scheduled Event",
		Source: "aws.events", Time: time.Now().UTC(), Detail: json.RawMessage("{}")})
	out, err := p.Invoke(e.ctx, fn.Name, ev)
	if err != nil {
		return fmt.Errorf("%s failed again: %w", fn.Name, err)
	}
	fmt.Println(string(out))
	return nil
}

type opsFlagCmd struct {
	Name  string `arg:"" help:"Flag: a boolean configuration key such as NURTURING_SCHEDULER_ENABLED."`
	State string `arg:"" enum:"on,off,clear" help:"on, off, or clear (hand the flag back to the configuration)."`
	By    string `help:"Who switched it, recorded with the override [$USER]."`
}

func (c opsFlagCmd) Run(e *env) error {
	db, err := e.database(true)
	if err != nil {
		return err
	}
	defer db.Close()
	if c.State == "clear" {
		if err := platform.ClearFlag(e.ctx, db.Pool, c.Name); err != nil {
			return err
		}
		fmt.Printf("%s: override cleared\n", c.Name)
		return nil
	}
	if c.By == "" {
		c.By = os.Getenv("USER")
	}
	if err := platform.SetFlag(e.ctx, db.Pool, e.cfg, c.Name, c.State == "on", c.By); err != nil {
		return err
	}
	fmt.Printf("%s: %s (takes effect at the next scheduled run)\n", c.Name, c.State)
	return nil
}

type opsFlagsCmd struct{}

func (opsFlagsCmd) Run(e *env) error {
	db, err := e.database(true)
	if err != nil {
		return err
	}
	defer db.Close()
	overrides, err := platform.FlagOverrides(e.ctx, db.Pool)
	if err != nil {
		return err
	}
	byName := map[string]platform.FlagOverride{}
	for _, o := range overrides {
		byName[o.Name] = o
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "FLAG\tCONFIGURED\tOVERRIDE\tBY\tAT")
	for _, name := range flagNames() {
		def, _ := e.cfg.Flag(name)
		o, ok := byName[name]
		override, by, at := "-", "", ""
		if ok {
			override, by, at = onOff(o.Enabled), o.UpdatedBy, o.UpdatedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", name, onOff(def), override, by, at)
	}
	return w.Flush()
}
