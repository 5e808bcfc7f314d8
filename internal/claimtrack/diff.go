package claimtrack

import (
	"strings"
	"unicode"
)

// DiffOp is one piece of a word diff: text kept, removed or added.
type DiffOp struct {
	Kind DiffKind
	Text string
}

// DiffKind says what happened to a piece of text.
type DiffKind int

// The kinds of diff pieces.
const (
	DiffSame DiffKind = iota
	DiffRemoved
	DiffAdded
)

// diffMaxCells bounds the work of one diff (words before × words after);
// beyond it the whole text is shown as replaced.
const diffMaxCells = 400_000

// WordDiff compares two texts word by word (the spaces go with the words
// before them) and returns the pieces in order, neighbours of one kind
// merged. It finds a longest common subsequence of words, so a changed word
// shows as that word struck and its replacement marked.
func WordDiff(before, after string) []DiffOp {
	a, b := splitWords(before), splitWords(after)
	if len(a)*len(b) > diffMaxCells {
		return mergeOps([]DiffOp{{DiffRemoved, before}, {DiffAdded, after}})
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:], b[j:].
	lcs := make([][]int32, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if sameWord(a[i], b[j]) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []DiffOp
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case sameWord(a[i], b[j]):
			ops = append(ops, DiffOp{DiffSame, b[j]})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			ops = append(ops, DiffOp{DiffRemoved, a[i]})
			i++
		default:
			ops = append(ops, DiffOp{DiffAdded, b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		ops = append(ops, DiffOp{DiffRemoved, a[i]})
	}
	for ; j < len(b); j++ {
		ops = append(ops, DiffOp{DiffAdded, b[j]})
	}
	return mergeOps(ops)
}

// splitWords cuts text into words, each with the spaces that follow it.
func splitWords(s string) []string {
	var out []string
	start := 0
	inSpace := false
	for i, r := range s {
		sp := unicode.IsSpace(r)
		if inSpace && !sp {
			out = append(out, s[start:i])
			start = i
		}
		inSpace = sp
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// sameWord compares words without their trailing spaces.
func sameWord(a, b string) bool {
	return strings.TrimRightFunc(a, unicode.IsSpace) == strings.TrimRightFunc(b, unicode.IsSpace)
}

func mergeOps(ops []DiffOp) []DiffOp {
	var out []DiffOp
	for _, op := range ops {
		if op.Text == "" {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Kind == op.Kind {
			out[n-1].Text += op.Text
			continue
		}
		out = append(out, op)
	}
	return out
}
