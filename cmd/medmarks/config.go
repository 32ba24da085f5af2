package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards/judge"
	"github.com/medarc-ai/medmarks-t/sandbox"
	"github.com/medarc-ai/medmarks-t/server"
	"github.com/medarc-ai/medmarks-t/server/episodes"
)

// Config is the whole config file; each component owns its section.
type Config struct {
	Server   server.Config         `yaml:"server"`
	Episodes episodes.Config       `yaml:"episodes"`
	Store    StoreConfig           `yaml:"store"`
	Log      LogConfig             `yaml:"log"`
	Envs     map[string]EnvSection `yaml:"envs"`
	// Judges holds the top-level keys judges (the list) and judge (the
	// policy), as ../spec/common.md §8 shows them.
	Judges judge.Config `yaml:",inline"`
	// Sandbox is the tool runner: backend, pool and limits.
	Sandbox sandbox.Config `yaml:"sandbox"`
}

// StoreConfig places the Badger store.
type StoreConfig struct {
	// Dir defaults to medmarks/serve (serve) or medmarks/score (score) under
	// the user's cache directory.
	Dir string `yaml:"dir"`
}

// LogConfig sets the log level: debug, info, warn or error.
type LogConfig struct {
	Level string `yaml:"level"`
}

// EnvSection is one env's config: option defaults and prompt templates.
type EnvSection struct {
	Options         map[string]any    `yaml:"options"`
	PromptTemplates map[string]string `yaml:"prompt_templates"`
	Judges          []string          `yaml:"judges"`
}

func defaultConfig() Config {
	return Config{Server: server.DefaultConfig(), Episodes: episodes.DefaultConfig(), Log: LogConfig{Level: "info"},
		Judges: judge.DefaultConfig(), Sandbox: sandbox.DefaultConfig()}
}

// loadConfig reads a strict YAML file over the defaults: an unknown key is
// an error, not a silent default.
func loadConfig(path string) (Config, error) {
	c := defaultConfig()
	if path == "" {
		return c, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return c, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	// Template paths are relative to the config file.
	for name, sec := range c.Envs {
		for t, p := range sec.PromptTemplates {
			if !filepath.IsAbs(p) {
				sec.PromptTemplates[t] = filepath.Join(filepath.Dir(path), p)
			}
		}
		c.Envs[name] = sec
	}
	return c, nil
}

// Validate checks every section; errors are joined, each led by its path.
func (c Config) Validate() error {
	var errs []error
	prefix := func(p string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s.%w", p, err))
		}
	}
	prefix("server", c.Server.Validate())
	prefix("episodes", c.Episodes.Validate())
	if err := c.Sandbox.Validate(); err != nil {
		errs = append(errs, prefixed("sandbox.", err))
	}
	if len(c.Judges.Judges) > 0 {
		if err := c.Judges.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log.level: want debug, info, warn or error, got %q", c.Log.Level))
	}
	return errors.Join(errs...)
}

// envConfigs converts the envs section for envs.Build.
func (c Config) envConfigs() (map[string]envs.Config, error) {
	out := map[string]envs.Config{}
	names := make([]string, 0, len(c.Envs))
	for n := range c.Envs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		sec := c.Envs[n]
		ec := envs.Config{Options: map[string]json.RawMessage{}, Templates: sec.PromptTemplates}
		for k, v := range sec.Options {
			b, err := json.Marshal(v)
			if err != nil {
				return nil, fmt.Errorf("envs.%s.options.%s: %w", n, k, err)
			}
			ec.Options[k] = b
		}
		out[n] = ec
	}
	return out, nil
}

// prefixed leads every joined error with a section path.
func prefixed(p string, err error) error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return fmt.Errorf("%s%w", p, err)
	}
	var errs []error
	for _, e := range j.Unwrap() {
		errs = append(errs, fmt.Errorf("%s%w", p, e))
	}
	return errors.Join(errs...)
}
