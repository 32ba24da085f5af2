package server

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"sync"
	"sync/atomic"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medarc-ai/medmarks-t/envs"
	pb "github.com/medarc-ai/medmarks-t/proto/medmarks/v1"
	"github.com/medarc-ai/medmarks-t/server/episodes"
)

// validate dispatches a unary request to its check in validate.go.
func (s *Server) validate(req any) error {
	switch r := req.(type) {
	case *pb.ResetRequest:
		return validateReset(r)
	case *pb.StepRequest:
		return validateStep(r, s.cfg.MaxCompletionBytes)
	case *pb.CloseRequest:
		return validateClose(r)
	case *pb.ScoreRequest:
		return scoreInputOf(r).validate(s.cfg.MaxCompletionBytes)
	case *pb.ExecuteRequest:
		return validateExecute(r)
	case *pb.CloseSessionRequest:
		return validateCloseSession(r)
	}
	return nil
}

// ListEnvs describes every env.
func (s *Server) ListEnvs(context.Context, *pb.ListEnvsRequest) (*pb.ListEnvsResponse, error) {
	st, err := s.loaded()
	if err != nil {
		return nil, err
	}
	out := &pb.ListEnvsResponse{}
	for _, e := range st.reg.All() {
		out.Envs = append(out.Envs, envInfoToPB(e))
	}
	return out, nil
}

// Reset starts an episode.
func (s *Server) Reset(ctx context.Context, r *pb.ResetRequest) (*pb.ResetResponse, error) {
	st, err := s.loaded()
	if err != nil {
		return nil, err
	}
	e, err := st.reg.Lookup(r.GetEnv())
	if err != nil {
		return nil, statusOf(s.log, err)
	}
	opts, err := st.opts.parse(e, r.GetOptionsJson())
	if err != nil {
		return nil, statusOf(s.log, err)
	}
	seed := drawSeed()
	if r.Seed != nil {
		seed = *r.Seed
	}
	res, err := st.eps.Reset(ctx, e, envs.ResetRequest{Split: r.GetSplit(), ExampleID: r.GetExampleId(), Index: r.Index, Seed: seed, Options: opts})
	if err != nil {
		return nil, statusOf(s.log, err)
	}
	return &pb.ResetResponse{
		EpisodeId:   res.EpisodeID,
		Observation: messagesToPB(res.Start.Observation),
		Tools:       toolSpecsToPB(res.Start.Tools),
		ExampleId:   envs.ValidUTF8(res.Start.ExampleID),
		Split:       res.Start.Split,
		Seed:        proto.Uint64(res.Seed),
		NextTurn:    res.NextTurn,
		Limits:      &pb.EpisodeLimits{MaxTurns: uint32(res.Start.MaxTurns), Deadline: timestamppb.New(res.Deadline)},
	}, nil
}

// drawSeed draws a seed for a Reset that gave none; it is returned so the
// episode can be reproduced.
func drawSeed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

// Step applies one action, or returns the stored reply of a retry.
func (s *Server) Step(ctx context.Context, r *pb.StepRequest) (*pb.StepResponse, error) {
	st, err := s.loaded()
	if err != nil {
		return nil, err
	}
	key, err := proto.MarshalOptions{Deterministic: true}.Marshal(r.GetAction())
	if err != nil {
		return nil, statusOf(s.log, err)
	}
	action := messageFromPB(r.GetAction())
	action.Role = "assistant"
	reply, err := st.eps.Step(ctx, r.GetEpisodeId(), episodes.StepInput{Action: action, ActionKey: key,
		Turn: r.Turn, CompletionTokens: r.CompletionTokens})
	if err != nil {
		return nil, statusOf(s.log, err)
	}
	out := &pb.StepResponse{Observation: messagesToPB(reply.Observation), Terminated: reply.Terminated,
		Truncated: reply.Truncated, NextTurn: reply.NextTurn}
	if reply.Reward != nil {
		out.Reward = s.rewardOut(*reply.Reward)
	}
	return out, nil
}

// Close ends an episode.
func (s *Server) Close(ctx context.Context, r *pb.CloseRequest) (*pb.CloseResponse, error) {
	st, err := s.loaded()
	if err != nil {
		return nil, err
	}
	if err := st.eps.Close(ctx, r.GetEpisodeId()); err != nil {
		return nil, statusOf(s.log, err)
	}
	return &pb.CloseResponse{}, nil
}

// Score grades one completion.
func (s *Server) Score(ctx context.Context, r *pb.ScoreRequest) (*pb.ScoreResponse, error) {
	st, err := s.loaded()
	if err != nil {
		return nil, err
	}
	in := scoreInputOf(r)
	e, err := st.reg.Lookup(in.env)
	if err != nil {
		return nil, statusOf(s.log, err)
	}
	opts, err := st.opts.parse(e, in.options)
	if err != nil {
		return nil, statusOf(s.log, err)
	}
	rw, err := st.scorer.Score(ctx, e, in.scoreRequest(opts))
	if err != nil {
		return nil, statusOf(s.log, err)
	}
	return &pb.ScoreResponse{Reward: s.rewardOut(rw)}, nil
}

// RunGroup is not built yet.
func (s *Server) RunGroup(*pb.RunGroupRequest, pb.EnvService_RunGroupServer) error {
	return status.Error(codes.Unimplemented, "RunGroup (env-driven rollouts against a policy endpoint) is not implemented yet; use Reset/Step or ScoreBatch")
}

// optionCache keeps parsed options by env and JSON text: a batch usually
// repeats one options object thousands of times. Values are immutable, so
// sharing them is safe. The cache stops growing at a fixed size.
type optionCache struct {
	m sync.Map // key: env + "\x00" + json → envs.Values
	n atomic.Int64
}

const optionCacheSize = 4096

func newOptionCache() *optionCache { return &optionCache{} }

func (c *optionCache) parse(e *envs.Entry, raw string) (envs.Values, error) {
	key := e.Name() + "\x00" + raw
	if v, ok := c.m.Load(key); ok {
		return v.(envs.Values), nil
	}
	v, err := e.Options.Parse(raw)
	if err != nil {
		return envs.Values{}, err
	}
	if c.n.Load() < optionCacheSize {
		if _, loaded := c.m.LoadOrStore(key, v); !loaded {
			c.n.Add(1)
		}
	}
	return v, nil
}
