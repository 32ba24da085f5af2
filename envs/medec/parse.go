package medec

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards/extract"
)

// The model's answer tags (medec.md §3).
const (
	tagErrorID    = "error_id"
	tagIncorrect  = "incorrect_sentence"
	tagCorrection = "correction"
)

// answer is what the model's completion says (medec.md §4).
type answer struct {
	// found: some assistant message holds one of the three tags.
	found bool
	// Each value is its tag's content, trimmed; has* say the tag is there.
	errorID, incorrect, correction          string
	hasErrorID, hasIncorrect, hasCorrection bool
}

// readAnswer applies the MedARC XML parser (../spec/common.md §4): the last
// assistant message holding a complete pair of any of the three tags; in
// it, each tag's last pair (first under compat, as upstream).
func readAnswer(texts []string, first bool) answer {
	t, ok := extract.LastTagged(texts, tagErrorID, tagIncorrect, tagCorrection)
	if !ok {
		return answer{}
	}
	get := extract.LastTag
	if first {
		get = extract.FirstTag
	}
	a := answer{found: true}
	a.errorID, a.hasErrorID = get(t, tagErrorID)
	a.incorrect, a.hasIncorrect = get(t, tagIncorrect)
	a.correction, a.hasCorrection = get(t, tagCorrection)
	return a
}

// Kinds of <error_id> values.
type idKind int

const (
	idInvalid idKind = iota
	idNoError
	idSentence
)

// errorID is a parsed <error_id> value.
type errorID struct {
	kind idKind
	n    int
}

func (e errorID) String() string {
	switch e.kind {
	case idNoError:
		return "no error"
	case idSentence:
		return fmt.Sprintf("error at sentence %d", e.n)
	}
	return "invalid"
}

// parseErrorID reads an <error_id> value (medec.md §4): after trimming,
// removing enclosing wrappers (**…**, *…*, `…`, "…", […], repeatedly) and
// one trailing full stop, CORRECT in any case is no error and one or more
// ASCII digits are a sentence id; anything else is invalid.
func parseErrorID(v string) errorID {
	v = unwrap(v, idWrappers)
	if s, ok := strings.CutSuffix(v, "."); ok {
		v = unwrap(s, idWrappers)
	}
	if strings.EqualFold(v, "correct") && len(v) == len("correct") {
		return errorID{kind: idNoError}
	}
	if v == "" {
		return errorID{}
	}
	n := 0
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return errorID{}
		}
		// Saturate: an id this large names no sentence, but is still an id.
		n = min(n*10+int(v[i]-'0'), 1<<30)
	}
	return errorID{kind: idSentence, n: n}
}

// wrapper is an enclosing pair stripped from a value.
type wrapper struct{ open, close string }

var (
	idWrappers    = []wrapper{{"**", "**"}, {"*", "*"}, {"`", "`"}, {`"`, `"`}, {"[", "]"}}
	boolWrappers  = []wrapper{{"[", "]"}, {"**", "**"}, {"*", "*"}, {"`", "`"}, {`"`, `"`}, {"'", "'"}}
	emptyAnswers  = []string{"n/a", "na"}
	errUnparsable = errors.New("unparseable judge reply")
)

// unwrap trims s and removes enclosing wrappers until none is left.
func unwrap(s string, ws []wrapper) string {
	s = envs.TrimPy(s)
	for changed := true; changed; {
		changed = false
		for _, w := range ws {
			if len(s) >= len(w.open)+len(w.close) && strings.HasPrefix(s, w.open) && strings.HasSuffix(s, w.close) {
				s = envs.TrimPy(s[len(w.open) : len(s)-len(w.close)])
				changed = true
				break
			}
		}
	}
	return s
}

// emptyCorrection reports whether a <correction> value says nothing:
// blank, N/A or NA in any case, after the same wrapper removal.
func emptyCorrection(v string) bool {
	v = unwrap(v, idWrappers)
	if v == "" {
		return true
	}
	for _, e := range emptyAnswers {
		if strings.EqualFold(v, e) && len(v) == len(e) {
			return true
		}
	}
	return false
}

// The judge's four questions, in prompt order (medec.md §5.2).
const (
	qSemantic   = "semantically_correct"
	qDetails    = "matches_details"
	qAddition   = "substantive_addition"
	qCritical   = "critical_error"
	tagAnalysis = "analysis"
)

