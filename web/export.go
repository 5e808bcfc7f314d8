package web

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/dump"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// viewClaim is one claim of an exported claims list: the dump's claim with
// its address, main source, and who set its status and when, for
// spreadsheets and scripts.
type viewClaim struct {
	URL        string `json:"url"`
	MainSource string `json:"main_source"`
	VerdictBy  string `json:"verdict_by"`
	VerdictAt  string `json:"verdict_at"`
	*dump.Claim
}

// viewColumns are the CSV columns of an exported claims list.
var viewColumns = []string{"id", "url", "text", "status", "kind", "main_source", "tags", "due_date", "context",
	"verdict_note", "version", "created_at", "updated_at", "assignee", "verdict_by", "verdict_at"}

func (v viewClaim) fields() []string {
	return []string{strconv.FormatInt(v.ID, 10), v.URL, v.Text, v.Status, v.Kind, v.MainSource, strings.Join(v.Tags, ", "),
		v.DueDate, v.Context, v.VerdictNote, strconv.FormatInt(v.Version, 10), v.CreatedAt, v.UpdatedAt, v.Assignee, v.VerdictBy, v.VerdictAt}
}

// exportChunk is how much of a download is handed to the client at a time;
// each piece must be taken within exportChunk / Config.ExportMinRate.
const exportChunk = 64 << 10

// errExportsBusy answers a download that found no export turn in time.
var errExportsBusy = echo.NewHTTPError(http.StatusServiceUnavailable,
	"Other downloads are being prepared right now. Nothing was lost; try again in a moment.")

// handleClaimExport answers /claims.csv and /claims.json: every claim of the
// claims list with the same filters (all pages), newest first.
func (s *Server) handleClaimExport(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		f, _, err := s.claimFilter(c)
		if err != nil {
			return err
		}
		base := s.baseURL(c)
		return s.serveExport(c, "claims", format, func(ctx context.Context, w *bufio.Writer) error {
			return s.writeClaimExport(ctx, w, format, f, base)
		})
	}
}

// handleSourceExport answers /sources.csv and /sources.json: every source,
// in id order, as the rows of the full export's sources table.
func (s *Server) handleSourceExport(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		return s.serveExport(c, "sources", format, func(ctx context.Context, w *bufio.Writer) error {
			return s.writeTable(ctx, w, format, dump.TableSources, func(row func(any) error) error {
				return s.store.ExportSources(ctx, func(src *claimtrack.Source) error { return row(dump.FromSource(src)) })
			})
		})
	}
}

// handleEvidenceExport answers /evidence.csv and /evidence.json: the links
// of a claim (?claim=ID) or of a source (?source=ID, as the source or the
// one relayed), or every link, by claim, as the rows of the full export's
// evidence table. An unknown claim or source is a 404.
func (s *Server) handleEvidenceExport(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		var f claimtrack.EvidenceFilter
		name := "evidence"
		ctx := c.Request().Context()
		if raw := c.QueryParam("claim"); raw != "" {
			id, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || id < 1 {
				return claimtrack.Errorf(claimtrack.ENOTFOUND, "Claim not found.")
			}
			if _, err := s.store.FindClaimByID(ctx, id); err != nil {
				return err
			}
			f.ClaimID, name = id, "claim-"+raw+"-evidence"
		} else if raw := c.QueryParam("source"); raw != "" {
			id, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || id < 1 {
				return claimtrack.Errorf(claimtrack.ENOTFOUND, "Source not found.")
			}
			if _, err := s.store.FindSourceByID(ctx, id); err != nil {
				return err
			}
			f.SourceID, name = id, "source-"+raw+"-evidence"
		}
		return s.serveExport(c, name, format, func(ctx context.Context, w *bufio.Writer) error {
			return s.writeTable(ctx, w, format, dump.TableEvidence, func(row func(any) error) error {
				return s.store.ExportEvidence(ctx, f, func(e *claimtrack.Evidence) error { return row(dump.FromEvidence(e)) })
			})
		})
	}
}

