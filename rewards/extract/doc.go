// Package extract finds the answer inside a completion before it is graded
// (../spec/common.md §4, reference.md §1.3). It works on assistant message
// texts that the env layer has already joined: for each message, the text
// parts joined with one space and trimmed. reasoning_content, tool calls and
// tool messages are never passed in, so a model's hidden reasoning cannot
// score.
//
// Every function is pure, safe for concurrent use, and never panics on input.
// Offsets are never returned, so callers need not care whether the rules are
// counted in bytes or code points; where the upstream Python counts code
// points (nothing here does beyond trimming), so does this package.
//
// "Trim" always means removing Python whitespace (str.isspace: U+0009–U+000D,
// U+001C–U+001F, U+0020, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028,
// U+2029, U+202F, U+205F, U+3000), which is what upstream's strip() and
// regex \s remove.
package extract
