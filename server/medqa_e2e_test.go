package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/medqa"
	"github.com/medarc-ai/medmarks-t/internal/shared"
	pb "github.com/medarc-ai/medmarks-t/proto/medmarks/v1"
)

// startMedQA serves MedQA over the real test file.
func startMedQA(t testing.TB) *harness {
	t.Helper()
	h, _ := startMedQAIn(t, t.TempDir())
	return h
}

func startMedQAIn(t testing.TB, dir string) (*harness, func()) {
	t.Helper()
	fsys := os.DirFS(shared.Datasets(t))
	return startIn(t, dir, true, func(ctx context.Context, set envs.Settings) (envs.Env, error) {
		set.Data = fsys
		return medqa.New(ctx, set)
	})
}

func medqaGold(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(shared.Datasets(t) + "/medqa/phrases_no_exclude_test.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var gold []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r struct {
			AnswerIdx string `json:"answer_idx"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		gold = append(gold, r.AnswerIdx)
	}
	return gold
}

func TestMedQAEpisodeOverGRPC(t *testing.T) {
	h := startMedQA(t)
	ctx := context.Background()
	rr, err := h.env.Reset(ctx, &pb.ResetRequest{Env: "medqa", ExampleId: "996"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rr.GetObservation()) != 2 || !strings.HasSuffix(rr.GetObservation()[1].GetContent(), "bloodstream\nAnswer:") {
		t.Fatalf("observation: %v", rr.GetObservation())
	}
	sr, err := h.env.Step(ctx, &pb.StepRequest{EpisodeId: rr.GetEpisodeId(), Action: &pb.Message{Role: "assistant", Content: "IgA.\n<answer>C</answer>"}})
	if err != nil {
		t.Fatal(err)
	}
	r := sr.GetReward()
	if !sr.GetTerminated() || r.GetStatus() != pb.RewardStatus_REWARD_STATUS_SCORED || r.GetValue() != 1 ||
		r.GetEnvVersion() != "medqa@1.0.0" || !strings.Contains(r.GetDetail(), "strategy 1") {
		t.Fatalf("step: %v", sr)
	}
	// Seed-drawn rows: seed 42 → row 256 (common.md §1 rule 3).
	rr, err = h.env.Reset(ctx, &pb.ResetRequest{Env: "medqa", Seed: ptr(uint64(42))})
	if err != nil || rr.GetExampleId() != "256" || rr.GetSeed() != 42 {
		t.Fatalf("seed 42: %v %v", rr.GetExampleId(), err)
	}
}

func ptr[T any](v T) *T { return &v }

// TestMedQAScoreBatch10000 streams 10,000 MedQA items (every test row,
// gold and wrong letters, shuffled and not) through one ScoreBatch stream.
func TestMedQAScoreBatch10000(t *testing.T) {
	h := startMedQA(t)
	gold := medqaGold(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	stream, err := h.env.ScoreBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const n = 10_000
	want := make(map[string]float64, n)
	reqs := make([]*pb.ScoreBatchRequest, n)
	for i := range n {
		row := i % len(gold)
		letter := gold[row]
		v := 1.0
		if i%2 == 1 {
			letter, v = string("BCDA"[strings.Index("ABCD", letter)]), 0
			if row == 709 {
				// Row 709's options are letters: the wrong letter B is its
				// gold text, and upstream's strategy 2 accepts it.
				v = 1
			}
		}
		id := fmt.Sprint(i)
		want[id] = v
		reqs[i] = &pb.ScoreBatchRequest{RequestId: id, Env: "medqa",
			Example:    &pb.ScoreBatchRequest_ExampleRef{ExampleRef: &pb.ExampleRef{ExampleId: fmt.Sprint(row)}},
			Completion: &pb.ScoreBatchRequest_CompletionText{CompletionText: "Reasoning.\n<answer>" + letter + "</answer>"}}
	}
	var wg sync.WaitGroup
	var sendErr error
	wg.Go(func() {
		defer stream.CloseSend()
		for _, req := range reqs {
			if sendErr = stream.Send(req); sendErr != nil {
				return
			}
		}
	})
	got := 0
	for {
		res, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got++
		r := res.GetReward()
		w, ok := want[res.GetRequestId()]
		if !ok || r.GetStatus() != pb.RewardStatus_REWARD_STATUS_SCORED || r.GetValue() != w {
			t.Fatalf("item %s: %v, want %v", res.GetRequestId(), r, w)
		}
	}
	wg.Wait()
	if sendErr != nil || got != n {
		t.Fatalf("%d results, send error %v", got, sendErr)
	}
}

// TestEpisodeShuffleAcrossRestart: 64 MedQA rows × 8 episode seeds through
// Reset/Step. Every shuffleable row shows more than one order, the gold
// text is always at the gold letter, and the same (row, seed) gives the same
// order — also after a restart, for new episodes and for those begun before.
func TestEpisodeShuffleAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	h, stop := startMedQAIn(t, dir)
	ctx := context.Background()
	gold := medqaGoldTexts(t)
	const opts = `{"shuffle_answers": true, "shuffle_mode": "episode"}`
	type episode struct {
		id, order, letter string
	}
	eps := map[[2]uint64]episode{}
	orders := map[string]map[string]bool{}
	for row := range 64 {
		for seed := range uint64(8) {
			rr, err := h.env.Reset(ctx, &pb.ResetRequest{Env: "medqa", ExampleId: fmt.Sprint(row), Seed: ptr(seed), OptionsJson: opts})
			if err != nil {
				t.Fatal(err)
			}
			u := rr.GetObservation()[1].GetContent()
			order := u[strings.Index(u, "\nA. "):]
			letter := letterOf(t, order, gold[row])
			eps[[2]uint64{uint64(row), seed}] = episode{rr.GetEpisodeId(), order, letter}
			if orders[fmt.Sprint(row)] == nil {
				orders[fmt.Sprint(row)] = map[string]bool{}
			}
			orders[fmt.Sprint(row)][order] = true
		}
	}
	for row, o := range orders {
		// Rows whose options refer to other labels are never shuffled.
		if len(o) < 2 {
			rr, _ := h.env.Score(ctx, &pb.ScoreRequest{Env: "medqa", Example: &pb.ScoreRequest_ExampleRef{ExampleRef: &pb.ExampleRef{ExampleId: row}},
				Completion: &pb.ScoreRequest_CompletionText{CompletionText: "x"}, OptionsJson: opts, Seed: ptr(uint64(0))})
			if !strings.Contains(rr.GetReward().GetDetail(), "not shuffled") {
				t.Errorf("row %s: one order over 8 episode seeds (%s)", row, rr.GetReward().GetDetail())
			}
		}
	}
	stop()

	h, _ = startMedQAIn(t, dir)
	for key, ep := range eps {
		if key[1]%2 == 0 {
			// A new episode with the same (row, seed) shows the same order.
			rr, err := h.env.Reset(ctx, &pb.ResetRequest{Env: "medqa", ExampleId: fmt.Sprint(key[0]), Seed: ptr(key[1]), OptionsJson: opts})
			if err != nil {
				t.Fatal(err)
			}
			u := rr.GetObservation()[1].GetContent()
			if got := u[strings.Index(u, "\nA. "):]; got != ep.order {
				t.Fatalf("row %d seed %d: order changed after the restart", key[0], key[1])
			}
		}
		// The episode begun before the restart grades against its order.
		sr, err := h.env.Step(ctx, &pb.StepRequest{EpisodeId: ep.id, Turn: ptr(uint32(1)),
			Action: &pb.Message{Role: "assistant", Content: "<answer>" + ep.letter + "</answer>"}})
		if err != nil || sr.GetReward().GetValue() != 1 {
			t.Fatalf("row %d seed %d: gold letter %s after the restart: %v %v", key[0], key[1], ep.letter, sr.GetReward(), err)
		}
	}
}

// letterOf finds the letter showing text in an option block "\nA. …\nB. …".
func letterOf(t *testing.T, block, text string) string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(block, "\nAnswer:"), "\n")
	found := ""
	cur := ""
	var buf []string
	flush := func() {
		if cur != "" && strings.Join(buf, "\n") == text {
			found = cur
		}
	}
	for _, l := range lines[1:] {
		if len(l) >= 3 && strings.Contains("ABCD", l[:1]) && l[1:3] == ". " {
			flush()
			cur, buf = l[:1], []string{l[3:]}
			continue
		}
		buf = append(buf, l)
	}
	flush()
	if found == "" {
		t.Fatalf("gold text %q not in %q", text, block)
	}
	return found
}

func medqaGoldTexts(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(shared.Datasets(t) + "/medqa/phrases_no_exclude_test.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r struct {
			Options   map[string]string `json:"options"`
			AnswerIdx string            `json:"answer_idx"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r.Options[r.AnswerIdx])
	}
	return out
}
