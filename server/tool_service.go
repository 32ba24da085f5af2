package server

import (
	"context"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/medarc-ai/medmarks-t/envs"
	pb "github.com/medarc-ai/medmarks-t/proto/medmarks/v1"
	"github.com/medarc-ai/medmarks-t/sandbox"
)

var toolStatusToPB = map[sandbox.Status]pb.ToolStatus{
	sandbox.OK:          pb.ToolStatus_TOOL_STATUS_OK,
	sandbox.Error:       pb.ToolStatus_TOOL_STATUS_ERROR,
	sandbox.Timeout:     pb.ToolStatus_TOOL_STATUS_TIMEOUT,
	sandbox.MemoryLimit: pb.ToolStatus_TOOL_STATUS_MEMORY_LIMIT,
	sandbox.OutputLimit: pb.ToolStatus_TOOL_STATUS_OUTPUT_LIMIT,
	sandbox.Rejected:    pb.ToolStatus_TOOL_STATUS_REJECTED,
}

var errNoTools = status.Error(codes.FailedPrecondition, "tools are disabled on this server (the sandbox is not configured)")

// Execute runs one tool call apart from any episode.
func (s *Server) Execute(ctx context.Context, r *pb.ExecuteRequest) (*pb.ExecuteResponse, error) {
	if s.tools == nil {
		return nil, errNoTools
	}
	start := time.Now()
	out, err := s.tools.Execute(ctx, r.GetTool(), r.GetArguments(), r.GetSessionId())
	if err != nil {
		return nil, statusOf(s.log, err)
	}
	if out.Elapsed == 0 {
		out.Elapsed = time.Since(start)
	}
	return &pb.ExecuteResponse{Output: envs.ValidUTF8(out.Output), Status: toolStatusToPB[out.Status], Elapsed: durationpb.New(out.Elapsed)}, nil
}

// CloseSession discards a ToolService session.
func (s *Server) CloseSession(ctx context.Context, r *pb.CloseSessionRequest) (*pb.CloseSessionResponse, error) {
	if s.tools == nil {
		return nil, errNoTools
	}
	if err := s.tools.CloseSession(ctx, r.GetSessionId()); err != nil {
		return nil, statusOf(s.log, err)
	}
	return &pb.CloseSessionResponse{}, nil
}
