// Package seeds holds the datasets a new tracker starts with, embedded in the
// binary, and loads them idempotently: a dataset whose report is already
// stored is skipped.
package seeds

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
)

//go:embed *.json
var files embed.FS

// Importer stores a report with everything taken from it, atomically.
type Importer interface {
	ImportReport(ctx context.Context, imp claimtrack.ReportImport, actor string) (*claimtrack.Report, bool, error)
}

// Result says what loading one dataset did.
type Result struct {
	File    string
	Report  *claimtrack.Report
	Created bool // false when the dataset was already loaded
	Claims  int
}

// Load imports every embedded dataset with actor "seed". Running it again
// changes nothing.
func Load(ctx context.Context, db Importer) ([]Result, error) {
	names, err := fs.Glob(files, "*.json")
	if err != nil {
		return nil, err
	}
	var results []Result
	for _, name := range names {
		imp, err := Dataset(name)
		if err != nil {
			return results, err
		}
		report, created, err := db.ImportReport(ctx, imp, claimtrack.ActorSeed)
		if err != nil {
			return results, fmt.Errorf("seeds: load %s: %w", name, err)
		}
		results = append(results, Result{File: name, Report: report, Created: created, Claims: len(imp.Claims)})
	}
	return results, nil
}

// Dataset parses one embedded dataset by file name.
func Dataset(name string) (claimtrack.ReportImport, error) {
	body, err := files.ReadFile(name)
	if err != nil {
		return claimtrack.ReportImport{}, fmt.Errorf("seeds: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var f datasetFile
	if err := dec.Decode(&f); err != nil {
		return claimtrack.ReportImport{}, fmt.Errorf("seeds: parse %s: %w", name, err)
	}
	return f.toImport(), nil
}

// datasetFile is the JSON shape of a dataset; it mirrors claimtrack.ReportImport.
type datasetFile struct {
	Report struct {
		Key         string `json:"key"`
		Title       string `json:"title"`
		Outlet      string `json:"outlet"`
		URL         string `json:"url"`
		PublishedAt string `json:"published_at"`
		Summary     string `json:"summary"`
	} `json:"report"`
	Sources []struct {
		Name        string `json:"name"`
		Kind        string `json:"kind"`
		Role        string `json:"role"`
		URL         string `json:"url"`
		Description string `json:"description"`
	} `json:"sources"`
	Claims []struct {
		Text     string   `json:"text"`
		Context  string   `json:"context"`
		Kind     string   `json:"kind"`
		DueDate  string   `json:"due_date"`
		Tags     []string `json:"tags"`
		Evidence []struct {
			Source      string `json:"source"`
			Via         string `json:"via"`
			Stance      string `json:"stance"`
			Quote       string `json:"quote"`
			URL         string `json:"url"`
			PublishedAt string `json:"published_at"`
			Note        string `json:"note"`
		} `json:"evidence"`
	} `json:"claims"`
}

func (f *datasetFile) toImport() claimtrack.ReportImport {
	imp := claimtrack.ReportImport{Report: claimtrack.Report{
		Key: f.Report.Key, Title: f.Report.Title, Outlet: f.Report.Outlet, URL: f.Report.URL,
		PublishedAt: f.Report.PublishedAt, Summary: f.Report.Summary,
	}}
	for _, s := range f.Sources {
		imp.Sources = append(imp.Sources, claimtrack.SourceInput{
			Name: s.Name, Kind: claimtrack.SourceKind(s.Kind), Role: s.Role, URL: s.URL, Description: s.Description,
		})
	}
	for _, c := range f.Claims {
		ci := claimtrack.ClaimImport{Claim: claimtrack.ClaimInput{
			Text: c.Text, Context: c.Context, Kind: claimtrack.ClaimKind(c.Kind), DueDate: c.DueDate, Tags: c.Tags,
		}}
		for _, e := range c.Evidence {
			ci.Evidence = append(ci.Evidence, claimtrack.EvidenceImport{
				Source: e.Source, Via: e.Via, Stance: claimtrack.Stance(e.Stance), Quote: e.Quote, URL: e.URL,
				PublishedAt: e.PublishedAt, Note: e.Note,
			})
		}
		imp.Claims = append(imp.Claims, ci)
	}
	return imp
}
