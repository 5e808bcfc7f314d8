package web

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/dump"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// viewClaim is one claim of an exported claims list: the dump's claim with
// its address and main source, for spreadsheets and scripts.
type viewClaim struct {
	URL        string `json:"url"`
	MainSource string `json:"main_source"`
	*dump.Claim
}

// viewColumns are the CSV columns of an exported claims list.
var viewColumns = []string{"id", "url", "text", "status", "kind", "main_source", "tags", "due_date", "context",
	"verdict_note", "version", "created_at", "updated_at"}

func (v viewClaim) fields() []string {
	return []string{strconv.FormatInt(v.ID, 10), v.URL, v.Text, v.Status, v.Kind, v.MainSource, strings.Join(v.Tags, ", "),
		v.DueDate, v.Context, v.VerdictNote, strconv.FormatInt(v.Version, 10), v.CreatedAt, v.UpdatedAt}
}

// handleClaimExport answers /claims.csv and /claims.json: every claim of the
// claims list with the same filters (all pages), newest first, streamed.
func (s *Server) handleClaimExport(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		f, _, err := s.claimFilter(c)
		if err != nil {
			return err
		}
		base := s.baseURL(c)
		res := c.Response()
		name := "claims-" + s.Now().UTC().Format("2006-01-02") + "." + format
		res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
		res.Header().Set("Cache-Control", "no-store")
		out := bufio.NewWriterSize(res, 32<<10)
		started := false
		start := func() error {
			if started {
				return nil
			}
			started = true
			if format == "csv" {
				res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
				res.WriteHeader(http.StatusOK)
				return nil
			}
			res.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSONCharsetUTF8)
			res.WriteHeader(http.StatusOK)
			filters, _ := json.Marshal(map[string]any{"status": f.Status, "source": f.SourceID, "tag": f.Tag, "q": f.Query})
			_, err := fmt.Fprintf(out, "{\n\"exported_at\": %q,\n\"filters\": %s,\n\"claims\": [", dump.FormatTime(s.Now()), filters)
			return err
		}
		csvw := dump.NewCSVWriter(out)
		enc := json.NewEncoder(out)
		n := 0
		row := func(cl *claimtrack.Claim) error {
			if err := start(); err != nil {
				return err
			}
			v := viewClaim{URL: base + views.ClaimURL(cl.ID), Claim: dump.FromClaim(cl)}
			if cl.MainSource != nil {
				v.MainSource = cl.MainSource.Name
			}
			n++
			if format == "csv" {
				if n == 1 {
					if err := csvw.Header(viewColumns); err != nil {
						return err
					}
				}
				return csvw.Fields(v.fields())
			}
			if n > 1 {
				out.WriteString(",")
			}
			out.WriteString("\n")
			return enc.Encode(v)
		}
		err = s.store.ExportClaims(c.Request().Context(), f, row)
		if err != nil && !started {
			return err // nothing sent yet: the usual error page
		}
		if err != nil {
			// Part of the file has gone: cut the connection, so that the
			// download fails rather than looking complete.
			s.logger.Error("export cut short", "err", err)
			panic(http.ErrAbortHandler)
		}
		if err := start(); err != nil { // an empty view still gets its header
			return err
		}
		if format == "csv" {
			if n == 0 {
				if err := csvw.Header(viewColumns); err != nil {
					return err
				}
			}
			if err := csvw.Flush(); err != nil {
				return err
			}
		} else if _, err := out.WriteString("\n]\n}\n"); err != nil {
			return err
		}
		return out.Flush()
	}
}
