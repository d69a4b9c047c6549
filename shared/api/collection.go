package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/page"
)

// Lists (leads, a lead's activities, listings, locations, tasks, viewings, deals) answer one
// page at a time in the same way: the caller from the token, the filter from the query
// string, the order among the list's sort fields, the page from limit and cursor, and
// {items, next_cursor} back. Creates (users, leads, listings, tasks, viewings, deals) take the
// record from the body and answer 201 with it and its version. Their services decide the rest
// (what the caller may see or create, the audit entry), so the handlers share one shape here
// and each route only names its service and its types. Each list keeps its own query struct:
// its parameters' names, bounds and docs are its contract, and they differ.

// listInput is a list's query string: the page it asks for, and its filter.
type listInput[F any] interface {
	paging() (sort string, limit int, cursor string)
	filter() (F, error)
}

// listRecords registers a GET of one page of a list, answered {items, next_cursor}. I is the
// list's query struct; sorts and def are the fields it may be sorted by and its default order.
// A bad filter is reported before a bad sort.
func listRecords[I any, Q interface {
	*I
	listInput[F]
}, S, F, T any](api huma.API, op huma.Operation, svc func() S, sorts []string, def page.Sort,
	list func(S, context.Context, access.Actor, F, page.Request) (page.Result[T], error)) {
	Handle(api, op, func(ctx context.Context, in *I) (*bodyOutput[page.Result[T]], error) {
		a, err := actor(ctx)
		if err != nil {
			return nil, err
		}
		f, err := Q(in).filter()
		if err != nil {
			return nil, err
		}
		s, limit, cursor := Q(in).paging()
		sort, err := page.ParseSort(s, sorts, def)
		if err != nil {
			return nil, err
		}
		res, err := list(svc(), ctx, a, f, page.Request{Cursor: cursor, Limit: limit, Sort: sort})
		if err != nil {
			return nil, err
		}
		return bodyOf(res), nil
	})
}

// createdOutput is a record just created: its version as its ETag and where it now lives.
type createdOutput[T any] struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     T
}

// located answers a record created by a POST to path with its ETag and its Location, path/id;
// ref reads the record's id and version.
func located[T any](path string, ref func(T) (id string, version int)) func(T) *createdOutput[T] {
	return func(v T) *createdOutput[T] {
		id, version := ref(v)
		return &createdOutput[T]{ETag: ETag(version), Location: path + "/" + id, Body: v}
	}
}

// createRecord registers a POST that creates one record from its body (201), answered by out.
func createRecord[S, N, T, O any](api huma.API, op huma.Operation, svc func() S,
	create func(S, context.Context, access.Actor, N) (T, error), out func(T) *O) {
	op.DefaultStatus = http.StatusCreated
	Handle(api, op, func(ctx context.Context, in *struct{ Body N }) (*O, error) {
		a, err := actor(ctx)
		if err != nil {
			return nil, err
		}
		r, err := create(svc(), ctx, a, in.Body)
		if err != nil {
			return nil, err
		}
		return out(r), nil
	})
}
