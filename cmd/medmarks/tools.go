package main

import (
	"context"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/sandbox"
	"github.com/medarc-ai/medmarks-t/sandbox/bwrap"
)

// newToolbox builds the tools from the sandbox section. When bubblewrap or
// user namespaces are missing, the python tool is refused with a clear
// error in the log and the calculator still works; python never runs
// unsandboxed unless the operator chose backend unsafe-local.
func newToolbox(ctx context.Context, cfg sandbox.Config, log *zap.Logger) (*sandbox.Toolbox, func(), error) {
	var backend sandbox.Backend
	var closer func() error
	switch cfg.Backend {
	case sandbox.BackendBwrap, sandbox.BackendUnsafeLocal:
		b, err := bwrap.New(ctx, bwrap.Settings{Logger: log.Named("sandbox"), Unsafe: cfg.Backend == sandbox.BackendUnsafeLocal})
		if err != nil {
			log.Error("the python tool is disabled: its sandbox cannot run here (calls answer FAILED_PRECONDITION)", zap.Error(err))
			break
		}
		if cfg.Backend == sandbox.BackendUnsafeLocal {
			log.Warn("UNSAFE: the python tool runs WITHOUT bubblewrap (sandbox.backend unsafe-local); never use this with untrusted code")
		}
		log.Info("python sandbox", zap.String("mechanisms", b.Mechanisms()))
		backend, closer = b, b.Close
	}
	tb, err := sandbox.NewToolbox(cfg, backend, log.Named("tools"))
	if err != nil {
		if closer != nil {
			_ = closer()
		}
		return nil, nil, err
	}
	if err := tb.Start(ctx); err != nil {
		if closer != nil {
			_ = closer()
		}
		return nil, nil, err
	}
	stop := func() {
		_ = tb.Shutdown(context.Background())
		if closer != nil {
			_ = closer()
		}
	}
	return tb, stop, nil
}
