//go:build !race

package web

// raceDetector is set when the race detector is compiled in (go test
// -race), which makes everything several times slower.
const raceDetector = false
