package main

import (
	"testing"
	"unicode/utf8"
)

// FuzzParseLine: any JSONL line gives either a batch item or an
// INVALID_INPUT message; never a panic, and the echoed id is valid JSON.
func FuzzParseLine(f *testing.F) {
	for _, s := range []string{
		`{"id": "a", "example_id": "0", "completion": "<answer>C</answer>"}`,
		`{"example": {"question": "q"}, "completion": [{"role": "assistant", "content": [{"type": "text", "text": "x"}]}]}`,
		`{"completion": [{"role": "assistant", "tool_calls": [{"id": "1", "function": {"name": "python", "arguments": "{}"}}]}]}`,
		`{"id": 3, "seed": -1}`, `[]`, `{"completion": 5}`, "\xff", `{"example": {}, "example_id": "1"}`,
	} {
		f.Add([]byte(s))
	}
	st := &lineStream{env: "medqa"}
	f.Fuzz(func(t *testing.T, line []byte) {
		req, id, err := st.parse(line)
		if err != nil {
			if req != nil {
				t.Fatal("both a request and an error")
			}
			if !utf8.ValidString(err.Error()) && utf8.Valid(line) {
				t.Fatalf("error text not UTF-8: %q", err)
			}
			return
		}
		if req.GetEnv() != "medqa" || len(id) == 0 {
			t.Fatalf("parse(%q) = %v, id %q", line, req, id)
		}
	})
}
