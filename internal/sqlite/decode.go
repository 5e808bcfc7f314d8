package sqlite

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeFields decodes an event's before or after value, a JSON object of
// strings. It reads that shape directly, which pages full of history do
// many times each; anything else goes to encoding/json, which decides.
func decodeFields(s string) (map[string]string, error) {
	if m, ok := decodeFlat(s); ok {
		return m, nil
	}
	var m map[string]string
	err := json.Unmarshal([]byte(s), &m)
	return m, err
}

// decodeFlat decodes {"key":"value",...} with no space between tokens, as
// encoding/json writes it, and reports false for any other input.
func decodeFlat(s string) (map[string]string, bool) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, false
	}
	m := make(map[string]string, 4)
	i := 1
	if s[i] == '}' {
		return m, i == len(s)-1
	}
	for {
		k, n, ok := jsonString(s, i)
		if !ok || n >= len(s) || s[n] != ':' {
			return nil, false
		}
		v, n2, ok := jsonString(s, n+1)
		if !ok || n2 >= len(s) {
			return nil, false
		}
		m[k] = v
		switch s[n2] {
		case ',':
			i = n2 + 1
		case '}':
			return m, n2 == len(s)-1
		default:
			return nil, false
		}
	}
}

// jsonString reads the JSON string starting at s[i] and returns its value
// and the index after its closing quote.
func jsonString(s string, i int) (string, int, bool) {
	if i >= len(s) || s[i] != '"' {
		return "", 0, false
	}
	start := i + 1
	for j := start; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			v := s[start:j]
			if !utf8.ValidString(v) {
				return "", 0, false
			}
			return v, j + 1, true
		case c == '\\':
			return unescape(s, start)
		case c < 0x20:
			return "", 0, false
		}
	}
	return "", 0, false
}

// unescape reads a JSON string with escapes from s[start:], just after its
// opening quote.
func unescape(s string, start int) (string, int, bool) {
	b := make([]byte, 0, 64)
	for j := start; j < len(s); {
		c := s[j]
		switch {
		case c == '"':
			if !utf8.Valid(b) {
				return "", 0, false
			}
			return string(b), j + 1, true
		case c < 0x20:
			return "", 0, false
		case c != '\\':
			b = append(b, c)
			j++
			continue
		}
		if j+1 >= len(s) {
			return "", 0, false
		}
		switch e := s[j+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(s, j+2)
			if !ok {
				return "", 0, false
			}
			j += 6
			if utf16.IsSurrogate(r) {
				r2, ok := rune(0), false
				if j+1 < len(s) && s[j] == '\\' && s[j+1] == 'u' {
					r2, ok = hex4(s, j+2)
				}
				if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
					r = dec
					j += 6
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
			continue
		default:
			return "", 0, false
		}
		j += 2
	}
	return "", 0, false
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	n, err := strconv.ParseUint(s[i:i+4], 16, 32)
	return rune(n), err == nil
}

// parseStamp reads a time as formatTime writes it
// (2006-01-02T15:04:05.000000Z), or with another number of digits of the
// second (1 to 9: SQLite's strftime writes 3), without the general parser,
// and falls back to it for anything else.
func parseStamp(s string) (time.Time, bool) {
	if len(s) < 22 || len(s) > 30 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[len(s)-1] != 'Z' {
		return time.Time{}, false
	}
	num := func(a, b int) (int, bool) {
		n := 0
		for _, c := range []byte(s[a:b]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 7)
	d, ok3 := num(8, 10)
	h, ok4 := num(11, 13)
	mi, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	frac, ok7 := num(20, len(s)-1)
	for range 9 - (len(s) - 21) {
		frac *= 10 // nanoseconds
	}
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, frac, time.UTC)
	if t.Day() != d { // 31 February and the like
		return time.Time{}, false
	}
	return t, true
}
