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
// shows as that word struck and its replacement marked. The words the texts
// share at their start and end are set aside first, so an edit of a few
// words in a long text costs little.
func WordDiff(before, after string) []DiffOp {
	a, b := splitWords(before), splitWords(after)
	ka, kb := wordKeys(a), wordKeys(b)
	pre := 0
	for pre < len(a) && pre < len(b) && ka[pre] == kb[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && ka[len(a)-1-suf] == kb[len(b)-1-suf] {
		suf++
	}
	ops := make([]DiffOp, 0, 8)
	if pre > 0 {
		ops = append(ops, DiffOp{DiffSame, strings.Join(b[:pre], "")})
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	mka, mkb := ka[pre:len(ka)-suf], kb[pre:len(kb)-suf]
	if len(ma)*len(mb) > diffMaxCells {
		ops = append(ops, DiffOp{DiffRemoved, strings.Join(ma, "")}, DiffOp{DiffAdded, strings.Join(mb, "")})
	} else {
		ops = diffMiddle(ops, ma, mb, mka, mkb)
	}
	if suf > 0 {
		ops = append(ops, DiffOp{DiffSame, strings.Join(b[len(b)-suf:], "")})
	}
	return mergeOps(ops)
}

// diffMiddle appends the word diff of a and b (whose words without their
// spaces are ka and kb) to ops, by a longest common subsequence.
func diffMiddle(ops []DiffOp, a, b, ka, kb []string) []DiffOp {
	// lcs[i*w+j] is the length of the longest common subsequence of a[i:], b[j:].
	w := len(b) + 1
	lcs := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if ka[i] == kb[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case ka[i] == kb[j]:
			ops = append(ops, DiffOp{DiffSame, b[j]})
			i, j = i+1, j+1
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
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
	return ops
}

// wordKeys gives each word without its trailing spaces, what words are
// compared by.
func wordKeys(words []string) []string {
	keys := make([]string, len(words))
	for i, w := range words {
		keys[i] = strings.TrimRightFunc(w, unicode.IsSpace)
	}
	return keys
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
