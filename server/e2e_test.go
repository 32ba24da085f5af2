package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/proto"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/envtest"
	pb "github.com/medarc-ai/medmarks-t/proto/medmarks/v1"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/server"
	"github.com/medarc-ai/medmarks-t/server/episodes"
	"github.com/medarc-ai/medmarks-t/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// harness is a server on bufconn with a real Badger store in a temp dir.
type harness struct {
	srv    *server.Server
	env    pb.EnvServiceClient
	tools  pb.ToolServiceClient
	health healthpb.HealthClient
	reg    *envs.Registry
	eps    *episodes.Manager
}

func start(t testing.TB, ready bool, ctors ...envs.Constructor) *harness {
	t.Helper()
	h, _ := startIn(t, t.TempDir(), ready, ctors...)
	return h
}

// startIn serves with the store in dir; stop shuts it down early (a
// restart), and is also run at cleanup.
func startIn(t testing.TB, dir string, ready bool, ctors ...envs.Constructor) (*harness, func()) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(dir, nil, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := envs.Build(ctx, envs.Settings{}, nil, ctors...)
	if err != nil {
		t.Fatal(err)
	}
	eps := episodes.New(episodes.DefaultConfig(), db.Table("e/"), reg, nil)
	cfg := server.DefaultConfig()
	srv, err := server.New(cfg, server.Deps{Metrics: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	if ready {
		srv.Ready(reg, eps)
	}
	lis := bufconn.Listen(1 << 20)
	var wg sync.WaitGroup
	wg.Go(func() { _ = srv.Serve(lis) })
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(context.Context, string) (net.Conn, error) { return lis.Dial() }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20), grpc.MaxCallSendMsgSize(64<<20)))
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			conn.Close()
			srv.Shutdown(context.Background())
			wg.Wait()
			eps.Shutdown(context.Background())
			db.Close()
		})
	}
	t.Cleanup(stop)
	return &harness{srv: srv, env: pb.NewEnvServiceClient(conn), tools: pb.NewToolServiceClient(conn),
		health: healthpb.NewHealthClient(conn), reg: reg, eps: eps}, stop
}

func wantCode(t *testing.T, err error, code codes.Code, mention string) {
	t.Helper()
	st, _ := status.FromError(err)
	if st.Code() != code || !strings.Contains(st.Message(), mention) {
		t.Fatalf("got %v %q; want %v mentioning %q", st.Code(), st.Message(), code, mention)
	}
}

func TestLoadingThenServing(t *testing.T) {
	h := start(t, false, envtest.NewFake(10))
	ctx := context.Background()
	hc, err := h.health.Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil || hc.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("health while loading = %v, %v", hc.GetStatus(), err)
	}
	_, err = h.env.ListEnvs(ctx, &pb.ListEnvsRequest{})
	wantCode(t, err, codes.Unavailable, "loading")
	h.srv.Ready(h.reg, h.eps)
	hc, err = h.health.Check(ctx, &healthpb.HealthCheckRequest{Service: "medmarks.v1.EnvService"})
	if err != nil || hc.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health after Ready = %v, %v", hc.GetStatus(), err)
	}
	le, err := h.env.ListEnvs(ctx, &pb.ListEnvsRequest{})
	if err != nil || len(le.GetEnvs()) != 1 || le.GetEnvs()[0].GetName() != "fake" || le.GetEnvs()[0].GetVersion() != envs.Version {
		t.Fatalf("ListEnvs = %v, %v", le, err)
	}
}

