package extract_test

import (
	"fmt"

	"github.com/medarc-ai/medmarks-t/rewards/extract"
)

func ExampleFirstTagOfLastMessage() {
	msgs := []string{"<answer>B</answer>", "On reflection:\n<answer> C </answer>"}
	answer, ok := extract.FirstTagOfLastMessage(msgs, "answer")
	fmt.Printf("%q %v\n", answer, ok)
	// Output: "C" true
}

func ExampleBoxed() {
	text, _ := extract.AfterThink(`<think>maybe \boxed{A}</think> So \boxed{C}.`)
	answer, ok := extract.Boxed(text)
	fmt.Printf("%q %v\n", answer, ok)
	// Output: "C" true
}

func ExampleLastTagged() {
	msgs := []string{"<answer>B</answer>", "<think>C fits better</think> Let me check.", "Done."}
	text, _ := extract.LastTagged(msgs, "answer", "think")
	answer, ok := extract.LastTag(text, "answer")
	fmt.Printf("%q %v\n", answer, ok)
	// Output: "" false
}
