// Command medmarks serves the Medmarks benchmarks as RL environments over
// gRPC, scores JSONL files offline, lists the environments and runs single
// tool calls in the sandbox. Run `medmarks -h` for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// stdio is the process's standard streams, replaced in tests.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// exitError carries an exit status: 1 for a run that finished with failed
// items (score, exec), 2 for bad usage or a failed start, 3 for an
// unavailable sandbox (exec).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

const usage = `medmarks — Medmarks benchmarks as reinforcement-learning environments

Usage:
  medmarks serve  [flags]   run the gRPC server (no flags: demo data on 127.0.0.1:50051)
  medmarks envs   [flags]   list environments, splits and row counts
  medmarks score  [flags]   score a JSONL file of completions offline
  medmarks exec   [flags]   run one tool call (calculator or python) in the sandbox

Run "medmarks <command> -h" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := exitCode(run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}), os.Stderr)
	stop()
	os.Exit(code)
}

func exitCode(err error, w io.Writer) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(w, "medmarks:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(w, "medmarks:", err)
	return 1
}

func run(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 {
		fmt.Fprint(io.err, usage)
		return &exitError{code: 2}
	}
	cmds := map[string]func(context.Context, []string, stdio) error{
		"serve": runServe,
		"envs":  runEnvs,
		"score": runScore,
		"exec":  runExec,
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(io.out, usage)
		return nil
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprint(io.err, usage)
		return usageErr("unknown command %q", args[0])
	}
	return cmd(ctx, args[1:], io)
}

// newFlagSet returns a flag set whose parse errors are usage errors.
func newFlagSet(name, synopsis string, io stdio) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.err)
	fs.Usage = func() {
		fmt.Fprintf(io.err, "Usage: medmarks %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: 2}
	}
	if fs.NArg() > 0 {
		return usageErr("%s: unexpected arguments %q", fs.Name(), fs.Args())
	}
	return nil
}
