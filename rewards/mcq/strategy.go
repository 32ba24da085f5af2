package mcq

import "fmt"

// Strategy names what decided a verdict. The numbers 1–7 are upstream's
// (common.md §5), which the env files cite.
type Strategy int

const (
	// None: no strategy matched (or the answer was empty); the verdict is wrong.
	None Strategy = iota
	// ExactOption (1): the whole response is one option token.
	ExactOption
	// ExactText (2): the whole response is the gold text.
	ExactText
	// OptionPlusText (3): the whole response is an option followed by the gold text.
	OptionPlusText
	// Anchored (4): the last valid "answer is X"-style commitment.
	Anchored
	// LeadingLine (5): a short response led by an option ("B) …").
	LeadingLine
	// TailToken (6): an option at the very end of the response.
	TailToken
	// AnswerText (7): the gold text appears, not negated.
	AnswerText
	// GuardRejected: strategy 7 matched but another option's text is named
	// too (step 17); the verdict is wrong.
	GuardRejected
)

var strategyNames = [...]string{
	None:           "no strategy matched",
	ExactOption:    "strategy 1, exact option",
	ExactText:      "strategy 2, exact answer text",
	OptionPlusText: "strategy 3, option plus text",
	Anchored:       "strategy 4, anchored commitment",
	LeadingLine:    "strategy 5, leading option line",
	TailToken:      "strategy 6, tail token",
	AnswerText:     "strategy 7, answer-text fallback",
	GuardRejected:  "answer-text guard",
}

// String returns the phrase used in reward details, e.g.
// "strategy 2, exact answer text".
func (s Strategy) String() string {
	if s < 0 || int(s) >= len(strategyNames) {
		return fmt.Sprintf("Strategy(%d)", int(s))
	}
	return strategyNames[s]
}
