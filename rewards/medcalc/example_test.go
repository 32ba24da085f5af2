package medcalc_test

import (
	"fmt"

	"github.com/medarc-ai/medmarks-t/rewards/medcalc"
)

func ExampleCheck() {
	// Row 41 of the v1.0 test file: CHA2DS2-VASc, an integer calculator.
	g, err := medcalc.ParseGold(4, "CHA2DS2-VASc", "4", "4", "4")
	if err != nil {
		panic(err)
	}
	answer, _ := medcalc.AnswerText("The score is about 4.4.\n<answer>4.4</answer>")
	fmt.Println(medcalc.Check(g, answer, medcalc.Official).Detail)
	fmt.Println(medcalc.Check(g, answer, medcalc.Medmarks).Detail)

	// Row 1: Creatinine Clearance, a decimal calculator with ±5 % limits.
	g, _ = medcalc.ParseGold(2, "Creatinine Clearance", "25.238", "23.9761", "26.4999")
	v := medcalc.Check(g, "2523.8%", medcalc.Official)
	fmt.Println(v.Correct, v.Rule, v.Extracted)
	// Output:
	// answer "4.4" → last number 4.4; rounded (half to even) 4 = ground truth 4 → correct
	// answer "4.4" → last number 4.4; compared unrounded 4.4 ≠ ground truth 4 → incorrect (compat medmarks)
	// true percent 25.238000000000003
}
