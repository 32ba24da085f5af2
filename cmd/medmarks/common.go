package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"golang.org/x/term"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/demo"
)

// dataFS returns the data directory, or the embedded demo set when dir is
// empty.
func dataFS(dir string) (fs.FS, bool, error) {
	if dir == "" {
		return demo.FS(), true, nil
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, false, usageErr("--data: %v", err)
	}
	if !st.IsDir() {
		return nil, false, usageErr("--data %s: not a directory", dir)
	}
	return os.DirFS(dir), false, nil
}

// buildRegistry loads every env from dataDir (the embedded demo set when
// empty) with the config's env sections; set gives the logger, judges and
// tools. A failure is a failed start (exit 2).
func buildRegistry(ctx context.Context, cfg Config, dataDir string, set envs.Settings) (*envs.Registry, error) {
	data, demo, err := dataFS(dataDir)
	if err != nil {
		return nil, err
	}
	envCfg, err := cfg.envConfigs()
	if err != nil {
		return nil, &exitError{code: 2, err: err}
	}
	set.Data, set.Demo = data, demo
	if set.Logger == nil {
		set.Logger = zap.NewNop()
	}
	reg, err := envs.Build(ctx, set, envCfg, constructors()...)
	if err != nil {
		return nil, &exitError{code: 2, err: fmt.Errorf("loading data: %w", err)}
	}
	return reg, nil
}

// storeDir is the store's directory: the flag, the config, or
// medmarks/<name> under the user's cache directory.
func storeDir(flagDir, configDir, name string) (string, error) {
	switch {
	case flagDir != "":
		return flagDir, nil
	case configDir != "":
		return configDir, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no store directory: %w (use --store)", err)
	}
	return filepath.Join(base, "medmarks", name), nil
}

func newLogger(level string, w *os.File) (*zap.Logger, error) {
	var lvl zapcore.Level
	if err := lvl.Set(level); err != nil {
		return nil, usageErr("log level: %v", err)
	}
	enc := zap.NewProductionEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	var encoder zapcore.Encoder
	if term.IsTerminal(int(w.Fd())) {
		enc.EncodeLevel = zapcore.CapitalColorLevelEncoder
		encoder = zapcore.NewConsoleEncoder(enc)
	} else {
		encoder = zapcore.NewJSONEncoder(enc)
	}
	return zap.New(zapcore.NewCore(encoder, zapcore.Lock(w), lvl)), nil
}

// templateFlags collects --prompt-template ENV/NAME=PATH.
type templateFlags map[string]map[string]string

func (t templateFlags) String() string { return "" }

func (t templateFlags) Set(v string) error {
	spec, path, ok := strings.Cut(v, "=")
	env, name, ok2 := strings.Cut(spec, "/")
	if !ok || !ok2 || env == "" || name == "" || path == "" {
		return fmt.Errorf("want ENV/NAME=PATH, got %q", v)
	}
	if t[env] == nil {
		t[env] = map[string]string{}
	}
	t[env][name] = path
	return nil
}

// apply adds the flag templates to the config (flags win per name).
func (t templateFlags) apply(c *Config) {
	for env, m := range t {
		if c.Envs == nil {
			c.Envs = map[string]EnvSection{}
		}
		sec := c.Envs[env]
		if sec.PromptTemplates == nil {
			sec.PromptTemplates = map[string]string{}
		}
		for name, path := range m {
			sec.PromptTemplates[name] = path
		}
		c.Envs[env] = sec
	}
}

// setFlags lists the flags given on the command line.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}
