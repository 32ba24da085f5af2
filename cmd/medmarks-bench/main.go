// Command medmarks-bench measures the server from a separate client
// process, each figure beside a baseline measured in the same run
// (../shared/spec/common.md §11):
//
//   - Score latency (p50, p99) against grpc.health.v1.Health/Check on the
//     same connection;
//   - ScoreBatch items/s over the MCQ workload against a bare bidirectional
//     echo stream of the same request bytes.
//
// It starts `medmarks serve` (built from this module unless --medmarks is
// given) and an echo server (itself, with "echo") as child processes.
//
//	go run ./cmd/medmarks-bench --data ../shared/datasets
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/proto"

	"github.com/medarc-ai/medmarks-t/internal/workload"
	pb "github.com/medarc-ai/medmarks-t/proto/medmarks/v1"
)

func main() {
	if len(os.Args) > 2 && os.Args[1] == "echo" {
		if err := serveEcho(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "echo:", err)
			os.Exit(1)
		}
		return
	}
	data := flag.String("data", "../shared/datasets", "benchmark data (MedQA test file)")
	bin := flag.String("medmarks", "", "medmarks binary (default: go build ./cmd/medmarks)")
	calls := flag.Int("calls", 20000, "sequential calls per latency figure")
	items := flag.Int("items", 200000, "items per ScoreBatch stream")
	flag.Parse()
	if err := run(*data, *bin, *calls, *items); err != nil {
		fmt.Fprintln(os.Stderr, "medmarks-bench:", err)
		os.Exit(1)
	}
}

