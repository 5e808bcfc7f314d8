package sqlite_test

import (
	"context"
	"testing"

	"github.com/claimtrack/claimtrack/internal/gen"
)

func BenchmarkLoad_Generated(b *testing.B) {
	for b.Loop() {
		db := MustOpenDB(b)
		if _, err := gen.Generate(context.Background(), db, gen.Options{Claims: 20_000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
