package postgres

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/logging"
)

// InTx runs fn in a transaction, committing only when it returns nil: a request never
// leaves half-written state.
func InTx(ctx context.Context, db *pgxpool.Pool, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db, fn)
}

// Querier is what a pool and a transaction share.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// WriteAudit records an entry in the same transaction as the write it describes.
func WriteAudit(ctx context.Context, q Querier, e audit.Entry) error {
	before, err := audit.Snapshot(e.Before)
	if err != nil {
		return err
	}
	after, err := audit.Snapshot(e.After)
	if err != nil {
		return err
	}
	if e.RequestID == "" {
		e.RequestID = logging.FieldsFrom(ctx).RequestID
	}
	_, err = q.Exec(ctx, `INSERT INTO audit_log (brokerage_id, actor_id, action, entity, entity_id, before, after, request_id)
		VALUES (NULLIF($1, '')::uuid, NULLIF($2, '')::uuid, $3, $4, $5, $6::jsonb, $7::jsonb, $8)`,
		e.BrokerageID, e.ActorID, e.Action, e.Entity, e.EntityID, jsonOrNil(before), jsonOrNil(after), e.RequestID)
	return err
}

func jsonOrNil(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// NotFound maps pgx.ErrNoRows to apperr's not_found.
func NotFound(err error, format string, args ...any) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.New(apperr.NotFound, format, args...)
	}
	return err
}

// UniqueViolation reports a unique-constraint failure, naming the constraint.
func UniqueViolation(err error) (constraint string, ok bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return pe.ConstraintName, true
	}
	return "", false
}

// InvalidInput maps Postgres errors caused by the input (bad uuid text, check constraints,
// foreign keys) to invalid, so a client's mistake never becomes a 500.
func InvalidInput(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch {
	case pe.Code == "22P02" || strings.HasPrefix(pe.Code, "22"):
		return apperr.Wrap(err, apperr.Invalid, "a value has the wrong format")
	case pe.Code == "23514":
		return apperr.Wrap(err, apperr.Invalid, "a value breaks the rule %s", pe.ConstraintName)
	case pe.Code == "23503":
		return apperr.Wrap(err, apperr.Invalid, "a referenced record does not exist (%s)", pe.ConstraintName)
	}
	return err
}
