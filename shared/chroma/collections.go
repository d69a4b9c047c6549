package chroma

import (
	"context"
	"net/http"
	"net/url"

	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/vector"
)

// dimsKey is the collection metadata key that remembers the dimensions, since Chroma only
// learns them from the first vector added.
const dimsKey = "dims"

// defaultMaxBatch is used when the server does not say; Chroma 1.x allows a few thousand.
const defaultMaxBatch = 1000

type collectionJSON struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Metadata      map[string]any `json:"metadata"`
	Configuration struct {
		HNSW *struct {
			Space string `json:"space"`
		} `json:"hnsw"`
	} `json:"configuration_json"`
}

func (c collectionJSON) info() collInfo {
	dims, _ := c.Metadata[dimsKey].(float64)
	return collInfo{id: c.ID, dims: int(dims)}
}

// setup creates the tenant and database when missing and learns the server's limits, once per
// client; a failed setup is retried by the next call.
func (c *Client) setup(ctx context.Context) error {
	c.mu.Lock()
	ready := c.ready
	c.mu.Unlock()
	if ready {
		return nil
	}
	tenants := c.s.URL + "/api/v2/tenants"
	if err := c.ensure(ctx, tenants+"/"+url.PathEscape(c.s.Tenant), tenants, c.s.Tenant); err != nil {
		return err
	}
	dbs := tenants + "/" + url.PathEscape(c.s.Tenant) + "/databases"
	if err := c.ensure(ctx, c.base, dbs, c.s.Database); err != nil {
		return err
	}
	var pre struct {
		MaxBatchSize int  `json:"max_batch_size"`
		Base64       bool `json:"supports_base64_encoding"`
	}
	if err := c.do(ctx, http.MethodGet, c.s.URL+"/api/v2/pre-flight-checks", nil, &pre); err != nil || pre.MaxBatchSize <= 0 {
		pre.MaxBatchSize, pre.Base64 = defaultMaxBatch, false
	}
	c.mu.Lock()
	c.ready, c.maxBatch, c.base64 = true, pre.MaxBatchSize, pre.Base64
	c.mu.Unlock()
	return nil
}

// ensure creates a tenant or database named name unless GET at url finds it; a conflict means
// another client created it meanwhile.
func (c *Client) ensure(ctx context.Context, url, createURL, name string) error {
	err := c.do(ctx, http.MethodGet, url, nil, nil)
	if apperr.CodeOf(err) != apperr.NotFound {
		return err
	}
	err = c.do(ctx, http.MethodPost, createURL, map[string]string{"name": name}, nil)
	if apperr.CodeOf(err) == apperr.Conflict {
		return nil
	}
	return err
}

// EnsureCollection gets or creates the collection in cosine space.
func (c *Client) EnsureCollection(ctx context.Context, name string, dims int) error {
	if err := vector.ValidateCollectionName(name); err != nil {
		return err
	}
	if err := vector.ValidateDims(dims); err != nil {
		return err
	}
	if err := c.setup(ctx); err != nil {
		return err
	}
	req := map[string]any{
		"name":          name,
		"get_or_create": true,
		"configuration": map[string]any{"hnsw": map[string]any{"space": "cosine"}},
		"metadata":      map[string]any{dimsKey: dims},
	}
	var got collectionJSON
	if err := c.do(ctx, http.MethodPost, c.base+"/collections", req, &got); err != nil {
		return err
	}
	if got.Configuration.HNSW != nil && got.Configuration.HNSW.Space != "" && got.Configuration.HNSW.Space != "cosine" {
		return apperr.New(apperr.Conflict, "collection %q exists with %s distance, not cosine", name, got.Configuration.HNSW.Space)
	}
	info := got.info()
	if info.dims != dims {
		return apperr.New(apperr.Conflict, "collection %q has %d dimensions, not %d", name, info.dims, dims)
	}
	c.remember(name, info)
	return nil
}

// DeleteCollection drops a collection and everything in it, e.g. after a re-embedding moved
// its contents to a collection for the new model. A missing collection is not an error.
func (c *Client) DeleteCollection(ctx context.Context, name string) error {
	if err := vector.ValidateCollectionName(name); err != nil {
		return err
	}
	c.forget(name)
	err := c.do(ctx, http.MethodDelete, c.base+"/collections/"+url.PathEscape(name), nil, nil)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil
	}
	return err
}

// collection resolves a name to the collection's id and dimensions, asking the server once.
func (c *Client) collection(ctx context.Context, name string) (collInfo, error) {
	if err := vector.ValidateCollectionName(name); err != nil {
		return collInfo{}, err
	}
	c.mu.Lock()
	info, ok := c.colls[name]
	c.mu.Unlock()
	if ok {
		return info, nil
	}
	if err := c.setup(ctx); err != nil {
		return collInfo{}, err
	}
	var got collectionJSON
	err := c.do(ctx, http.MethodGet, c.base+"/collections/"+url.PathEscape(name), nil, &got)
	if apperr.CodeOf(err) == apperr.NotFound {
		return collInfo{}, apperr.Wrap(err, apperr.NotFound, "vector collection %q does not exist", name)
	}
	if err != nil {
		return collInfo{}, err
	}
	info = got.info()
	if info.dims < 1 {
		return collInfo{}, apperr.New(apperr.Conflict, "collection %q was not created by PropertyPro (no %q metadata)", name, dimsKey)
	}
	c.remember(name, info)
	return info, nil
}

func (c *Client) remember(name string, info collInfo) {
	c.mu.Lock()
	c.colls[name] = info
	c.mu.Unlock()
}

func (c *Client) forget(name string) {
	c.mu.Lock()
	delete(c.colls, name)
	c.mu.Unlock()
}

// recordURL addresses an operation on a collection's records.
func (c *Client) recordURL(info collInfo, op string) string {
	return c.base + "/collections/" + info.id + "/" + op
}

// call runs a record operation; a 404 means the collection was dropped behind our back, so
// the cached id is forgotten.
func (c *Client) call(ctx context.Context, name string, info collInfo, method, op string, in, out any) error {
	err := c.do(ctx, method, c.recordURL(info, op), in, out)
	if apperr.CodeOf(err) == apperr.NotFound {
		c.forget(name)
		return apperr.Wrap(err, apperr.NotFound, "vector collection %q does not exist", name)
	}
	return err
}
