package web_test

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"

	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/claimtrack/claimtrack/web"
)

func BenchmarkZZPages(b *testing.B) {
	path := os.Getenv("ZZDB")
	if path == "" {
		b.Skip()
	}
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	srv := web.NewServer(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ name string; url func() string }{
		{"claim", func() string { return "/claims/" + strconv.Itoa(1+rng.IntN(100000)) }},
		{"list", func() string { return "/claims?status=refuted&page=" + strconv.Itoa(1+rng.IntN(20)) }},
		{"list-all", func() string { return "/claims?page=" + strconv.Itoa(1+rng.IntN(20)) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.url(), nil))
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}
