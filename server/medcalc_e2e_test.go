package server_test

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/demo"
	"github.com/medarc-ai/medmarks-t/envs/medcalcbench"
	"github.com/medarc-ai/medmarks-t/envs/sandboxtools"
	pb "github.com/medarc-ai/medmarks-t/proto/medmarks/v1"
	"github.com/medarc-ai/medmarks-t/sandbox"
	"github.com/medarc-ai/medmarks-t/sandbox/sandboxtest"
)

// startMedCalc serves medcalc_bench over the demo rows with the real
// bubblewrap sandbox behind its tools.
func startMedCalc(t *testing.T) *harness { return startMedCalcB(t) }

func startMedCalcB(t testing.TB) *harness {
	t.Helper()
	tb, err := sandbox.NewToolbox(sandbox.DefaultConfig(), sandboxtest.Bwrap(t, false), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := tb.Start(ctx); err != nil {
		t.Fatal(err)
	}
	h := start(t, true, func(ctx context.Context, set envs.Settings) (envs.Env, error) {
		set.Data, set.Demo, set.Tools = demo.FS(), true, sandboxtools.New(tb)
		return medcalcbench.New(ctx, set)
	})
	// Registered after start's cleanup, so it runs first: episodes close
	// their sessions before the pool goes.
	t.Cleanup(func() { _ = tb.Shutdown(ctx) })
	return h
}

func call(id, name, args string) *pb.ToolCall {
	return &pb.ToolCall{Id: id, Name: name, Arguments: args}
}

// TestMedCalcToolEpisode: the model calls the calculator, then python twice
// (a variable of the first call used in the second), then answers; the
// reward is right. A malformed call is answered, not a server error, and a
// runaway loop is truncated at max_turns.
func TestMedCalcToolEpisode(t *testing.T) {
	h := startMedCalc(t)
	ctx := context.Background()
	rr, err := h.env.Reset(ctx, &pb.ResetRequest{Env: "medcalc_bench", ExampleId: "1", OptionsJson: `{"use_tools": true}`})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range rr.GetTools() {
		names = append(names, tl.GetName())
		if !strings.Contains(tl.GetOpenaiJson(), `"type":"function"`) {
			t.Errorf("tool %s schema %s", tl.GetName(), tl.GetOpenaiJson())
		}
	}
	if strings.Join(names, ",") != "calculator,python" {
		t.Fatalf("tools %v", names)
	}
	turn := uint32(0)
	step := func(msg *pb.Message) *pb.StepResponse {
		t.Helper()
		turn++
		msg.Role = "assistant"
		r, err := h.env.Step(ctx, &pb.StepRequest{EpisodeId: rr.GetEpisodeId(), Turn: proto.Uint32(turn), Action: msg})
		if err != nil {
			t.Fatalf("turn %d: %v", turn, err)
		}
		return r
	}
	toolOut := func(r *pb.StepResponse, id string) string {
		t.Helper()
		for _, m := range r.GetObservation() {
			if m.GetRole() == "tool" && m.GetToolCallId() == id {
				return m.GetContent()
			}
		}
		t.Fatalf("no tool message for %s in %v", id, r.GetObservation())
		return ""
	}

	r := step(&pb.Message{ToolCalls: []*pb.ToolCall{call("c1", "calculator", `{"expression": "1.65 * 1.65"}`)}})
	if got := toolOut(r, "c1"); !strings.Contains(got, "2.7224999999999997") || r.GetTerminated() {
		t.Fatalf("calculator: %q", got)
	}
	r = step(&pb.Message{ToolCalls: []*pb.ToolCall{call("p1", "python", `{"code": "h = 1.65\nw = 68"}`)}})
	toolOut(r, "p1")
	r = step(&pb.Message{ToolCalls: []*pb.ToolCall{call("p2", "python", `{"code": "print(round(w / h ** 2, 3))"}`)}})
	if got := toolOut(r, "p2"); !strings.Contains(got, "24.977") {
		t.Fatalf("second python call did not see the first's variables: %q", got)
	}
	r = step(&pb.Message{ToolCalls: []*pb.ToolCall{call("bad", "python", `{"code": `), call("nope", "shell", `{}`)}})
	if got := toolOut(r, "bad"); !strings.Contains(strings.ToLower(got), "error") {
		t.Fatalf("malformed arguments: %q", got)
	}
	if got := toolOut(r, "nope"); !strings.Contains(got, "shell") {
		t.Fatalf("unknown tool: %q", got)
	}
	r = step(&pb.Message{Content: "BMI = 68 / 1.65² ≈ 24.977.\n<answer>24.977</answer>"})
	rw := r.GetReward()
	if !r.GetTerminated() || rw.GetStatus() != pb.RewardStatus_REWARD_STATUS_SCORED || rw.GetValue() != 1 || rw.GetEnvVersion() != "medcalc_bench@1.0.0" {
		t.Fatalf("final: %v", r)
	}

	// A runaway loop: tool calls every turn until max_turns.
	rr, err = h.env.Reset(ctx, &pb.ResetRequest{Env: "medcalc_bench", ExampleId: "1", OptionsJson: `{"use_tools": true, "max_turns": 3}`})
	if err != nil {
		t.Fatal(err)
	}
	turn = 0
	var last *pb.StepResponse
	for range 3 {
		last = step(&pb.Message{ToolCalls: []*pb.ToolCall{call("x", "python", `{"code": "x = 1"}`)}})
		if last.GetTerminated() {
			t.Fatal("terminated during the loop")
		}
	}
	if !last.GetTruncated() || last.GetReward().GetStatus() != pb.RewardStatus_REWARD_STATUS_SCORED || last.GetReward().GetValue() != 0 {
		t.Fatalf("runaway loop: %v", last)
	}
	_, err = h.env.Step(ctx, &pb.StepRequest{EpisodeId: rr.GetEpisodeId(), Action: &pb.Message{Content: "<answer>24.977</answer>"}})
	wantCode(t, err, codes.FailedPrecondition, "ended")
}
