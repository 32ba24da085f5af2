package extract

import (
	"github.com/medarc-ai/medmarks-t/internal/pytext"
	"strings"
)

// FirstTagOfLastMessage applies the multiple-choice xml rule (upstream
// verifiers XMLParser.parse_answer over messages): scan contents from last
// to first and, in each, take the first <tag>…</tag> pair. Tags are exact and
// case-sensitive, the content may span lines and ends at the first closing
// tag after the opening one. The first message holding a pair gives the
// answer, trimmed; ok is false when no message holds one. An empty pair
// (<answer></answer>) is an answer: it stops the scan and yields "".
func FirstTagOfLastMessage(contents []string, tag string) (answer string, ok bool) {
	open, close := "<"+tag+">", "</"+tag+">"
	for i := len(contents) - 1; i >= 0; i-- {
		if a, _, found := firstPair(contents[i], open, close, 0); found {
			return pytext.Trim(a), true
		}
	}
	return "", false
}

// FirstTag returns the first <tag>…</tag> pair of one text, trimmed.
func FirstTag(text, tag string) (string, bool) {
	a, _, ok := firstPair(text, "<"+tag+">", "</"+tag+">", 0)
	return pytext.Trim(a), ok
}

// LastTag returns the last <tag>…</tag> pair of one text, trimmed: the MedARC
// parser rule, where the last of a message's pairs wins. Pairs are found left
// to right without overlap, as re.finditer does, so in
// "<a>1<a>2</a>" the only pair holds "1<a>2".
func LastTag(text, tag string) (string, bool) {
	open, close := "<"+tag+">", "</"+tag+">"
	var last string
	found := false
	for from := 0; ; {
		a, end, ok := firstPair(text, open, close, from)
		if !ok {
			break
		}
		last, found, from = a, true, end
	}
	return pytext.Trim(last), found
}

// LastTagged returns the last of texts holding a complete <tag>…</tag> pair
// of any of tags, and whether one does: the message the MedARC XML parser
// reads (../spec/common.md §4), where an earlier message counts only when no
// later one holds any of the tags. Which tag, or how many pairs, does not
// matter; the caller then reads each tag of that one message with FirstTag
// or LastTag.
func LastTagged(texts []string, tags ...string) (string, bool) {
	for i := len(texts) - 1; i >= 0; i-- {
		for _, tag := range tags {
			if _, _, ok := firstPair(texts[i], "<"+tag+">", "</"+tag+">", 0); ok {
				return texts[i], true
			}
		}
	}
	return "", false
}

// firstPair finds the first open tag at or after from and the first close
// tag after it; end is the index just past the close tag.
func firstPair(text, open, close string, from int) (content string, end int, ok bool) {
	i := strings.Index(text[from:], open)
	if i < 0 {
		return "", 0, false
	}
	start := from + i + len(open)
	j := strings.Index(text[start:], close)
	if j < 0 {
		return "", 0, false
	}
	return text[start : start+j], start + j + len(close), true
}