// serveExport answers a download named name (the day is added) in format
// ("csv" or "json"), whose content write makes.
//
// A download either arrives whole or fails visibly. At most
// Config.MaxExports are made at once (the rest wait up to QueueWait, then get
// 503 with Retry-After). The file is written first to a temporary file, in
// pages that each read the database in a short transaction of their own
// (see ExportClaims), and then sent with its Content-Length, so that a
// download cut for any reason is an incomplete transfer that every client
// reports, never a shorter file that looks complete. A failure while it is
// written is the usual error page. While it is sent, each 64 KiB piece must
// be taken at Config.ExportMinRate or better, in place of the server's one
// write timeout, which a large export to a normal client would outlast.
func (s *Server) serveExport(c echo.Context, name, format string, write func(ctx context.Context, w *bufio.Writer) error) error {
	res := c.Response()
	name += "-" + s.Now().UTC().Format("2006-01-02") + "." + format
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	res.Header().Set("Cache-Control", "no-store")
	contentType := echo.MIMEApplicationJSONCharsetUTF8
	if format == "csv" {
		contentType = "text/csv; charset=utf-8"
	}
	if c.Request().Method == http.MethodHead { // what a download would be, without making it
		res.Header().Set(echo.HeaderContentType, contentType)
		res.WriteHeader(http.StatusOK)
		return nil
	}

	release, err := s.exportTurn(c)
	if err != nil || release == nil {
		return err
	}
	defer release()
	cfg := s.Config()
	rc := http.NewResponseController(res)
	// Writing the file may outlast the server's read timeout, whose
	// expiry would cancel the request; a client that goes away still
	// cancels it.
	_ = rc.SetReadDeadline(time.Time{})

	spool, err := os.CreateTemp(cfg.ExportDir, "claimtrack-export-*."+format)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	os.Remove(spool.Name()) // where the system allows, nothing is left behind even by a crash
	defer func() {
		spool.Close()
		os.Remove(spool.Name())
	}()
	ctx := c.Request().Context()
	cw := &countingWriter{w: spool}
	out := bufio.NewWriterSize(cw, 64<<10)
	if err := errors.Join(write(ctx, out), out.Flush()); err != nil {
		if ctx.Err() != nil {
			return nil // the client went away: nobody to answer
		}
		return fmt.Errorf("export: %w", err) // nothing sent yet: the usual error page
	}
	size := cw.n
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("export: %w", err)
	}

	res.Header().Set(echo.HeaderContentType, contentType)
	res.Header().Set(echo.HeaderContentLength, strconv.FormatInt(size, 10))
	res.WriteHeader(http.StatusOK)
	perChunk := max(time.Duration(float64(exportChunk)/float64(cfg.ExportMinRate)*float64(time.Second)), time.Second)
	buf := make([]byte, exportChunk)
	for sent := int64(0); sent < size; {
		n, err := io.ReadFull(spool, buf[:min(int64(len(buf)), size-sent)])
		if err != nil {
			s.logger.Error("export cut short: reading its file", "err", err, "sent", sent, "size", size)
			panic(http.ErrAbortHandler) // the client sees a transfer shorter than announced
		}
		_ = rc.SetWriteDeadline(time.Now().Add(perChunk))
		if _, err := res.Write(buf[:n]); err != nil {
			s.logger.Warn("export cut short: the client did not take it", "err", err, "sent", sent, "size", size)
			panic(http.ErrAbortHandler)
		}
		sent += int64(n)
	}
	return nil
}

// exportTurn waits for one of the export turns (Config.MaxExports). It
// answers 503 with Retry-After when none frees up within QueueWait, and
// returns a nil release when the client went away while waiting.
func (s *Server) exportTurn(c echo.Context) (release func(), err error) {
	t := s.turns.Load()
	select {
	case t.exports <- struct{}{}:
	default:
		timer := time.NewTimer(t.wait)
		defer timer.Stop()
		select {
		case t.exports <- struct{}{}:
		case <-timer.C:
			c.Response().Header().Set("Retry-After", strconv.Itoa(exportRetryAfter))
			return nil, errExportsBusy
		case <-c.Request().Context().Done():
			return nil, nil
		}
	}
	return func() { <-t.exports }, nil
}

// exportRetryAfter is the Retry-After (seconds) of a download turned away.
const exportRetryAfter = 5

// writeClaimExport writes the claims of the view to w as CSV or JSON.
func (s *Server) writeClaimExport(ctx context.Context, out *bufio.Writer, format string, f claimtrack.ClaimFilter, base string) error {
	csvw := dump.NewCSVWriter(out)
	enc := json.NewEncoder(out)
	if format == "csv" {
		if err := csvw.Header(viewColumns); err != nil {
			return err
		}
	} else {
		filters, _ := json.Marshal(map[string]any{"status": f.Status, "source": f.SourceID, "report": f.ReportID, "tag": f.Tag, "q": f.Query})
		if _, err := fmt.Fprintf(out, "{\n\"exported_at\": %q,\n\"filters\": %s,\n\"claims\": [", dump.FormatTime(s.Now()), filters); err != nil {
			return err
		}
	}
	n := 0
	err := s.store.ExportClaims(ctx, f, func(cl *claimtrack.Claim) error {
		v := viewClaim{URL: base + views.ClaimURL(cl.ID), VerdictBy: cl.VerdictBy, VerdictAt: dump.FormatTime(cl.VerdictAt), Claim: dump.FromClaim(cl)}
		if cl.MainSource != nil {
			v.MainSource = cl.MainSource.Name
		}
		n++
		if format == "csv" {
			return csvw.Fields(v.fields())
		}
		if n > 1 {
			out.WriteString(",")
		}
		out.WriteString("\n")
		return enc.Encode(v)
	})
	if err != nil {
		return err
	}
	if format == "csv" {
		return csvw.Flush()
	}
	_, err = out.WriteString("\n]\n}\n")
	return err
}

// writeTable writes the rows that each hands to its row function as one
// table of the full export's format: in CSV, the table's file (header and
// rows); in JSON, a dump document holding that table alone.
func (s *Server) writeTable(ctx context.Context, out *bufio.Writer, format string, t dump.Table, each func(row func(any) error) error) error {
	if format == "csv" {
		csvw := dump.NewCSVWriter(out)
		if err := csvw.Header(dump.Header(t)); err != nil {
			return err
		}
		if err := each(func(r any) error { return csvw.Fields(dump.Record(r)) }); err != nil {
			return err
		}
		return csvw.Flush()
	}
	j, err := dump.NewJSONWriter(out, s.Now())
	if err != nil {
		return err
	}
	if err := j.Begin(t, 0); err != nil {
		return err
	}
	if err := each(j.Row); err != nil {
		return err
	}
	return j.Close()
}

// countingWriter counts what goes through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
