package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/medarc-ai/medmarks-t/proto/medmarks/v1"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds medmarks once per test run.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "medmarks-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "medmarks")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = err
			binPath = string(out)
		}
	})
	if binErr != nil {
		t.Fatalf("go build: %v\n%s", binErr, binPath)
	}
	return binPath
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// process is a running `medmarks serve`.
type process struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	conn   *grpc.ClientConn
}

func startServe(t *testing.T, addr, store string, extra ...string) *process {
	t.Helper()
	args := append([]string{"serve", "--listen", addr, "--store", store}, extra...)
	cmd := exec.Command(binary(t), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, stderr: &stderr}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	p.conn = conn
	hc := healthpb.NewHealthClient(conn)
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		r, err := hc.Check(ctx, &healthpb.HealthCheckRequest{})
		cancel()
		if err == nil && r.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not SERVING after 30 s: %v\n%s", err, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *process) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
}

// TestKillAndRestartMidEpisode SIGKILLs the server between the turns of an
// episode and after a lost final reply: the restarted server continues the
// episode from its id, and a retried Step gets the stored reply byte for
// byte without applying it twice.
func TestKillAndRestartMidEpisode(t *testing.T) {
	addr, store := freeAddr(t), t.TempDir()
	ctx := context.Background()
	p := startServe(t, addr, store)
	env := pb.NewEnvServiceClient(p.conn)
	rr, err := env.Reset(ctx, &pb.ResetRequest{Env: "medqa", ExampleId: "0"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rr.GetObservation()[1].GetContent(), "Metformin") {
		t.Fatalf("demo row 0: %q", rr.GetObservation()[1].GetContent())
	}
	p.kill(t)

	p = startServe(t, addr, store)
	env = pb.NewEnvServiceClient(p.conn)
	step := &pb.StepRequest{EpisodeId: rr.GetEpisodeId(), Turn: proto.Uint32(1),
		Action: &pb.Message{Role: "assistant", Content: "First-line therapy.\n<answer>C</answer>"}}
	first, err := env.Step(ctx, step)
	if err != nil {
		t.Fatalf("Step after restart: %v\n%s", err, p.stderr.String())
	}
	if !first.GetTerminated() || first.GetReward().GetValue() != 1 || first.GetReward().GetEnvVersion() != "medqa@1.0.0" {
		t.Fatalf("Step after restart = %v", first)
	}
	want, _ := proto.MarshalOptions{Deterministic: true}.Marshal(first)
	// The reply is "lost": kill again, then retry the same turn.
	p.kill(t)
	p = startServe(t, addr, store)
	env = pb.NewEnvServiceClient(p.conn)
	again, err := env.Step(ctx, step)
	if err != nil {
		t.Fatalf("retried Step after restart: %v", err)
	}
	got, _ := proto.MarshalOptions{Deterministic: true}.Marshal(again)
	if !bytes.Equal(got, want) {
		t.Fatalf("retried reply differs:\n%v\n%v", again, first)
	}
	// Applied once: the next turn is refused as the episode is over.
	_, err = env.Step(ctx, &pb.StepRequest{EpisodeId: rr.GetEpisodeId(), Turn: proto.Uint32(2), Action: &pb.Message{Content: "<answer>C</answer>"}})
	if status.Code(err) != codes.FailedPrecondition {
		t.Fatalf("turn 2 of a finished episode: %v", err)
	}
	// SIGTERM drains and exits cleanly.
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, p.stderr.String())
	}
}

func TestStoreLockedByAnotherProcess(t *testing.T) {
	store := t.TempDir()
	startServe(t, freeAddr(t), store)
	cmd := exec.Command(binary(t), "serve", "--listen", freeAddr(t), "--store", store)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), store) || !strings.Contains(string(out), "in use") {
		t.Fatalf("second serve on one store: %v\n%s", err, out)
	}
}
