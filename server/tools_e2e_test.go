package server_test

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	pb "github.com/medarc-ai/medmarks-t/proto/medmarks/v1"
	"github.com/medarc-ai/medmarks-t/sandbox"
	"github.com/medarc-ai/medmarks-t/sandbox/sandboxtest"
	"github.com/medarc-ai/medmarks-t/server"
)

// startTools serves ToolService over the real bubblewrap sandbox.
func startTools(t *testing.T, cfg sandbox.Config) pb.ToolServiceClient {
	t.Helper()
	tb, err := sandbox.NewToolbox(cfg, sandboxtest.Bwrap(t, false), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := tb.Start(ctx); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.DefaultConfig(), server.Deps{Tools: tb})
	if err != nil {
		t.Fatal(err)
	}
	lis := bufconn.Listen(1 << 20)
	var wg sync.WaitGroup
	wg.Go(func() { _ = srv.Serve(lis) })
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(context.Context, string) (net.Conn, error) { return lis.Dial() }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Close()
		srv.Shutdown(ctx)
		wg.Wait()
		_ = tb.Shutdown(ctx)
	})
	return pb.NewToolServiceClient(conn)
}

func TestToolServiceOverTheRealSandbox(t *testing.T) {
	cfg := sandbox.DefaultConfig()
	cfg.MaxSessions = 3
	tc := startTools(t, cfg)
	ctx := context.Background()
	exec := func(tool, args, session string) (*pb.ExecuteResponse, error) {
		return tc.Execute(ctx, &pb.ExecuteRequest{Tool: tool, Arguments: args, SessionId: session})
	}
	tests := []struct {
		name, tool, args, session string
		wantStatus                pb.ToolStatus
		wantOutput                string
	}{
		{"calculator", "calculator", "0.1+0.2", "", pb.ToolStatus_TOOL_STATUS_OK, "0.30000000000000004"},
		{"calculator error", "calculator", "1/0", "", pb.ToolStatus_TOOL_STATUS_ERROR, "division by zero"},
		{"define in a session", "python", "x = 6 * 7\nprint(x)", "s1", pb.ToolStatus_TOOL_STATUS_OK, "42"},
		{"the session keeps it", "python", "print(x + 1)", "s1", pb.ToolStatus_TOOL_STATUS_OK, "43"},
		{"another session does not see it", "python", "print(x)", "s2", pb.ToolStatus_TOOL_STATUS_ERROR, "NameError"},
		{"no session: a fresh interpreter", "python", "print(x)", "", pb.ToolStatus_TOOL_STATUS_ERROR, "NameError"},
		{"numpy is there", "python", "import numpy as np\nprint(np.arange(4).sum())", "s1", pb.ToolStatus_TOOL_STATUS_OK, "6"},
		{"os is not", "python", "import os", "s1", pb.ToolStatus_TOOL_STATUS_REJECTED, "not available"},
	}
	for _, tt := range tests {
		r, err := exec(tt.tool, tt.args, tt.session)
		if err != nil || r.GetStatus() != tt.wantStatus || !strings.Contains(r.GetOutput(), tt.wantOutput) || r.GetElapsed() == nil {
			t.Errorf("%s: %v %v; want %v with %q", tt.name, r, err, tt.wantStatus, tt.wantOutput)
		}
	}
	if _, err := tc.CloseSession(ctx, &pb.CloseSessionRequest{SessionId: "s1"}); err != nil {
		t.Fatal(err)
	}
	if r, err := exec("python", "print(x)", "s1"); err != nil || r.GetStatus() != pb.ToolStatus_TOOL_STATUS_ERROR {
		t.Errorf("after CloseSession: %v %v", r, err)
	}
	// Bad calls get codes.
	_, err := exec("shell", "ls", "")
	wantCode(t, err, codes.InvalidArgument, "unknown tool")
	_, err = exec("python", "print('\xff')", "")
	wantCode(t, err, codes.InvalidArgument, "arguments: invalid UTF-8")
	// All sessions in use: Execute does not queue.
	for _, s := range []string{"s1", "s2"} {
		if _, err := tc.CloseSession(ctx, &pb.CloseSessionRequest{SessionId: s}); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []string{"a", "b", "c"} {
		if _, err := exec("python", "y = 1", s); err != nil {
			t.Fatalf("session %s of 3: %v", s, err)
		}
	}
	_, err = exec("python", "y = 1", "d")
	wantCode(t, err, codes.ResourceExhausted, "")
}
