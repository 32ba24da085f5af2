package medcasereasoning

import (
	"encoding/json"
	"errors"
	"strings"
	"unicode"

	"github.com/medarc-ai/medmarks-t/rewards/extract"
)

// readAnswer applies the MedARC XML parser (medcasereasoning.md §4): the
// last assistant message holding a complete <think> or <answer> pair; the
// prediction is its last <answer>, trimmed. ok is false when there is no
// such message or it has no <answer>.
func readAnswer(texts []string) (answer string, ok bool) {
	t, found := extract.LastTagged(texts, "answer", "think")
	if !found {
		return "", false
	}
	return extract.LastTag(t, "answer")
}

var errNoVerdict = errors.New("no yes/no verdict in reply")

// verdictWord reads a judge reply by the default rule (medcasereasoning.md
// §5.2): the first word (maximal run of Unicode letters) that is yes or no,
// ASCII case-insensitively. Whole words only: "diagnosis", "not",
// "nocardiosis" and "yesterday" hold no verdict.
func verdictWord(reply string) (yes bool, err error) {
	start := -1
	for i, r := range reply + " " {
		if unicode.IsLetter(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			switch w := reply[start:i]; {
			case asciiFold(w, "yes"):
				return true, nil
			case asciiFold(w, "no"):
				return false, nil
			}
			start = -1
		}
	}
	return false, errNoVerdict
}

// asciiFold compares a word with a lower-case ASCII word, ignoring ASCII
// case only.
func asciiFold(w, lower string) bool {
	if len(w) != len(lower) {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// verdictCompat is upstream's rule: 1 when the lower-cased, trimmed reply
// contains "yes" and does not contain "no". It never fails.
func verdictCompat(reply string) bool {
	r := strings.ToLower(strings.TrimSpace(reply))
	return strings.Contains(r, "yes") && !strings.Contains(r, "no")
}

// ruling is one judge's parsed reply, as cached.
type ruling struct {
	Yes bool `json:"yes"`
}

// parser returns the judge Question's Parse for a compat mode.
func parser(compat bool) func(string) (json.RawMessage, error) {
	return func(reply string) (json.RawMessage, error) {
		yes := verdictCompat(reply)
		if !compat {
			var err error
			if yes, err = verdictWord(reply); err != nil {
				return nil, err
			}
		}
		return json.Marshal(ruling{Yes: yes})
	}
}
