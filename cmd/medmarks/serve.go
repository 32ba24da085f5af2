package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/sandboxtools"
	"github.com/medarc-ai/medmarks-t/server"
	"github.com/medarc-ai/medmarks-t/server/episodes"
	"github.com/medarc-ai/medmarks-t/store"
)

type serveFlags struct {
	listen, data, store, config, logLevel, metrics string
	templates                                      templateFlags
	judges                                         judgeFlags
}

func runServe(ctx context.Context, args []string, io stdio) error {
	fs := newFlagSet("serve", "serve [flags]", io)
	f := serveFlags{templates: templateFlags{}}
	fs.StringVar(&f.listen, "listen", "", "address to listen on (default 127.0.0.1:50051)")
	fs.StringVar(&f.data, "data", "", "data directory laid out like ../datasets (default: the embedded demo set)")
	fs.StringVar(&f.store, "store", "", "store directory (default: medmarks/serve in the user's cache directory)")
	fs.StringVar(&f.config, "config", "", "YAML config file")
	fs.StringVar(&f.logLevel, "log-level", "", "debug, info, warn or error (default info)")
	fs.StringVar(&f.metrics, "metrics-listen", "", "serve Prometheus metrics on this address at /metrics (default: off)")
	fs.Var(f.templates, "prompt-template", "register a prompt template: ENV/NAME=PATH (repeatable)")
	f.judges.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(f.config)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if f.listen != "" {
		cfg.Server.Listen = f.listen
	}
	if f.logLevel != "" {
		cfg.Log.Level = f.logLevel
	}
	f.templates.apply(&cfg)
	var notes []string
	if err := f.judges.apply(&cfg.Judges, func(s string) { notes = append(notes, s) }); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return &exitError{code: 2, err: fmt.Errorf("config: %w", err)}
	}
	log, err := newLogger(cfg.Log.Level, os.Stderr)
	if err != nil {
		return err
	}
	for _, n := range notes {
		log.Info(n)
	}
	defer log.Sync() //nolint:errcheck // stderr sync errors are not actionable
	return serve(ctx, cfg, f, log)
}

func serve(ctx context.Context, cfg Config, f serveFlags, log *zap.Logger) error {
	fail := func(err error) error { return &exitError{code: 2, err: err} }
	if _, _, err := dataFS(f.data); err != nil {
		return err // a bad --data fails before anything starts
	}
	dir, err := storeDir(f.store, cfg.Store.Dir, "serve")
	if err != nil {
		return fail(err)
	}
	db, err := store.Open(dir, log, store.Options{})
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	lis, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		return fail(fmt.Errorf("listen: %w", err))
	}
	tb, stopTools, err := newToolbox(ctx, cfg.Sandbox, log)
	if err != nil {
		return fail(fmt.Errorf("sandbox: %w", err))
	}
	defer stopTools()
	promReg := prometheus.NewRegistry()
	promReg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv, err := server.New(cfg.Server, server.Deps{Log: log, Metrics: promReg, Tools: tb})
	if err != nil {
		return fail(err)
	}
	if f.metrics != "" {
		stopMetrics, err := serveMetrics(f.metrics, promReg, log)
		if err != nil {
			return fail(err)
		}
		defer stopMetrics()
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(lis) }()
	log.Info("listening", zap.String("addr", lis.Addr().String()), zap.String("store", dir), zap.Bool("demo_data", f.data == ""))

	jc, judges, err := newJudges(cfg, db.Table("j/"), log)
	if err != nil {
		srv.Shutdown(context.Background())
		return fail(err)
	}
	if jc != nil {
		defer jc.Close()
	}
	started := time.Now()
	reg, err := buildRegistry(ctx, cfg, f.data, envs.Settings{Logger: log, Judges: judges, Tools: sandboxtools.New(tb)})
	if err != nil {
		srv.Shutdown(context.Background())
		<-serveErr
		return err
	}
	// Health turns SERVING only once the sandbox pool is warm too.
	if err := tb.Ready(ctx); err != nil {
		srv.Shutdown(context.Background())
		<-serveErr
		return fail(fmt.Errorf("sandbox: %w", err))
	}
	eps := episodes.New(cfg.Episodes, db.Table("e/"), reg, log)
	eps.Start()
	defer eps.Shutdown(context.Background())
	srv.Ready(reg, eps)
	log.Info("serving", zap.Strings("envs", reg.Names()), zap.Duration("load_time", time.Since(started)))

	select {
	case <-ctx.Done():
		log.Info("shutting down: draining in-flight calls")
		srv.Shutdown(context.Background())
		<-serveErr
		return nil
	case err := <-serveErr:
		return fail(fmt.Errorf("serve: %w", err))
	}
}

// serveMetrics serves /metrics on its own port until the returned stop.
func serveMetrics(addr string, reg *prometheus.Registry, log *zap.Logger) (func(), error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	// Profiles, for an operator chasing a slow server; this port is the
	// metrics port, never the public one.
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hs.Serve(lis); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server", zap.Error(err))
		}
	}()
	log.Info("metrics", zap.String("addr", lis.Addr().String()))
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
		<-done
	}, nil
}
