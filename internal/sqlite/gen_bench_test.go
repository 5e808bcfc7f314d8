package sqlite_test

import (
	"context"
	"testing"

	"github.com/claimtrack/claimtrack/internal/sqlite"
)

func BenchmarkGenerateClaims(b *testing.B) {
	for b.Loop() {
		db := MustOpenDB(b)
		if _, err := db.GenerateClaims(context.Background(), sqlite.GenerateOptions{Claims: 20_000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
