package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/medarc-ai/medmarks-t/envs/envtest"
	pb "github.com/medarc-ai/medmarks-t/proto/medmarks/v1"
)

// TestShutdownDrains: Shutdown reports NOT_SERVING at once, and a stream
// in flight is served to its end before the server stops.
func TestShutdownDrains(t *testing.T) {
	h := start(t, true, envtest.NewFake(10))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stream, err := h.env.ScoreBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	send := func(i int) error {
		return stream.Send(&pb.ScoreBatchRequest{RequestId: fmt.Sprint(i), Env: "fake",
			Example:    &pb.ScoreBatchRequest_ExampleRef{ExampleRef: &pb.ExampleRef{ExampleId: "1"}},
			Completion: &pb.ScoreBatchRequest_CompletionText{CompletionText: "3"}})
	}
	if err := send(0); err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		h.srv.Shutdown(context.Background())
		close(done)
	})
	// NOT_SERVING from the start of the shutdown (or, once the connection
	// has its GOAWAY, no new call at all).
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := h.health.Check(ctx, &healthpb.HealthCheckRequest{})
		if err == nil && r.GetStatus() == healthpb.HealthCheckResponse_NOT_SERVING || status.Code(err) == codes.Unavailable {
			break
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("health during shutdown: %v %v", r.GetStatus(), err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case <-done:
		t.Fatal("Shutdown returned while a stream was in flight")
	default:
	}
	// The stream in flight still gets every answer.
	for i := 1; i <= 100; i++ {
		if err := send(i); err != nil {
			t.Fatalf("send %d during shutdown: %v", i, err)
		}
	}
	_ = stream.CloseSend()
	got := 0
	for {
		res, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("recv during shutdown: %v", err)
		}
		if res.GetReward().GetValue() != 1 {
			t.Fatalf("item %s: %v", res.GetRequestId(), res.GetReward())
		}
		got++
	}
	if got != 100 {
		t.Fatalf("%d answers during shutdown, want 100", got)
	}
	<-done
	wg.Wait()
}
