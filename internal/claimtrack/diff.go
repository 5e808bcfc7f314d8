package claimtrack

import (
	"strings"
	"unicode"
	"unicode/utf8"
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
	// Whole words the texts share byte for byte at their start and end are
	// set aside before anything is cut into words: an edit of a few words in
	// a long text costs little.
	head := sharedHead(before, after)
	tail := sharedTail(before[head:], after[head:])
	ops := make([]DiffOp, 0, 8)
	if head > 0 {
		ops = append(ops, DiffOp{DiffSame, after[:head]})
	}
	ops = wordDiff(ops, before[head:len(before)-tail], after[head:len(after)-tail])
	if tail > 0 {
		ops = append(ops, DiffOp{DiffSame, after[len(after)-tail:]})
	}
	return mergeOps(ops)
}

// sharedHead is the length of the longest start the texts share byte for
// byte that ends where a word starts in both (or at the end of a text).
func sharedHead(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	for i := n; i > 0; i-- {
		if wordStarts(a, i) && wordStarts(b, i) {
			return i
		}
	}
	return 0
}

// sharedTail is the length of the longest end the texts share byte for byte
// that begins where a word starts in both.
func sharedTail(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	for t := n; t > 0; t-- {
		if wordStarts(a, len(a)-t) && wordStarts(b, len(b)-t) {
			return t
		}
	}
	return 0
}

// wordStarts reports whether s can be cut at i between two words: i is the
// start or end of s, or follows an ASCII space and starts something else. (Other
// spaces only make the cut less eager; the diff is the same.)
func wordStarts(s string, i int) bool {
	if i == 0 || i == len(s) {
		return true
	}
	switch s[i-1] {
	case ' ', '\t', '\n', '\r', '\v', '\f':
	default:
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !unicode.IsSpace(r)
}

// wordDiff appends to ops the diff of two texts word by word: the words they
// share at their start and end, then a longest common subsequence of the
// rest.
func wordDiff(ops []DiffOp, before, after string) []DiffOp {
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
	return ops
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
