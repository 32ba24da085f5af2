package medcalc

import "github.com/medarc-ai/medmarks-t/rewards/extract"

// AnswerText returns the text of the last <answer>…</answer> pair of a
// message content (spec §5.2): pairs are found left to right without
// overlap, each ending at the first closing tag after its opening tag; the
// last one wins even when it is empty; its content is trimmed of Python
// whitespace. ok is false when the content has no complete pair.
func AnswerText(content string) (answer string, ok bool) {
	return extract.LastTag(content, "answer")
}

// LastAnswer applies the default message rule (spec §5.1) to the contents
// of the assistant messages in order: the last one that holds a complete
// pair gives the answer. index is that message's position in contents, -1
// when none has a pair.
func LastAnswer(contents []string) (answer string, index int) {
	for i := len(contents) - 1; i >= 0; i-- {
		if a, ok := AnswerText(contents[i]); ok {
			return a, i
		}
	}
	return "", -1
}
