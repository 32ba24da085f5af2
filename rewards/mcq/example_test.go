package mcq_test

import (
	"fmt"

	"github.com/medarc-ai/medmarks-t/rewards/extract"
	"github.com/medarc-ai/medmarks-t/rewards/mcq"
)

func ExampleGrade() {
	q := mcq.Question{GoldLabel: "C", GoldText: "Metformin", OtherTexts: []string{"Insulin", "Glipizide", "Acarbose"}}
	for _, completion := range []string{
		"HbA1c is 9%.\n<answer>C</answer>",
		"<answer>The answer is (C) Metformin</answer>",
		"<answer>Insulin or metformin</answer>",
	} {
		answer, _ := extract.FirstTagOfLastMessage([]string{completion}, "answer")
		v := mcq.Grade(answer, q, mcq.Options{Guard: true})
		fmt.Printf("%v by %v\n", v.Correct, v.Strategy)
	}
	// Output:
	// true by strategy 1, exact option
	// true by strategy 4, anchored commitment
	// false by answer-text guard
}