func TestEpisodeAndRetries(t *testing.T) {
	h := start(t, true, envtest.NewFake(10))
	ctx := context.Background()
	rr, err := h.env.Reset(ctx, &pb.ResetRequest{Env: "fake", ExampleId: "4", OptionsJson: `{"turns": 2}`})
	if err != nil {
		t.Fatal(err)
	}
	if rr.GetNextTurn() != 1 || rr.Seed == nil || rr.GetLimits().GetMaxTurns() != 2 {
		t.Fatalf("Reset = %v", rr)
	}
	step := func(turn uint32, content string) (*pb.StepResponse, error) {
		return h.env.Step(ctx, &pb.StepRequest{EpisodeId: rr.GetEpisodeId(), Turn: proto.Uint32(turn),
			Action: &pb.Message{Role: "assistant", Content: content}})
	}
	s1, err := step(1, "hmm")
	if err != nil || s1.GetNextTurn() != 2 || s1.GetTerminated() {
		t.Fatalf("step 1 = %v, %v", s1, err)
	}
	_, err = step(3, "x")
	wantCode(t, err, codes.FailedPrecondition, "expected turn 2")
	_, err = step(1, "another action")
	wantCode(t, err, codes.FailedPrecondition, "expected turn 2")
	again, err := step(1, "hmm")
	if err != nil || !proto.Equal(again, s1) {
		t.Fatalf("retried step 1 = %v, %v; want %v", again, err, s1)
	}
	s2, err := step(2, envtest.Gold(4))
	if err != nil || !s2.GetTerminated() || s2.GetReward().GetValue() != 1 || s2.GetReward().GetEnvVersion() != "fake@1.0.0" {
		t.Fatalf("step 2 = %v, %v", s2, err)
	}
	a, _ := proto.MarshalOptions{Deterministic: true}.Marshal(s2)
	for range 2 {
		r, err := step(2, envtest.Gold(4))
		b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(r)
		if err != nil || string(a) != string(b) {
			t.Fatalf("retried final step differs: %v, %v", r, err)
		}
	}
	_, err = h.env.Step(ctx, &pb.StepRequest{EpisodeId: rr.GetEpisodeId(), Action: &pb.Message{Content: "more"}})
	wantCode(t, err, codes.FailedPrecondition, "ended")
	_, err = h.env.Step(ctx, &pb.StepRequest{EpisodeId: "nope", Action: &pb.Message{Content: "x"}})
	wantCode(t, err, codes.NotFound, "nope")
	if _, err := h.env.Close(ctx, &pb.CloseRequest{EpisodeId: rr.GetEpisodeId()}); err != nil {
		t.Fatal(err)
	}
}

