package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/sandbox"
)

func runExec(ctx context.Context, args []string, io stdio) error {
	fs := newFlagSet("exec", "exec --tool calculator|python [--json] [--config FILE] < input", io)
	tool := fs.String("tool", "", "calculator or python (required)")
	asJSON := fs.Bool("json", false, `print {"output", "status", "elapsed_ms"}`)
	config := fs.String("config", "", "YAML config file (its sandbox section)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *tool != sandbox.Calculator && *tool != sandbox.Python {
		fs.Usage()
		return usageErr("exec: --tool must be calculator or python")
	}
	cfg, err := loadConfig(*config)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if err := cfg.Validate(); err != nil {
		return &exitError{code: 2, err: fmt.Errorf("config: %w", err)}
	}
	input, err := readAll(io.in)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("stdin: %w", err)}
	}
	log := zap.NewNop()
	if *tool == sandbox.Calculator {
		cfg.Sandbox.Backend = sandbox.BackendNone // no interpreter needed
	} else {
		cfg.Sandbox.WarmSpares = 0
	}
	tb, stop, err := newToolbox(ctx, cfg.Sandbox, log)
	if err != nil {
		return &exitError{code: 3, err: err}
	}
	defer stop()
	r, err := tb.Execute(ctx, *tool, input, "")
	if err != nil {
		if errors.Is(err, sandbox.ErrToolDisabled) || errors.Is(err, sandbox.ErrUnavailable) {
			return &exitError{code: 3, err: fmt.Errorf("the sandbox is unavailable: %w", err)}
		}
		return &exitError{code: 3, err: err}
	}
	if *asJSON {
		b, _ := json.Marshal(struct {
			Output    string  `json:"output"`
			Status    string  `json:"status"`
			ElapsedMS float64 `json:"elapsed_ms"`
		}{r.Output, r.Status.String(), float64(r.Elapsed.Microseconds()) / 1000})
		fmt.Fprintln(io.out, string(b))
	} else {
		fmt.Fprint(io.out, r.Output)
		if len(r.Output) > 0 && r.Output[len(r.Output)-1] != '\n' {
			fmt.Fprintln(io.out)
		}
	}
	if r.Status != sandbox.OK {
		return &exitError{code: 1}
	}
	return nil
}

func readAll(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, 1<<20))
	return string(b), err
}
