package server

import (
	"context"
	"errors"

	"go.uber.org/zap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/batch"
	"github.com/medarc-ai/medmarks-t/sandbox"
)

// errLoading answers env calls until the data is loaded.
var errLoading = status.Error(codes.Unavailable, "loading: the server is still loading its data")

// statusOf is the one map from errors to gRPC status codes
// (../spec/api.md, "Call errors and reward statuses"). A bug becomes INTERNAL
// with no details for the caller; they go to the log.
func statusOf(log *zap.Logger, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	var fe *envs.FieldError
	var ie *envs.InputError
	code := codes.Internal
	switch {
	case errors.Is(err, context.Canceled):
		code = codes.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		code = codes.DeadlineExceeded
	case errors.As(err, &fe), errors.As(err, &ie), errors.Is(err, sandbox.ErrUnknownTool):
		code = codes.InvalidArgument
	case errors.Is(err, envs.ErrUnknownEnv), errors.Is(err, envs.ErrUnknownSplit),
		errors.Is(err, envs.ErrUnknownExample), errors.Is(err, envs.ErrUnknownEpisode):
		code = codes.NotFound
	case errors.Is(err, envs.ErrEpisodeDone), errors.Is(err, envs.ErrPrecondition), errors.Is(err, sandbox.ErrToolDisabled):
		code = codes.FailedPrecondition
	case errors.Is(err, envs.ErrExhausted), errors.Is(err, sandbox.ErrExhausted):
		code = codes.ResourceExhausted
	case errors.Is(err, envs.ErrUnavailable), errors.Is(err, sandbox.ErrUnavailable):
		code = codes.Unavailable
	case errors.Is(err, batch.ErrInternal):
		code = codes.Internal
	}
	if code == codes.Internal {
		log.Error("internal error", zap.Error(err))
		return status.Error(codes.Internal, "internal error; details are in the server log")
	}
	return status.Error(code, envs.ValidUTF8(err.Error()))
}