func TestBadInputNamesTheField(t *testing.T) {
	h := start(t, true, envtest.NewFake(10))
	ctx := context.Background()
	rr, err := h.env.Reset(ctx, &pb.ResetRequest{Env: "fake", ExampleId: "1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.env.Step(ctx, &pb.StepRequest{EpisodeId: rr.GetEpisodeId(), Action: &pb.Message{Content: "3"}}); err != nil {
		t.Fatal(err)
	}
	ref := &pb.ScoreRequest_ExampleRef{ExampleRef: &pb.ExampleRef{ExampleId: "1"}}
	big := strings.Repeat("x", 10<<20)
	tests := []struct {
		name    string
		call    func() error
		code    codes.Code
		mention string
	}{
		{"unknown env", func() error { _, err := h.env.Reset(ctx, &pb.ResetRequest{Env: "nope"}); return err }, codes.NotFound, "fake"},
		{"unknown example", func() error { _, err := h.env.Reset(ctx, &pb.ResetRequest{Env: "fake", ExampleId: "99"}); return err }, codes.NotFound, "99"},
		{"both id and index", func() error {
			_, err := h.env.Reset(ctx, &pb.ResetRequest{Env: "fake", ExampleId: "1", Index: proto.Int64(1)})
			return err
		}, codes.InvalidArgument, "index"},
		{"malformed options", func() error {
			_, err := h.env.Reset(ctx, &pb.ResetRequest{Env: "fake", OptionsJson: `{"turns": `})
			return err
		}, codes.InvalidArgument, "options"},
		{"mistyped option", func() error {
			_, err := h.env.Reset(ctx, &pb.ResetRequest{Env: "fake", OptionsJson: `{"turns": "abc"}`})
			return err
		}, codes.InvalidArgument, `options.turns: want integer, got "abc"`},
		{"option of another env", func() error {
			_, err := h.env.Reset(ctx, &pb.ResetRequest{Env: "fake", OptionsJson: `{"one_shot": true}`})
			return err
		}, codes.InvalidArgument, "options.one_shot"},
		{"10 MB completion", func() error {
			_, err := h.env.Score(ctx, &pb.ScoreRequest{Env: "fake", Example: ref, Completion: &pb.ScoreRequest_CompletionText{CompletionText: big}})
			return err
		}, codes.InvalidArgument, "completion_text: 10485760 bytes exceed the limit of 1048576"},
		{"invalid UTF-8", func() error {
			_, err := h.env.Score(ctx, &pb.ScoreRequest{Env: "fake", Example: ref, Completion: &pb.ScoreRequest_CompletionText{CompletionText: "ok \xff"}})
			return err
		}, codes.InvalidArgument, "completion_text: invalid UTF-8"},
		{"invalid UTF-8 in a message", func() error {
			_, err := h.env.Score(ctx, &pb.ScoreRequest{Env: "fake", Example: ref, Completion: &pb.ScoreRequest_CompletionMessages{
				CompletionMessages: &pb.Messages{Messages: []*pb.Message{{Role: "assistant", Content: "a"}, {Role: "assistant", ToolCalls: []*pb.ToolCall{{Arguments: "\xc3"}}}}}}})
			return err
		}, codes.InvalidArgument, "completion_messages.messages[1].tool_calls[0].arguments"},
		{"no completion", func() error { _, err := h.env.Score(ctx, &pb.ScoreRequest{Env: "fake", Example: ref}); return err }, codes.InvalidArgument, "completion"},
		{"stepping a finished episode", func() error {
			_, err := h.env.Step(ctx, &pb.StepRequest{EpisodeId: rr.GetEpisodeId(), Action: &pb.Message{Content: "3"}})
			return err
		}, codes.FailedPrecondition, "ended"},
		{"run group", func() error {
			s, err := h.env.RunGroup(ctx, &pb.RunGroupRequest{Env: "fake"})
			if err != nil {
				return err
			}
			_, err = s.Recv()
			return err
		}, codes.Unimplemented, "not implemented"},
		{"tools disabled", func() error {
			_, err := h.tools.Execute(ctx, &pb.ExecuteRequest{Tool: "calculator", Arguments: "1+1"})
			return err
		}, codes.FailedPrecondition, "disabled"},
	}
	// Good calls keep being served while bad ones fail.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var goodErr error
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			r, err := h.env.Score(ctx, &pb.ScoreRequest{Env: "fake", Example: ref, Completion: &pb.ScoreRequest_CompletionText{CompletionText: "3"}})
			if err != nil || r.GetReward().GetValue() != 1 {
				goodErr = fmt.Errorf("good call failed: %v %v", r, err)
				return
			}
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.call(), tt.code, tt.mention) })
	}
	close(stop)
	wg.Wait()
	if goodErr != nil {
		t.Fatal(goodErr)
	}
}

func TestInlineExampleIsInvalidInputStatus(t *testing.T) {
	h := start(t, true, envtest.NewFake(10))
	ctx := context.Background()
	for _, give := range []string{`{}`, `not json`, `[1]`} {
		r, err := h.env.Score(ctx, &pb.ScoreRequest{Env: "fake", Example: &pb.ScoreRequest_ExampleJson{ExampleJson: give},
			Completion: &pb.ScoreRequest_CompletionText{CompletionText: "3"}})
		if err != nil || r.GetReward().GetStatus() != pb.RewardStatus_REWARD_STATUS_INVALID_INPUT || !strings.Contains(r.GetReward().GetDetail(), "example") {
			t.Errorf("inline %s: %v, %v", give, r, err)
		}
	}
}

