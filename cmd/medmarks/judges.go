package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards/judge"
)

// judgeFlags are the judge flags of serve and score (../spec/common.md §8).
// They override the config's judges key by key; --judge-url/--judge-model
// replace the list.
type judgeFlags struct {
	urls, models stringList
	keyEnv       string
	timeout      time.Duration
	concurrency  int
	rpm, tpm     int
	attempts     int
	noCache      bool
	fs           *flag.FlagSet
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func (j *judgeFlags) register(fs *flag.FlagSet) {
	j.fs = fs
	fs.Var(&j.urls, "judge-url", "judge base URL, OpenAI-compatible (repeatable; pairs with --judge-model in order, or one URL for every model)")
	fs.Var(&j.models, "judge-model", "judge model name (repeatable)")
	fs.StringVar(&j.keyEnv, "judge-key-env", "", "environment variable holding the judge API key (default JUDGE_API_KEY, else OPENAI_API_KEY)")
	fs.DurationVar(&j.timeout, "judge-timeout", 0, "timeout of one judge attempt (default 60s)")
	fs.IntVar(&j.concurrency, "judge-concurrency", 0, "requests in flight per judge (default 64)")
	fs.IntVar(&j.rpm, "judge-rpm", 0, "requests per minute per judge (default: no limit)")
	fs.IntVar(&j.tpm, "judge-tpm", 0, "tokens per minute per judge (default: no limit)")
	fs.IntVar(&j.attempts, "judge-attempts", 0, "attempts per judge call, the first included (default 4)")
	fs.BoolVar(&j.noCache, "no-judge-cache", false, "do not cache judge verdicts")
}

// apply merges the flags into the config's judge section.
func (j *judgeFlags) apply(c *judge.Config, log func(string)) error {
	set := setFlags(j.fs)
	if len(j.urls) > 0 || len(j.models) > 0 {
		switch {
		case len(j.models) == 0:
			return usageErr("--judge-url needs --judge-model")
		case len(j.urls) == 0:
			return usageErr("--judge-model needs --judge-url")
		case len(j.urls) != 1 && len(j.urls) != len(j.models):
			return usageErr("%d --judge-url and %d --judge-model: give one URL for every model, or one per model", len(j.urls), len(j.models))
		}
		if len(c.Judges) > 0 {
			log("the judge flags replace the config's judges")
		}
		keyEnv := j.keyEnv
		if keyEnv == "" {
			keyEnv = judge.KeyEnv(os.LookupEnv)
		}
		c.Judges = nil
		for i, m := range j.models {
			u := j.urls[0]
			if len(j.urls) > 1 {
				u = j.urls[i]
			}
			c.Judges = append(c.Judges, judge.Endpoint{Name: fmt.Sprintf("judge%d", i+1), BaseURL: u, Model: m, APIKeyEnv: keyEnv})
		}
	}
	for i := range c.Judges {
		if set["judge-key-env"] {
			c.Judges[i].APIKeyEnv = j.keyEnv
		}
		if set["judge-timeout"] {
			c.Judges[i].Timeout = j.timeout
		}
	}
	if set["judge-concurrency"] {
		c.Judge.Concurrency = j.concurrency
	}
	if set["judge-rpm"] {
		c.Judge.RPM = j.rpm
	}
	if set["judge-tpm"] {
		c.Judge.TPM = j.tpm
	}
	if set["judge-attempts"] {
		c.Judge.MaxAttempts = j.attempts
	}
	if j.noCache {
		c.Judge.Cache = false
	}
	return nil
}

// newJudges builds the judge client (nil when no judge is configured) and
// the per-env selection for envs.Settings.
func newJudges(cfg Config, cache judge.Cache, log *zap.Logger) (*judge.Client, func(string) envs.Judge, error) {
	if len(cfg.Judges.Judges) == 0 {
		log.Info("no judge configured: judged envs answer JUDGE_FAILED (set --judge-url and --judge-model)")
		return nil, nil, nil
	}
	c, err := judge.New(cfg.Judges, judge.Settings{Logger: log.Named("judge"), Cache: cache})
	if err != nil {
		return nil, nil, err
	}
	per := map[string]envs.Judge{}
	for env, sec := range cfg.Envs {
		if len(sec.Judges) == 0 {
			continue
		}
		sel, err := c.Select(sec.Judges...)
		if err != nil {
			c.Close()
			return nil, nil, fmt.Errorf("envs.%s.judges: %w", env, err)
		}
		per[env] = sel
	}
	return c, func(env string) envs.Judge {
		if j, ok := per[env]; ok {
			return j
		}
		return c
	}, nil
}

func judgeSummary(c *judge.Client) string {
	if c == nil {
		return ""
	}
	s := c.Stats()
	return fmt.Sprintf("; judge calls %d, cache hits %d, misses %d, shared %d, failed verdicts %d", s.Calls, s.Hits, s.Misses, s.Shared, s.Failed)
}
