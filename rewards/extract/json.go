package extract

import (
	"bytes"
	"encoding/json"
	"github.com/medarc-ai/medmarks-t/internal/pytext"
	"strings"
)

// LastJSONObject finds the JSON object a judge reply ends with (MedARC
// JSONParser, reference.md §1.3 item 6). It takes the last '}' of text and,
// for every '{' before it from right to left, tries text[i:last+1]; the first
// candidate that is a JSON object wins, so nested output yields the smallest
// valid object that ends at the final brace (for a judge's
// {"a": {...}} that is the outer object, as the inner one does not end
// there). String values are trimmed recursively, as upstream's parse(strip=True)
// does.
//
// Differences from Python's json.loads, none of which a judge should produce:
// NaN and Infinity literals are rejected; numbers become float64.
//
// Each '{' costs one validity scan of the rest of the text, so the work is
// quadratic in the number of braces; judge replies are short.
func LastJSONObject(text string) (map[string]any, bool) {
	last := strings.LastIndexByte(text, '}')
	if last < 0 {
		return nil, false
	}
	b := []byte(text[:last+1])
	for i := bytes.LastIndexByte(b, '{'); i >= 0; i = bytes.LastIndexByte(b[:i], '{') {
		// Valid allocates nothing, so only the winner is decoded.
		if !json.Valid(b[i:]) {
			continue
		}
		var obj map[string]any
		if err := json.Unmarshal(b[i:], &obj); err != nil || obj == nil {
			continue
		}
		stripStrings(obj)
		return obj, true
	}
	return nil, false
}

// stripStrings trims every string inside v in place.
func stripStrings(v any) any {
	switch x := v.(type) {
	case string:
		return pytext.Trim(x)
	case map[string]any:
		for k, e := range x {
			x[k] = stripStrings(e)
		}
	case []any:
		for i, e := range x {
			x[i] = stripStrings(e)
		}
	}
	return v
}