func run(data, bin string, calls, items int) error {
	work, err := workload.MedQA(data)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "medmarks-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if bin == "" {
		bin = filepath.Join(tmp, "medmarks")
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/medmarks").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	addr, echoAddr := freeAddr(), freeAddr()
	srv := exec.Command(bin, "serve", "--data", data, "--listen", addr, "--store", filepath.Join(tmp, "store"), "--log-level", "warn")
	srv.Stderr = os.Stderr
	self, _ := os.Executable()
	echo := exec.Command(self, "echo", echoAddr)
	for _, c := range []*exec.Cmd{srv, echo} {
		if err := c.Start(); err != nil {
			return err
		}
		defer func() { _ = c.Process.Kill(); _ = c.Wait() }()
	}
	conn, err := dial(addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := waitServing(conn); err != nil {
		return err
	}
	echoConn, err := dial(echoAddr)
	if err != nil {
		return err
	}
	defer echoConn.Close()
	fmt.Printf("workload: %d MedQA test rows, completions %d–%d bytes; GOMAXPROCS of the client %d\n",
		len(work), minLen(work), maxLen(work), runtimeProcs())

	health, score, err := latency(conn, work, calls)
	if err != nil {
		return err
	}
	fmt.Printf("\nlatency over %d sequential calls each, interleaved, one connection:\n", calls)
	fmt.Printf("  Health/Check  p50 %8.1f µs  p99 %8.1f µs\n", us(pct(health, 50)), us(pct(health, 99)))
	fmt.Printf("  Score         p50 %8.1f µs  p99 %8.1f µs   (p50 ratio to health %.2f)\n",
		us(pct(score, 50)), us(pct(score, 99)), float64(pct(score, 50))/float64(pct(health, 50)))

	reqs := batchRequests(work, items)
	echoRate, err := echoThroughput(echoConn, reqs)
	if err != nil {
		return err
	}
	rate, err := batchThroughput(conn, reqs)
	if err != nil {
		return err
	}
	fmt.Printf("\nScoreBatch, one stream of %d items:\n", items)
	fmt.Printf("  echo of the same request bytes  %10.0f messages/s\n", echoRate)
	fmt.Printf("  ScoreBatch (MedQA, graded)      %10.0f items/s   (ratio to echo %.2f)\n", rate, rate/echoRate)

	rss0 := rssMiB(srv.Process.Pid)
	open, steps, resetRate, err := episodes(conn, work, 10000)
	if err != nil {
		return err
	}
	fmt.Printf("\nepisodes: %d MedQA episodes opened (%0.f Resets/s, 4 clients), server RSS %.0f MiB before, %.0f MiB with them open\n",
		open, resetRate, rss0, rssMiB(srv.Process.Pid))
	fmt.Printf("  Step at that load (4 clients)  p50 %8.1f µs  p99 %8.1f µs\n", us(pct(steps, 50)), us(pct(steps, 99)))
	return nil
}

// episodes opens n MedQA episodes (written through to Badger), then steps
// each to its end, 4 clients at a time, timing every Step.
func episodes(conn *grpc.ClientConn, work []workload.Item, n int) (int, []time.Duration, float64, error) {
	ctx := context.Background()
	ec := pb.NewEnvServiceClient(conn)
	ids := make([]string, n)
	const clients = 4
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := range clients {
		wg.Go(func() {
			for i := c; i < n; i += clients {
				r, err := ec.Reset(ctx, &pb.ResetRequest{Env: "medqa", ExampleId: work[i%len(work)].ExampleID})
				if err != nil {
					errs <- err
					return
				}
				ids[i] = r.GetEpisodeId()
			}
		})
	}
	wg.Wait()
	resetRate := float64(n) / time.Since(start).Seconds()
	select {
	case err := <-errs:
		return 0, nil, 0, err
	default:
	}
	lat := make([][]time.Duration, clients)
	for c := range clients {
		wg.Go(func() {
			for i := c; i < n; i += clients {
				it := work[i%len(work)]
				t0 := time.Now()
				_, err := ec.Step(ctx, &pb.StepRequest{EpisodeId: ids[i], Turn: proto.Uint32(1), Action: &pb.Message{Role: "assistant", Content: it.Completion}})
				lat[c] = append(lat[c], time.Since(t0))
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		return 0, nil, 0, err
	default:
	}
	return n, slices.Concat(lat...), resetRate, nil
}

// rssMiB reads a process's resident memory from /proc.
func rssMiB(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func freeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func dial(addr string) (*grpc.ClientConn, error) {
	return grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20)))
}

func waitServing(conn *grpc.ClientConn) error {
	hc := healthpb.NewHealthClient(conn)
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		r, err := hc.Check(ctx, &healthpb.HealthCheckRequest{})
		cancel()
		if err == nil && r.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("the server did not report SERVING within a minute")
}

// latency alternates Health/Check and Score calls so both see the same
// machine noise.
func latency(conn *grpc.ClientConn, work []workload.Item, n int) (health, score []time.Duration, err error) {
	ctx := context.Background()
	hc, ec := healthpb.NewHealthClient(conn), pb.NewEnvServiceClient(conn)
	for i := range n + 1000 {
		it := work[i%len(work)]
		t0 := time.Now()
		if _, err := hc.Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
			return nil, nil, err
		}
		t1 := time.Now()
		r, err := ec.Score(ctx, &pb.ScoreRequest{Env: "medqa", Example: &pb.ScoreRequest_ExampleRef{ExampleRef: &pb.ExampleRef{ExampleId: it.ExampleID}},
			Completion: &pb.ScoreRequest_CompletionText{CompletionText: it.Completion}})
		t2 := time.Now()
		if err != nil {
			return nil, nil, err
		}
		if want := map[bool]float64{true: 1, false: 0}[it.Correct]; r.GetReward().GetValue() != want && it.ExampleID != "709" {
			return nil, nil, fmt.Errorf("row %s scored %v, want %v", it.ExampleID, r.GetReward().GetValue(), want)
		}
		if i >= 1000 { // warm-up done
			health, score = append(health, t1.Sub(t0)), append(score, t2.Sub(t1))
		}
	}
	return health, score, nil
}

func batchRequests(work []workload.Item, n int) []*pb.ScoreBatchRequest {
	reqs := make([]*pb.ScoreBatchRequest, n)
	for i := range reqs {
		it := work[i%len(work)]
		reqs[i] = &pb.ScoreBatchRequest{RequestId: fmt.Sprint(i), Env: "medqa",
			Example:    &pb.ScoreBatchRequest_ExampleRef{ExampleRef: &pb.ExampleRef{ExampleId: it.ExampleID}},
			Completion: &pb.ScoreBatchRequest_CompletionText{CompletionText: it.Completion}}
	}
	return reqs
}

func batchThroughput(conn *grpc.ClientConn, reqs []*pb.ScoreBatchRequest) (float64, error) {
	stream, err := pb.NewEnvServiceClient(conn).ScoreBatch(context.Background())
	if err != nil {
		return 0, err
	}
	start := time.Now()
	var sendErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		defer stream.CloseSend()
		for _, r := range reqs {
			if sendErr = stream.Send(r); sendErr != nil {
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
			return 0, err
		}
		if res.GetReward().GetStatus() != pb.RewardStatus_REWARD_STATUS_SCORED {
			return 0, fmt.Errorf("item %s: %v", res.GetRequestId(), res.GetReward())
		}
		got++
	}
	wg.Wait()
	if sendErr != nil || got != len(reqs) {
		return 0, fmt.Errorf("%d of %d results (send: %v)", got, len(reqs), sendErr)
	}
	return float64(got) / time.Since(start).Seconds(), nil
}

func echoThroughput(conn *grpc.ClientConn, reqs []*pb.ScoreBatchRequest) (float64, error) {
	msgs := make([][]byte, len(reqs))
	for i, r := range reqs {
		b, err := proto.Marshal(r)
		if err != nil {
			return 0, err
		}
		msgs[i] = b
	}
	stream, err := conn.NewStream(context.Background(), &echoDesc.Streams[0], "/medmarks.bench.Echo/Stream", grpc.ForceCodecV2(rawCodec{}))
	if err != nil {
		return 0, err
	}
	start := time.Now()
	var sendErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		defer stream.CloseSend()
		for i := range msgs {
			if sendErr = stream.SendMsg(&msgs[i]); sendErr != nil {
				return
			}
		}
	})
	got := 0
	var b []byte
	for {
		err := stream.RecvMsg(&b)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
		got++
	}
	wg.Wait()
	if sendErr != nil || got != len(msgs) {
		return 0, fmt.Errorf("echo: %d of %d (send: %v)", got, len(msgs), sendErr)
	}
	return float64(got) / time.Since(start).Seconds(), nil
}

func pct(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 }

func minLen(w []workload.Item) int {
	m := len(w[0].Completion)
	for _, it := range w {
		m = min(m, len(it.Completion))
	}
	return m
}

func maxLen(w []workload.Item) int {
	m := 0
	for _, it := range w {
		m = max(m, len(it.Completion))
	}
	return m
}