func TestScoreBatch10000(t *testing.T) {
	h := start(t, true, envtest.NewFake(50))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stream, err := h.env.ScoreBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const n = 10_000
	want := map[string]rewards.Status{}
	var sendErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		defer stream.CloseSend()
		for i := range n {
			id := fmt.Sprintf("r%d", i)
			req := &pb.ScoreBatchRequest{RequestId: id, Env: "fake",
				Example:    &pb.ScoreBatchRequest_ExampleRef{ExampleRef: &pb.ExampleRef{ExampleId: fmt.Sprint(i % 50)}},
				Completion: &pb.ScoreBatchRequest_CompletionText{CompletionText: envtest.Gold(i % 50)}}
			st := rewards.Scored
			switch i % 100 {
			case 7:
				req.Env = "nope"
				st = rewards.InvalidInput
			case 8:
				req.Completion = &pb.ScoreBatchRequest_CompletionText{CompletionText: "\xff"}
				st = rewards.InvalidInput
			case 9:
				req.OptionsJson = `{"bogus": 1}`
				st = rewards.InvalidInput
			}
			want[id] = st
			if sendErr = stream.Send(req); sendErr != nil {
				return
			}
		}
	})
	got := map[string]*pb.Reward{}
	for {
		res, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Recv after %d results: %v", len(got), err)
		}
		if _, dup := got[res.GetRequestId()]; dup {
			t.Fatalf("duplicate result %s", res.GetRequestId())
		}
		got[res.GetRequestId()] = res.GetReward()
	}
	wg.Wait()
	if sendErr != nil {
		t.Fatal(sendErr)
	}
	if len(got) != n {
		t.Fatalf("%d results, want %d", len(got), n)
	}
	bad := 0
	for id, st := range want {
		r := got[id]
		if st == rewards.Scored {
			if r.GetStatus() != pb.RewardStatus_REWARD_STATUS_SCORED || r.GetValue() != 1 {
				t.Fatalf("%s: %v", id, r)
			}
			continue
		}
		bad++
		if r.GetStatus() != pb.RewardStatus_REWARD_STATUS_INVALID_INPUT || r.GetDetail() == "" {
			t.Fatalf("%s: %v, want INVALID_INPUT", id, r)
		}
	}
	if bad != 300 {
		t.Fatalf("%d bad items, want 300", bad)
	}
}

// panicEnv panics in Score, to check that a bug is confined to its call.
type panicEnv struct{ envtest.FakeEnv }

func (p *panicEnv) Info() envs.Info {
	i := p.FakeEnv.Info()
	i.Name, i.Aliases = "panic", nil
	return i
}
func (p *panicEnv) Score(context.Context, envs.ScoreRequest) (rewards.Reward, error) { panic("boom") }

func TestPanicIsInternal(t *testing.T) {
	h := start(t, true, envtest.NewFake(3), func(context.Context, envs.Settings) (envs.Env, error) {
		return &panicEnv{envtest.FakeEnv{N: 3}}, nil
	})
	ctx := context.Background()
	ref := &pb.ScoreRequest_ExampleRef{ExampleRef: &pb.ExampleRef{ExampleId: "1"}}
	_, err := h.env.Score(ctx, &pb.ScoreRequest{Env: "panic", Example: ref, Completion: &pb.ScoreRequest_CompletionText{CompletionText: "3"}})
	wantCode(t, err, codes.Internal, "internal error")
	r, err := h.env.Score(ctx, &pb.ScoreRequest{Env: "fake", Example: ref, Completion: &pb.ScoreRequest_CompletionText{CompletionText: "3"}})
	if err != nil || r.GetReward().GetValue() != 1 {
		t.Fatalf("server not serving after a panic: %v %v", r, err)
	}
	stream, err := h.env.ScoreBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_ = stream.Send(&pb.ScoreBatchRequest{RequestId: "p", Env: "panic", Example: &pb.ScoreBatchRequest_ExampleRef{ExampleRef: &pb.ExampleRef{ExampleId: "1"}},
		Completion: &pb.ScoreBatchRequest_CompletionText{CompletionText: "3"}})
	_ = stream.CloseSend()
	res, err := stream.Recv()
	if err != nil || res.GetReward().GetStatus() != pb.RewardStatus_REWARD_STATUS_INTERNAL {
		t.Fatalf("batch panic item = %v, %v", res, err)
	}
}
