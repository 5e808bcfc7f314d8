package web

import (
	"errors"
	"net/http"

	"github.com/claimtrack/claimtrack/internal/dump"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// MaxImportBytes bounds an uploaded import file.
const MaxImportBytes = 32 << 20

// handleImportForm shows the import form, set to check first.
func (s *Server) handleImportForm(c echo.Context) error {
	return s.render(c, http.StatusOK, views.ImportPage(s.page(c, "Import claims", "admin"), views.ImportData{DryRun: true}))
}

// handleImport imports an uploaded JSON export or claims sheet, all or
// nothing, under the admin's name; "only check" rolls it back and says what
// it would do. A file that cannot be read, or with bad rows, comes back
// with the reasons (422) and nothing written.
func (s *Server) handleImport(c echo.Context) error {
	if err := c.Request().ParseMultipartForm(1 << 20); err != nil {
		return errBadForm
	}
	d := views.ImportData{DryRun: c.FormValue("dry_run") == "1", Errors: views.FormErrors{}}
	render := func(status int) error {
		return s.render(c, status, views.ImportPage(s.page(c, "Import claims", "admin"), d))
	}
	fh, err := c.FormFile("file")
	if err != nil {
		d.Errors["file"] = "Choose a file: a JSON export or a claims sheet (CSV)."
		return render(http.StatusUnprocessableEntity)
	}
	d.File = fh.Filename
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := s.store.ImportFile(c.Request().Context(), f, user(c).Username, fh.Filename, d.DryRun)
	var problems dump.Problems
	var fileErr *dump.FileError
	switch {
	case errors.As(err, &problems):
		d.Problems = problems
		return render(http.StatusUnprocessableEntity)
	case errors.As(err, &fileErr):
		d.Errors["file"] = "This file cannot be imported: " + fileErr.Msg + "."
		return render(http.StatusUnprocessableEntity)
	case err != nil:
		return err
	}
	if d.DryRun {
		d.Result = res
		return render(http.StatusOK)
	}
	return redirectWithFlash(c, "/changes?type=data_imported", flashDataImported)
}
