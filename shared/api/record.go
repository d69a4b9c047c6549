package api

import (
	"context"

	"github.com/danielgtaylor/huma/v2"
	"github.com/propertypro/propertypro/shared/access"
)

// Users, listings, leads, tasks, viewings and deals are read, changed and soft-deleted by id
// in the same way: the caller from the token, the id from the path, the version they read
// from If-Match, the record back with its version as its ETag. Their services decide the rest
// (role and brokerage, 404 for a record of another brokerage, 412 for a stale version, the
// audit entry), so the handlers share one shape here and each route only names its service.

// byID is the input of a GET by id. K is string, or a string type whose Schema describes
// the parameter ("Listing id."): struct tags cannot vary with a type parameter.
type byID[K ~string] struct {
	ID K `path:"id" maxLength:"64"`
}

// deleteByID is the input of a DELETE by id: the id and the version the caller read.
type deleteByID[K ~string] struct {
	ID      K      `path:"id" maxLength:"64"`
	IfMatch string `header:"If-Match" doc:"The ETag of the version you read; 412 when it is stale."`
}

// patchByID is the input of a PATCH by id: the id, the version the caller read and the changes.
type patchByID[K ~string, P any] struct {
	ID      K      `path:"id" maxLength:"64"`
	IfMatch string `header:"If-Match" doc:"The ETag of the version you read; 412 when it is stale."`
	Body    P
}

// recordOutput is a record with its version as a strong ETag.
type recordOutput[T any] struct {
	ETag string `header:"ETag"`
	Body T
}

// bodyOutput is an answer that is its body alone.
type bodyOutput[T any] struct {
	Body T
}

// bodyOf answers v alone (a record kind without versions, a page, a report).
func bodyOf[T any](v T) *bodyOutput[T] { return &bodyOutput[T]{Body: v} }

// tagged answers a record of a kind with its version as its ETag; ref reads the record's id
// and version.
func tagged[T any](ref func(T) (id string, version int)) func(T) *recordOutput[T] {
	return func(v T) *recordOutput[T] {
		_, version := ref(v)
		return &recordOutput[T]{ETag: ETag(version), Body: v}
	}
}

// idSchema describes a record kind's {id} path parameter; the inputs above add its bounds.
func idSchema(doc string) *huma.Schema { return &huma.Schema{Type: huma.TypeString, Description: doc} }

// getRecord registers a GET of one record by id, answered by out: tagged (the record and its
// ETag), or bodyOf for a kind without versions (locations).
func getRecord[K ~string, S, T, O any](api huma.API, op huma.Operation, svc func() S,
	get func(S, context.Context, access.Actor, string) (T, error), out func(T) *O) {
	Handle(api, op, func(ctx context.Context, in *byID[K]) (*O, error) {
		a, err := actor(ctx)
		if err != nil {
			return nil, err
		}
		r, err := get(svc(), ctx, a, string(in.ID))
		if err != nil {
			return nil, err
		}
		return out(r), nil
	})
}

// patchRecord registers a PATCH of one record by id under If-Match, answered by out.
func patchRecord[K ~string, S, P, T, O any](api huma.API, op huma.Operation, svc func() S,
	update func(S, context.Context, access.Actor, string, P, int) (T, error), out func(T) *O) {
	Handle(api, op, func(ctx context.Context, in *patchByID[K, P]) (*O, error) {
		a, version, err := precondition(ctx, in.IfMatch)
		if err != nil {
			return nil, err
		}
		r, err := update(svc(), ctx, a, string(in.ID), in.Body, version)
		if err != nil {
			return nil, err
		}
		return out(r), nil
	})
}

// deleteRecord registers a soft DELETE of one record by id under If-Match (204).
func deleteRecord[K ~string, S any](api huma.API, op huma.Operation, svc func() S,
	del func(S, context.Context, access.Actor, string, int) error) {
	Handle(api, op, func(ctx context.Context, in *deleteByID[K]) (*struct{}, error) {
		a, version, err := precondition(ctx, in.IfMatch)
		if err != nil {
			return nil, err
		}
		return nil, del(svc(), ctx, a, string(in.ID), version)
	})
}

// precondition is who writes and the version they read (0 without If-Match).
func precondition(ctx context.Context, ifMatch string) (access.Actor, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return a, 0, err
	}
	version, err := IfMatch(ifMatch)
	return a, version, err
}
