package server_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/medarc-ai/medmarks-t/internal/shared"
	"github.com/medarc-ai/medmarks-t/internal/workload"
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

// BenchmarkScoreBatchMedQA streams the MCQ workload of common.md §11
// through one ScoreBatch stream over bufconn (client in the same process;
// cmd/medmarks-bench measures from a separate one).
//
//	go test -run '^$' -bench ScoreBatchMedQA -benchtime 100000x ./server/
func BenchmarkScoreBatchMedQA(b *testing.B) {
	h := startMedQA(b)
	work, err := workload.MedQA(shared.Datasets(b))
	if err != nil {
		b.Fatal(err)
	}
	reqs := make([]*pb.ScoreBatchRequest, b.N)
	for i := range reqs {
		it := work[i%len(work)]
		reqs[i] = &pb.ScoreBatchRequest{RequestId: fmt.Sprint(i), Env: "medqa",
			Example:    &pb.ScoreBatchRequest_ExampleRef{ExampleRef: &pb.ExampleRef{ExampleId: it.ExampleID}},
			Completion: &pb.ScoreBatchRequest_CompletionText{CompletionText: it.Completion}}
	}
	stream, err := h.env.ScoreBatch(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	wg.Go(func() {
		defer stream.CloseSend()
		for _, r := range reqs {
			if stream.Send(r) != nil {
				return
			}
		}
	})
	got := 0
	for {
		if _, err := stream.Recv(); err != nil {
			break
		}
		got++
	}
	wg.Wait()
	if got != b.N {
		b.Fatalf("%d of %d results", got, b.N)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "items/s")
}
