package judge_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/medarc-ai/medmarks-t/rewards/judge"
)

// FuzzDecodeEntry: any stored bytes either decode to a usable entry or are
// rejected (a miss), never a panic; a decoded entry re-encodes to bytes that
// decode to the same entry.
func FuzzDecodeEntry(f *testing.F) {
	good, _ := judge.EncodeEntry(judge.Verdict{Reply: "yes", Parsed: json.RawMessage(`{"score":1}`),
		Usage: judge.Usage{PromptTokens: 3, CompletionTokens: 1, TotalTokens: 4}}, time.Unix(0, 0))
	for _, s := range [][]byte{good, []byte(`{"v":1,"reply":"x"}`), []byte(`{"v":2}`), []byte(`null`), []byte(`{"v":1,"reply":"x","usage":{"prompt_tokens":-1}}`), {}} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		reply, verdict, usage, err := judge.DecodeEntry(b)
		if err != nil {
			return
		}
		if reply == "" || usage.PromptTokens < 0 || usage.CompletionTokens < 0 || usage.TotalTokens < 0 {
			t.Fatalf("accepted a bad entry: %q %+v", reply, usage)
		}
		again, err := judge.EncodeEntry(judge.Verdict{Reply: reply, Parsed: verdict, Usage: usage}, time.Unix(0, 0))
		if err != nil {
			return // e.g. a verdict that is not valid JSON is never written
		}
		reply2, verdict2, usage2, err := judge.DecodeEntry(again)
		if err != nil || reply2 != reply || usage2 != usage || !bytes.Equal(compact(verdict2), compact(verdict)) {
			t.Fatalf("round trip changed the entry: %q %s %+v -> %q %s %+v (%v)", reply, verdict, usage, reply2, verdict2, usage2, err)
		}
	})
}

func compact(b []byte) []byte {
	var out bytes.Buffer
	if json.Compact(&out, b) != nil {
		return b
	}
	return out.Bytes()
}
