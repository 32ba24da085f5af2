package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/batch"
	pb "github.com/medarc-ai/medmarks-t/proto/medmarks/v1"
	"github.com/medarc-ai/medmarks-t/sandbox"
	"github.com/medarc-ai/medmarks-t/server/episodes"
)

// Config is the server section of the config file (../spec/common.md §9).
type Config struct {
	Listen             string        `yaml:"listen"`
	MaxRecvBytes       int           `yaml:"max_recv_bytes"`
	MaxCompletionBytes int           `yaml:"max_completion_bytes"`
	ScoreDeadline      time.Duration `yaml:"score_deadline"`
	// BatchWindow bounds the items in flight per ScoreBatch stream.
	BatchWindow int `yaml:"batch_window"`
	// BatchWorkers is the number of items scored at once per stream; judged
	// items spend most of their time waiting, so it is well above the cores.
	BatchWorkers int `yaml:"batch_workers"`
	// ShutdownGrace is how long SIGTERM waits for in-flight calls.
	ShutdownGrace time.Duration `yaml:"shutdown_grace"`
}

// DefaultConfig returns the spec's limits, listening on loopback.
func DefaultConfig() Config {
	return Config{Listen: "127.0.0.1:50051", MaxRecvBytes: 16 << 20, MaxCompletionBytes: 1 << 20,
		ScoreDeadline: 10 * time.Minute, BatchWindow: 1024, BatchWorkers: 128, ShutdownGrace: 30 * time.Second}
}

// Validate checks every field.
func (c Config) Validate() error {
	var errs []error
	if c.Listen == "" {
		errs = append(errs, errors.New("listen: required"))
	}
	if c.MaxRecvBytes < 1<<10 {
		errs = append(errs, errors.New("max_recv_bytes: want ≥ 1024"))
	}
	if c.MaxCompletionBytes <= 0 {
		errs = append(errs, errors.New("max_completion_bytes: want > 0"))
	}
	if c.ScoreDeadline <= 0 {
		errs = append(errs, errors.New("score_deadline: want > 0"))
	}
	if c.BatchWindow <= 0 {
		errs = append(errs, errors.New("batch_window: want > 0"))
	}
	if c.BatchWorkers <= 0 {
		errs = append(errs, errors.New("batch_workers: want > 0"))
	}
	return errors.Join(errs...)
}

// Tools runs ToolService calls (*sandbox.Toolbox); nil disables them.
type Tools interface {
	Execute(ctx context.Context, tool, input, session string) (sandbox.Result, error)
	CloseSession(ctx context.Context, session string) error
}

// Server serves EnvService, ToolService, health and reflection.
type Server struct {
	pb.UnimplementedEnvServiceServer
	pb.UnimplementedToolServiceServer

	cfg     Config
	log     *zap.Logger
	grpc    *grpc.Server
	health  *health.Server
	tools   Tools
	metrics *metrics
	state   atomic.Pointer[ready]
}

// ready is what the server serves once the data is loaded.
type ready struct {
	reg    *envs.Registry
	eps    *episodes.Manager
	scorer batch.Scorer
	opts   *optionCache
}

// Deps are the server's collaborators, set by cmd/medmarks.
type Deps struct {
	Log *zap.Logger
	// Tools serves ToolService; nil disables it (FAILED_PRECONDITION).
	Tools Tools
	// Metrics receives the RPC and batch metrics; nil: none are kept.
	Metrics prometheus.Registerer
}

// New builds a server that answers UNAVAILABLE until Ready.
func New(cfg Config, d Deps, extra ...grpc.ServerOption) (*Server, error) {
	if d.Log == nil {
		d.Log = zap.NewNop()
	}
	s := &Server{cfg: cfg, log: d.Log, tools: d.Tools, health: health.NewServer(), metrics: newMetrics()}
	var rpc *grpcprom.ServerMetrics
	if d.Metrics != nil {
		rpc = grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram())
		for _, c := range append([]prometheus.Collector{rpc}, s.metrics.collectors()...) {
			if err := d.Metrics.Register(c); err != nil {
				return nil, fmt.Errorf("server metrics: %w", err)
			}
		}
	}
	opts := append([]grpc.ServerOption{grpc.MaxRecvMsgSize(cfg.MaxRecvBytes)}, s.interceptors(rpc)...)
	s.grpc = grpc.NewServer(append(opts, extra...)...)
	pb.RegisterEnvServiceServer(s.grpc, s)
	pb.RegisterToolServiceServer(s.grpc, s)
	healthpb.RegisterHealthServer(s.grpc, s.health)
	reflection.Register(s.grpc)
	if rpc != nil {
		rpc.InitializeMetrics(s.grpc)
	}
	s.setServing(healthpb.HealthCheckResponse_NOT_SERVING)
	return s, nil
}

func (s *Server) setServing(st healthpb.HealthCheckResponse_ServingStatus) {
	for _, name := range []string{"", pb.EnvService_ServiceDesc.ServiceName, pb.ToolService_ServiceDesc.ServiceName} {
		s.health.SetServingStatus(name, st)
	}
}

// Ready starts serving the loaded registry and reports SERVING.
func (s *Server) Ready(reg *envs.Registry, eps *episodes.Manager) {
	s.state.Store(&ready{reg: reg, eps: eps, opts: newOptionCache(),
		scorer: batch.Scorer{Deadline: s.cfg.ScoreDeadline, Log: s.log.Named("score")}})
	s.setServing(healthpb.HealthCheckResponse_SERVING)
}

// Serve accepts connections on lis until Shutdown.
func (s *Server) Serve(lis net.Listener) error { return s.grpc.Serve(lis) }

// Shutdown reports NOT_SERVING, then drains in-flight calls for up to the
// grace period (or until ctx ends) before cutting the rest.
func (s *Server) Shutdown(ctx context.Context) {
	s.health.Shutdown()
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ShutdownGrace)
	defer cancel()
	done := make(chan struct{})
	go func() {
		s.grpc.GracefulStop()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		s.log.Warn("shutdown grace over: cutting the calls still running")
		s.grpc.Stop()
		<-done
	}
}

func (s *Server) loaded() (*ready, error) {
	r := s.state.Load()
	if r == nil {
		return nil, errLoading
	}
	return r, nil
}
