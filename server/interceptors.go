package server

import (
	"context"
	"fmt"
	"runtime/debug"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/logging"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// zapLogger adapts zap to the middleware's logger (the pattern of
// go-grpc-middleware's zap example).
func zapLogger(l *zap.Logger) logging.Logger {
	return logging.LoggerFunc(func(_ context.Context, lvl logging.Level, msg string, fields ...any) {
		zf := make([]zap.Field, 0, len(fields)/2)
		for i := 0; i+1 < len(fields); i += 2 {
			zf = append(zf, zap.Any(fmt.Sprint(fields[i]), fields[i+1]))
		}
		switch lvl {
		case logging.LevelDebug:
			l.Debug(msg, zf...)
		case logging.LevelInfo:
			l.Info(msg, zf...)
		case logging.LevelWarn:
			l.Warn(msg, zf...)
		default:
			l.Error(msg, zf...)
		}
	})
}

// callLevel logs successful calls at Debug (a trainer makes thousands per
// second) and failures by how much an operator should care.
func callLevel(c codes.Code) logging.Level {
	switch c {
	case codes.OK:
		return logging.LevelDebug
	case codes.Canceled, codes.InvalidArgument, codes.NotFound, codes.AlreadyExists, codes.FailedPrecondition,
		codes.OutOfRange, codes.DeadlineExceeded, codes.ResourceExhausted, codes.Unauthenticated, codes.PermissionDenied:
		return logging.LevelInfo
	case codes.Unavailable, codes.Aborted:
		return logging.LevelWarn
	}
	return logging.LevelError
}

func (s *Server) interceptors(rpc *grpcprom.ServerMetrics) []grpc.ServerOption {
	lopts := []logging.Option{logging.WithLogOnEvents(logging.FinishCall), logging.WithLevels(callLevel)}
	ropts := []recovery.Option{recovery.WithRecoveryHandlerContext(func(_ context.Context, p any) error {
		s.log.Error("panic in a handler", zap.Any("panic", p), zap.ByteString("stack", debug.Stack()))
		return status.Error(codes.Internal, "internal error; details are in the server log")
	})}
	lg := zapLogger(s.log.Named("grpc"))
	var unary []grpc.UnaryServerInterceptor
	var stream []grpc.StreamServerInterceptor
	if rpc != nil {
		unary = append(unary, rpc.UnaryServerInterceptor())
		stream = append(stream, rpc.StreamServerInterceptor())
	}
	unary = append(unary, logging.UnaryServerInterceptor(lg, lopts...), recovery.UnaryServerInterceptor(ropts...), s.validateUnary)
	stream = append(stream, logging.StreamServerInterceptor(lg, lopts...), recovery.StreamServerInterceptor(ropts...))
	return []grpc.ServerOption{grpc.ChainUnaryInterceptor(unary...), grpc.ChainStreamInterceptor(stream...)}
}

// validateUnary runs the request's own validation before the handler.
func (s *Server) validateUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	if err := s.validate(req); err != nil {
		return nil, statusOf(s.log, err)
	}
	return h(ctx, req)
}
