package server

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/batch"
	pb "github.com/medarc-ai/medmarks-t/proto/medmarks/v1"
)

type batchJob struct {
	id    string
	entry *envs.Entry
	req   envs.ScoreRequest
}

// ScoreBatch scores a stream of items. One reader validates items and
// queues them, workers score them, and only the sender calls Send. A bad
// item is answered in-band; the stream ends only when the client half-closes
// (after every result is sent) or the stream's context ends.
func (s *Server) ScoreBatch(stream pb.EnvService_ScoreBatchServer) error { return s.ServeBatch(stream) }

// BatchStream is the part of a ScoreBatch stream the server uses; `medmarks
// score` feeds its JSONL lines through the same path with its own.
type BatchStream interface {
	Context() context.Context
	Recv() (*pb.ScoreBatchRequest, error)
	Send(*pb.ScoreBatchResponse) error
}

// ServeBatch runs one ScoreBatch stream to its end.
func (s *Server) ServeBatch(stream BatchStream) error {
	st, err := s.loaded()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()
	window := s.cfg.BatchWindow
	// slots bounds the items in flight (read, not yet sent): when it is
	// full the reader stops calling Recv and gRPC flow control slows the
	// client; nothing is dropped.
	slots := make(chan struct{}, window)
	// jobs and results are buffered to the window so neither the reader nor
	// the workers wait on the sender while slots are free.
	jobs := make(chan batchJob, window)
	results := make(chan *pb.ScoreBatchResponse, window)

	var readErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(jobs)
		readErr = s.readBatch(ctx, stream, st, slots, jobs, results)
	})
	var workers sync.WaitGroup
	for range s.cfg.BatchWorkers {
		workers.Go(func() {
			for j := range jobs {
				r, err := st.scorer.Score(ctx, j.entry, j.req)
				if err != nil {
					if ctx.Err() != nil {
						continue
					}
					r = batch.ItemReward(j.entry, err)
				}
				results <- &pb.ScoreBatchResponse{RequestId: j.id, Reward: s.rewardOut(r)}
			}
		})
	}
	go func() {
		wg.Wait()
		workers.Wait()
		close(results)
	}()

	var sendErr error
	for res := range results {
		if sendErr == nil {
			if sendErr = stream.Send(res); sendErr != nil {
				cancel() // stop reading and scoring; keep draining results
			}
		}
		<-slots
	}
	switch {
	case sendErr != nil:
		return sendErr
	case readErr != nil:
		return readErr
	}
	return ctx.Err()
}

func (s *Server) readBatch(ctx context.Context, stream BatchStream, st *ready,
	slots chan struct{}, jobs chan<- batchJob, results chan<- *pb.ScoreBatchResponse) error {
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		req, err := stream.Recv()
		if err != nil {
			<-slots
			if errors.Is(err, io.EOF) {
				return nil
			}
			return statusOf(s.log, err)
		}
		id := envs.ValidUTF8(req.GetRequestId())
		j, err := s.prepareItem(st, req)
		if err != nil {
			r := batch.ItemReward(j.entry, err)
			results <- &pb.ScoreBatchResponse{RequestId: id, Reward: s.rewardOut(r)}
			continue
		}
		j.id = id
		jobs <- j
	}
}

// prepareItem validates one item the way a unary Score is validated; its
// error becomes the item's INVALID_INPUT.
func (s *Server) prepareItem(st *ready, req *pb.ScoreBatchRequest) (batchJob, error) {
	in := scoreBatchInputOf(req)
	if err := in.validate(s.cfg.MaxCompletionBytes); err != nil {
		return batchJob{}, err
	}
	e, err := st.reg.Lookup(in.env)
	if err != nil {
		return batchJob{}, err
	}
	opts, err := st.opts.parse(e, in.options)
	if err != nil {
		return batchJob{entry: e}, err
	}
	return batchJob{entry: e, req: in.scoreRequest(opts)}, nil
}
