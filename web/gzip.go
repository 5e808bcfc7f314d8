package web

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"
)

// Kept claim pages are kept gzipped: a claim page compresses about four to
// one, so the page cache holds four times as many, and a browser (every
// browser asks for gzip) is sent the kept bytes as they are, a quarter of
// the bytes to write. A client that does not ask for gzip gets the page
// inflated. A page is compressed once, when it is let into the cache. A page
// made and not kept is compressed too for a client that takes gzip: at about
// 30–40 µs for a claim page, compressing costs the server less than writing
// four times the bytes costs both ends (in the load test the load generator's
// CPU per page fell by 30–40 µs more than the server's rose). Compression is
// github.com/klauspost/compress's gzip, which writes the same format as the
// standard library's, faster.

// acceptsGzip reports whether the request's Accept-Encoding takes gzip: it
// lists gzip (or x-gzip, or *) with a quality above zero.
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip", "x-gzip", "*":
				if qualityAboveZero(params) {
					return true
				}
			}
		}
	}
	return false
}

// qualityAboveZero reports whether a coding's parameters (";q=0.5") leave it
// acceptable: no q, or a q above zero.
func qualityAboveZero(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		return err == nil && q > 0
	}
	return true
}

// gzipETag is the ETag of the gzipped form of the response with ETag etag:
// a strong ETag names one representation, bytes and encoding (RFC 9110,
// 8.8.3), so the two forms have two. A dot is in neither alphabet of the
// tags strongETag makes.
func gzipETag(etag string) string {
	return strings.TrimSuffix(etag, `"`) + `.gz"`
}

// Kept pages are compressed at level 3 of the compress package we use: its
// fastest on claim pages (about 30–40 µs for 10 KB here, against 50–80 µs
// for the standard library's fastest level), and it compresses them a little
// better. A page sent once and not kept is compressed without state
// (gzip.StatelessCompression): about a quarter less CPU again, since it
// keeps no hash table from page to page, for pages about 5% larger.
var keptWriters, sentWriters = gzipPool(3), gzipPool(gzip.StatelessCompression)

func gzipPool(level int) *sync.Pool {
	return &sync.Pool{New: func() any {
		w, _ := gzip.NewWriterLevel(io.Discard, level)
		return w
	}}
}

// gzipPage returns page gzipped for keeping, in a slice of its own.
func gzipPage(page []byte) []byte {
	var out bytes.Buffer
	return bytes.Clone(gzipInto(&out, page, keptWriters))
}

// gzipSent gzips a page to be sent once into out (emptied first) and
// returns its bytes.
func gzipSent(out *bytes.Buffer, page []byte) []byte {
	return gzipInto(out, page, sentWriters)
}

// gzipInto gzips page into out (emptied first) with a writer from pool and
// returns its bytes.
func gzipInto(out *bytes.Buffer, page []byte, pool *sync.Pool) []byte {
	out.Reset()
	out.Grow(len(page)/3 + 64)
	w := pool.Get().(*gzip.Writer)
	w.Reset(out)
	// Writes into a bytes.Buffer do not fail.
	_, _ = w.Write(page)
	_ = w.Close()
	w.Reset(io.Discard)
	pool.Put(w)
	return out.Bytes()
}

var gzipReaders sync.Pool

// gunzipPage inflates a page that gzipPage made into buf and returns it.
func gunzipPage(buf *bytes.Buffer, gz []byte) ([]byte, error) {
	r, _ := gzipReaders.Get().(*gzip.Reader)
	var err error
	if r == nil {
		r, err = gzip.NewReader(bytes.NewReader(gz))
	} else {
		err = r.Reset(bytes.NewReader(gz))
	}
	if err != nil {
		return nil, err
	}
	defer gzipReaders.Put(r)
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeGzipPage sends a gzipped page as it is.
func writeGzipPage(c echo.Context, status int, gz []byte) error {
	c.Response().Header().Set(echo.HeaderContentEncoding, "gzip")
	return writePage(c, status, gz)
}