var questions = [4]string{qSemantic, qDetails, qAddition, qCritical}

// rubric is one judge's parsed reply: the four booleans (nil: tag missing
// or unreadable, possible only under compat) and the score.
type rubric struct {
	Answers  [4]*bool `json:"answers"`
	Score    float64  `json:"score"`
	Analysis string   `json:"analysis,omitempty"`
}

// score is upstream's formula: (sc + md + (1 − sa) + (1 − ce)) / 4, a
// missing answer counting 0 for its term, inverted or not (compat).
func (r *rubric) score() float64 {
	var sum float64
	for i, a := range r.Answers {
		switch {
		case a == nil:
		case i < 2 && *a, i >= 2 && !*a:
			sum++
		}
	}
	return sum / 4
}

// parseRubric reads a judge reply by the default rule (medec.md §5.2): for
// each of the four tags its last occurrence, trimmed, lower-cased, with
// enclosing […], *, backticks or quotes and a trailing full stop removed,
// must be exactly true or false; <analysis> is optional.
func parseRubric(reply string) (rubric, error) {
	var r rubric
	for i, q := range questions {
		v, ok := extract.LastTag(reply, q)
		if !ok {
			return rubric{}, fmt.Errorf("%w: no <%s> tag", errUnparsable, q)
		}
		b, ok := readBool(v)
		if !ok {
			return rubric{}, fmt.Errorf("%w: <%s> holds %q, want true or false", errUnparsable, q, envs.Shorten(v, 40))
		}
		r.Answers[i] = &b
	}
	r.Analysis, _ = extract.LastTag(reply, tagAnalysis)
	r.Score = r.score()
	return r, nil
}

// parseRubricCompat reads a reply as upstream does: each tag's first
// occurrence is true when its lower-cased text contains "true" and not
// "false"; a missing tag counts 0 for its term. It never fails.
func parseRubricCompat(reply string) rubric {
	var r rubric
	for i, q := range questions {
		v, ok := extract.FirstTag(reply, q)
		if !ok {
			continue
		}
		l := strings.ToLower(v)
		b := strings.Contains(l, "true") && !strings.Contains(l, "false")
		r.Answers[i] = &b
	}
	r.Analysis, _ = extract.FirstTag(reply, tagAnalysis)
	r.Score = r.score()
	return r
}

// readBool reads one answer of the default rule.
func readBool(v string) (bool, bool) {
	v = strings.ToLower(envs.TrimPy(v))
	for {
		before := v
		v = unwrap(v, boolWrappers)
		v = envs.TrimPy(strings.TrimSuffix(v, "."))
		if v == before {
			break
		}
	}
	switch v {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// parser returns the judge Question's Parse for a compat mode.
func parser(compat bool) func(string) (json.RawMessage, error) {
	return func(reply string) (json.RawMessage, error) {
		var r rubric
		if compat {
			r = parseRubricCompat(reply)
		} else {
			var err error
			if r, err = parseRubric(reply); err != nil {
				return nil, err
			}
		}
		r.Analysis = envs.Shorten(strings.Join(strings.Fields(r.Analysis), " "), 300)
		return json.Marshal(r)
	}
}

// pyInt is Python's int(s) for compat's sentence-id test: surrounding
// whitespace, an optional sign, decimal digits (any Unicode Nd) with single
// underscores between them.
func pyInt(s string) (int, bool) {
	s = envs.TrimPy(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return 0, false
	}
	n, digits := 0, 0
	for _, c := range s {
		if c == '_' {
			continue
		}
		d, ok := digitValue(c)
		if !ok {
			return 0, false
		}
		if digits++; digits > 15 {
			return 0, false // larger than any sentence id: never equal
		}
		n = n*10 + d
	}
	if neg {
		n = -n
	}
	return n, true
}

// digitValue is the value of a Unicode decimal digit (category Nd). Every
// Nd run in Unicode is made of whole 0–9 sequences, so a digit's value is
// its distance from the start of its run, mod 10.
func digitValue(c rune) (int, bool) {
	if c >= '0' && c <= '9' {
		return int(c - '0'), true
	}
	if !unicode.IsDigit(c) {
		return 0, false
	}
	start := c
	for unicode.IsDigit(start - 1) {
		start--
	}
	return int(c-start) % 10, true
}
