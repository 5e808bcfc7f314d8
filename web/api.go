package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// The JSON API under /api/v1: the same data and rules as the pages. Reads
// are open as the pages are (a private tracker wants a token or a session);
// writes need a personal API token of an editor or admin, sent as
// "Authorization: Bearer …". Errors are {"error": {"code", "message",
// "fields"}}. A claim's ETag is its version; a write sent with If-Match on an
// older version changes nothing and gets 412.

const (
	apiPrefix      = "/api/v1"
	apiPerPage     = 25
	apiMaxPerPage  = 100
	apiTokenPrefix = "ctk_"
	apiUserKey     = "api-user" // set when the request carried a valid token
)

// apiError is the body of every API error.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// writeAPIError answers an API request that failed; handleError sends every
// error of an /api/ path here.
func (s *Server) writeAPIError(c echo.Context, err error) {
	status, code, msg := http.StatusInternalServerError, "internal", "The tracker could not complete this request. Nothing was saved."
	var fields map[string]string
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		status = he.Code
		code = strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_"))
		if m, ok := he.Message.(string); ok && status < 500 {
			msg = m
		} else if status < 500 {
			msg = http.StatusText(status) + "."
		}
		// As on the pages: the framework's own errors get words of ours, a
		// handler's message is kept.
		switch own := handlerMessage(he) != ""; {
		case own:
		case status == http.StatusNotFound:
			msg = "There is nothing at this address."
		case status == http.StatusRequestEntityTooLarge:
			msg = "The request body is larger than 64 KiB."
		case status == http.StatusMethodNotAllowed:
			msg = "This address does not accept that method."
		}
	case claimtrack.ErrorCode(err) != claimtrack.EINTERNAL:
		status = statusOf(claimtrack.ErrorCode(err))
		code, msg, fields = claimtrack.ErrorCode(err), claimtrack.ErrorMessage(err), claimtrack.FieldErrors(err)
		if status == http.StatusForbidden {
			code = "forbidden"
		}
	}
	if status >= 500 {
		s.logger.Error("internal error", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	if status == http.StatusUnauthorized {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="claimtrack"`)
	}
	if claimtrack.ErrorCode(err) == claimtrack.EUNAVAILABLE {
		c.Response().Header().Set("Retry-After", "60")
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, apiError{apiErrorBody{Code: code, Message: msg, Fields: fields}})
}

// apiFail is an API error with a status and code of its own.
func apiFail(status int, msg string) error { return echo.NewHTTPError(status, msg) }

// apiAuth reads the bearer token, if any: a valid one names the account; an
// unknown or revoked one is refused. A private tracker wants a token or a
// session for reading too.
func (s *Server) apiAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		if h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok || strings.TrimSpace(token) == "" {
				return apiFail(http.StatusUnauthorized, "Send the token as “Authorization: Bearer <token>”.")
			}
			u, err := s.store.FindUserByAPIToken(c.Request().Context(), strings.TrimSpace(token))
			if claimtrack.ErrorCode(err) == claimtrack.ENOTFOUND {
				return apiFail(http.StatusUnauthorized, "This token is unknown or was revoked, or its account is disabled.")
			} else if err != nil {
				return err
			}
			c.Set(userKey, u)
			c.Set(apiUserKey, u)
		}
		if s.Config().Private && user(c) == nil {
			return apiFail(http.StatusUnauthorized, "This tracker is private: send an API token.")
		}
		return next(c)
	}
}

// apiWriter lets through writes made with the token of an account that may
// edit. A session cookie is not enough: a token cannot be sent by another
// site behind a reader's back.
func (s *Server) apiWriter(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, _ := c.Get(apiUserKey).(*claimtrack.User)
		switch {
		case u == nil:
			return apiFail(http.StatusUnauthorized, "Changes need a personal API token (make one on your account page).")
		case !u.CanEdit():
			return apiFail(http.StatusForbidden, "This token's account may read but not change the record.")
		}
		return next(c)
	}
}

// The shapes the API answers with that every resource shares; each
// resource's own are in its file (api_claims.go, api_sources.go, …).

type apiRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// apiList is a page of a list with where to go next.
type apiList struct {
	Data  any               `json:"data"`
	Meta  map[string]any    `json:"meta"`
	Links map[string]string `json:"links"`
}

func apiTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// apiPage reads page and per_page.
func apiPage(c echo.Context) (page, perPage int, err error) {
	page, perPage = 1, apiPerPage
	if v := c.QueryParam("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 || page > 1_000_000 {
			return 0, 0, apiInvalid("page", "A page is a whole number from 1.")
		}
	}
	if v := c.QueryParam("per_page"); v != "" {
		if perPage, err = strconv.Atoi(v); err != nil || perPage < 1 || perPage > apiMaxPerPage {
			return 0, 0, apiInvalid("per_page", "Ask for 1 to "+strconv.Itoa(apiMaxPerPage)+" items a page.")
		}
	}
	return page, perPage, nil
}

// apiInvalid is a 422 about one query parameter or field.
func apiInvalid(field, msg string) error {
	return &claimtrack.Error{Code: claimtrack.EINVALID, Message: "Please correct the highlighted fields.", Fields: map[string]string{field: msg}}
}

// apiTooBroad answers a search that ran out of its time budget: 200, no
// hits, and meta.too_broad with the message.
func (s *Server) apiTooBroad(c echo.Context, page, perPage int) error {
	return c.JSON(http.StatusOK, map[string]any{"data": []any{},
		"meta":  map[string]any{"page": page, "per_page": perPage, "total": 0, "too_broad": true, "message": views.TooBroadMessage},
		"links": map[string]string{"self": s.apiURL(c, map[string]string{"page": strconv.Itoa(page), "per_page": strconv.Itoa(perPage)})}})
}

// pagedList answers a page of a numbered list, with links to its
// neighbours (and a Link header with the same).
func (s *Server) pagedList(c echo.Context, data any, page, perPage, total int) error {
	last := max(1, (total+perPage-1)/perPage)
	link := func(n int) string {
		return s.apiURL(c, map[string]string{"page": strconv.Itoa(n), "per_page": strconv.Itoa(perPage)})
	}
	links := map[string]string{"self": link(page), "first": link(1), "last": link(last)}
	if page > 1 {
		links["prev"] = link(min(page-1, last))
	}
	if page < last {
		links["next"] = link(page + 1)
	}
	s.linkHeader(c, links)
	return c.JSON(http.StatusOK, apiList{Data: data, Meta: map[string]any{"page": page, "per_page": perPage, "total": total}, Links: links})
}

// apiURL is this request's address with some query parameters set.
func (s *Server) apiURL(c echo.Context, set map[string]string) string {
	v := url.Values{}
	for k, vals := range c.QueryParams() {
		v[k] = vals
	}
	for k, val := range set {
		v.Set(k, val)
	}
	return s.baseURL(c) + c.Request().URL.Path + "?" + v.Encode()
}

// linkHeader writes the links as an RFC 8288 Link header.
func (s *Server) linkHeader(c echo.Context, links map[string]string) {
	var parts []string
	for _, rel := range []string{"first", "prev", "next", "last"} {
		if u, ok := links[rel]; ok {
			parts = append(parts, "<"+u+`>; rel="`+rel+`"`)
		}
	}
	if len(parts) > 0 {
		c.Response().Header().Set("Link", strings.Join(parts, ", "))
	}
}

// etag is a claim version as an entity tag.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// ifMatch reads the If-Match header: the claim version the client last saw
// (a write's ETag, "3", or a read's, "3.<hash>"), 0 when absent or "*". A value that is no version is a 412: it can match
// nothing.
func ifMatch(c echo.Context) (int64, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" || h == "*" {
		return 0, nil
	}
	// A GET's ETag is the version and a hash after a dot (versionETag);
	// only the version counts here.
	tag, _, _ := strings.Cut(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), ".")
	v, err := strconv.ParseInt(tag, 10, 64)
	if err != nil || v < 1 {
		return 0, apiFail(http.StatusPreconditionFailed, "If-Match must be the claim's ETag, such as \"3\".")
	}
	return v, nil
}

// stale turns a version conflict into the API's 412.
func stale(err error) error {
	if claimtrack.ErrorCode(err) == claimtrack.ECONFLICT {
		return apiFail(http.StatusPreconditionFailed, claimtrack.ErrorMessage(err)+" Get the claim again, then retry.")
	}
	return err
}

// decodeJSON reads a request body into v: JSON, no unknown fields.
func decodeJSON(c echo.Context, v any) error {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if !strings.HasPrefix(ct, echo.MIMEApplicationJSON) {
		return apiFail(http.StatusUnsupportedMediaType, "Send the body as JSON (Content-Type: application/json).")
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return apiFail(http.StatusBadRequest, "The body could not be read.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return apiFail(http.StatusBadRequest, "The body is not the JSON expected: "+err.Error()+".")
	}
	if dec.More() {
		return apiFail(http.StatusBadRequest, "The body holds more than one JSON value.")
	}
	return nil
}
