package meddialog

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards/extract"
)

// summary is the clean text the judge sees (med_dialog.md §4): the last
// assistant message's text; with a </think>, what follows the last one;
// with a <think> but no </think>, nothing; trimmed.
func summary(c envs.Completion) string {
	texts := c.AssistantTexts()
	if len(texts) == 0 {
		return ""
	}
	t := texts[len(texts)-1]
	if i := strings.LastIndex(t, "</think>"); i >= 0 {
		return envs.TrimPy(t[i+len("</think>"):])
	}
	if strings.Contains(t, "<think>") {
		return ""
	}
	return envs.TrimPy(t)
}

// The three criteria, in prompt order (med_dialog.md §5.1).
var criteria = [3]string{"accuracy", "completeness", "clarity"}

// rating is one judge's parsed reply, as cached.
type rating struct {
	// Raw are the scores as given, clamped to [1, 5]; Norm their (s−1)/4.
	// Under compat a criterion may be missing: Has false.
	Raw  [3]float64 `json:"raw"`
	Norm [3]float64 `json:"norm"`
	Has  [3]bool    `json:"has"`
	// Explanations are shortened for the detail.
	Explanations [3]string `json:"explanations,omitempty"`
	// Mean is the judge's own score: the mean of its normalised criteria
	// (under compat, of those present; 0 if none).
	Mean float64 `json:"mean"`
	// NoJSON (compat): the reply held no JSON object; the judge scores 0.
	NoJSON bool `json:"no_json,omitempty"`
	// Bare (compat): a criterion was a bare value, which upstream's
	// reward function raises on: the whole reward is 0.
	Bare bool `json:"bare,omitempty"`
}

var (
	errNoJSON    = errors.New("no JSON object in reply")
	errNotObject = errors.New("not a JSON object")
	// decimalRE is a decimal number in a string score ("4", "3.5").
	decimalRE = regexp.MustCompile(`^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$`)
)

// objectSpans returns the balanced top-level {…} spans of text, in order,
// aware of JSON strings and their escapes so that braces inside strings do
// not count. A '{' that never closes is skipped and the scan goes on after
// it, so stray braces in prose before the JSON do not hide it.
func objectSpans(text string) [][2]int {
	var spans [][2]int
	for i := 0; i < len(text); {
		k := strings.IndexByte(text[i:], '{')
		if k < 0 {
			break
		}
		start := i + k
		if end, ok := closeBrace(text, start); ok {
			spans = append(spans, [2]int{start, end})
			i = end
		} else {
			i = start + 1
		}
	}
	return spans
}

// closeBrace returns the index just past the '}' that closes the '{' at
// start.
func closeBrace(text string, start int) (int, bool) {
	depth, inString, escaped := 0, false, false
	for j := start; j < len(text); j++ {
		c := text[j]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				return j + 1, true
			}
		}
	}
	return 0, false
}

// decodeObject parses one JSON object, keeping numbers exact.
func decodeObject(s string) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil || dec.More() {
		return nil, errNotObject
	}
	return m, nil
}

// parseRating reads a judge reply by the default rule (med_dialog.md §5.2):
// the last balanced object that holds the three criteria, else the last
// object (then incomplete); each criterion an object with a numeric score,
// clamped to [1, 5].
func parseRating(reply string) (rating, error) {
	var objs []map[string]any
	for _, sp := range objectSpans(reply) {
		if m, err := decodeObject(reply[sp[0]:sp[1]]); err == nil {
			objs = append(objs, m)
		}
	}
	if len(objs) == 0 {
		return rating{}, errNoJSON
	}
	var lastErr error
	for i := len(objs) - 1; i >= 0; i-- {
		r, err := readCriteria(objs[i])
		if err == nil {
			return r, nil
		}
		if lastErr == nil {
			lastErr = err // the last object's problem
		}
	}
	return rating{}, lastErr
}

// readCriteria checks one object's three criteria.
func readCriteria(obj map[string]any) (rating, error) {
	var r rating
	for i, k := range criteria {
		v, ok := obj[k]
		if !ok {
			return rating{}, fmt.Errorf("reply lacks %s", k)
		}
		m, ok := v.(map[string]any)
		if !ok {
			return rating{}, fmt.Errorf("%s is not an object with a score", k)
		}
		s, ok := m["score"]
		if !ok {
			return rating{}, fmt.Errorf("%s has no score", k)
		}
		f, ok := number(s)
		if !ok {
			return rating{}, fmt.Errorf("%s.score is not a number", k)
		}
		r.set(i, f, m["explanation"])
	}
	r.mean()
	return r, nil
}

// set records criterion i's score, clamped to [1, 5] as upstream does.
func (r *rating) set(i int, s float64, expl any) {
	s = min(max(s, 1), 5)
	r.Raw[i], r.Norm[i], r.Has[i] = s, (s-1)/4, true
	if e, ok := expl.(string); ok {
		r.Explanations[i] = envs.Shorten(strings.Join(strings.Fields(e), " "), 200)
	}
}

// mean sets Mean over the criteria present (0 if none).
func (r *rating) mean() {
	var sum float64
	n := 0
	for i, h := range r.Has {
		if h {
			sum += r.Norm[i]
			n++
		}
	}
	if n > 0 {
		r.Mean = sum / float64(n)
	}
}

// number reads a score: a JSON number, or a string holding a decimal
// number; finite.
func number(v any) (float64, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case float64:
		return x, !math.IsInf(x, 0) && !math.IsNaN(x)
	case string:
		s = envs.TrimPy(x)
		if !decimalRE.MatchString(s) {
			return 0, false
		}
	default:
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// parseRatingCompat reads a reply as upstream does (med_dialog.md §7): the
// object found from the reply's last '}' (extract.LastJSONObject); none →
// the judge scores 0; a missing or non-numeric criterion is ignored; a
// criterion that is a bare value makes the whole reward 0. It never fails.
func parseRatingCompat(reply string) rating {
	obj, ok := extract.LastJSONObject(reply)
	if !ok {
		return rating{NoJSON: true}
	}
	var r rating
	for i, k := range criteria {
		v, ok := obj[k]
		if !ok || v == nil {
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			r.Bare = true
			continue
		}
		if f, ok := number(m["score"]); ok {
			r.set(i, f, m["explanation"])
		}
	}
	r.mean()
	return r
}

// parser returns the judge Question's Parse for a compat mode.
func parser(compat bool) func(string) (json.RawMessage, error) {
	return func(reply string) (json.RawMessage, error) {
		if compat {
			return json.Marshal(parseRatingCompat(reply))
		}
		r, err := parseRating(reply)
		if err != nil {
			return nil, err
		}
		return json.Marshal(r)
	}
}
