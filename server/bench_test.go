package server_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	pb "github.com/medarc-ai/medmarks-t/proto/medmarks/v1"
)

// BenchmarkMedCalcToolEpisodes runs full tool episodes over gRPC (bufconn)
// with the real sandbox: Reset, two python calls (the second using the
// first's variables), the answer; 8 episodes at a time.
//
//	go test -run '^$' -bench MedCalcToolEpisodes -benchtime 200x ./server/
func BenchmarkMedCalcToolEpisodes(b *testing.B) {
	h := startMedCalcB(b)
	ctx := context.Background()
	const concurrent = 8
	episode := func() error {
		rr, err := h.env.Reset(ctx, &pb.ResetRequest{Env: "medcalc_bench", ExampleId: "1", OptionsJson: `{"use_tools": true}`})
		if err != nil {
			return err
		}
		for i, m := range []*pb.Message{
			{ToolCalls: []*pb.ToolCall{call("p1", "python", `{"code": "h = 1.65\nw = 68"}`)}},
			{ToolCalls: []*pb.ToolCall{call("p2", "python", `{"code": "print(round(w / h ** 2, 3))"}`)}},
			{Content: "<answer>24.977</answer>"},
		} {
			m.Role = "assistant"
			r, err := h.env.Step(ctx, &pb.StepRequest{EpisodeId: rr.GetEpisodeId(), Turn: proto.Uint32(uint32(i + 1)), Action: m})
			if err != nil {
				return err
			}
			if i == 2 && r.GetReward().GetValue() != 1 {
				return fmt.Errorf("reward %v", r.GetReward())
			}
		}
		return nil
	}
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	jobs := make(chan struct{})
	errs := make(chan error, concurrent)
	for range concurrent {
		wg.Go(func() {
			for range jobs {
				if err := episode(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for i := 0; i < b.N; i++ {
		select {
		case jobs <- struct{}{}:
		case err := <-errs:
			b.Fatal(err)
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "episodes/s")
}
