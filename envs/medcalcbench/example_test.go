package medcalcbench_test

import (
	"context"
	"fmt"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/demo"
	"github.com/medarc-ai/medmarks-t/envs/medcalcbench"
)

// An episode on the demo rows: row 3 asks for a CHA2DS2-VASc score.
func Example() {
	ctx := context.Background()
	reg, err := envs.Build(ctx, envs.Settings{Data: demo.FS(), Demo: true}, nil, medcalcbench.New)
	if err != nil {
		panic(err)
	}
	e, _ := reg.Lookup("medcalc-bench")
	opts, _ := e.Options.Parse(`{"one_shot": true}`)
	ep, start, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "3", Options: opts})
	if err != nil {
		panic(err)
	}
	fmt.Println(start.Split, start.ExampleID, start.MaxTurns, len(start.Observation))
	res, err := ep.Step(ctx, envs.Message{Role: "assistant", Content: "Age 2, sex 1, hypertension 1, diabetes 1.\n<answer>5</answer>"})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Terminated, res.Reward.Value)
	fmt.Println(res.Reward.Detail)
	// Output:
	// 1.0/test 3 1 2
	// true 1
	// calculator 4 CHA2DS2-VASc Score for Atrial Fibrillation Stroke Risk (integer): assistant message 1 of 1: answer "5" → last number 5; rounded (half to even) 5 = ground truth 5 → correct
}
