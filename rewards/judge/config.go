package judge

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Config is the operator's judge configuration: the top-level `judges` list
// and the `judge` section of the config file (spec common.md §8). It is meant
// to be inlined into the server's config (`yaml:",inline"`), so its paths are
// `judges[i].…` and `judge.…`.
type Config struct {
	Judges []Endpoint `yaml:"judges"`
	Judge  Policy     `yaml:"judge"`
}

// Endpoint is one judge: an OpenAI-compatible endpoint and a model.
type Endpoint struct {
	// Name is used in logs, stats and reward details.
	Name    string `yaml:"name"`
	BaseURL string `yaml:"base_url"`
	Model   string `yaml:"model"`
	// APIKeyEnv names the environment variable holding the key. Empty, or a
	// variable that is unset or empty: no Authorization header is sent.
	APIKeyEnv string `yaml:"api_key_env"`
	// Timeout bounds one attempt; 0 means DefaultTimeout.
	Timeout time.Duration `yaml:"timeout"`
	// Sampling overrides the model's defaults (DefaultSampling) field by field.
	Sampling Sampling `yaml:"sampling"`
	// Headers are extra HTTP headers. Secrets do not belong here: the key
	// comes only from APIKeyEnv, and Authorization is rejected.
	Headers map[string]string `yaml:"headers"`
}

// Policy is how every judge is called.
type Policy struct {
	// MaxAttempts counts all attempts, the first included.
	MaxAttempts int `yaml:"max_attempts"`
	// Concurrency is the number of requests in flight per judge.
	Concurrency int `yaml:"concurrency"`
	// RPM and TPM are requests and tokens per minute per judge; 0: no limit.
	RPM int `yaml:"rpm"`
	TPM int `yaml:"tpm"`
	// Cache turns the verdict cache on (when a Cache is given to New).
	Cache bool `yaml:"cache"`
	// CacheTTL is how long a cached verdict lives; 0: no expiry.
	CacheTTL time.Duration `yaml:"cache_ttl"`
}

// Sampling holds per-judge sampling overrides. A nil field (an empty string
// for ReasoningEffort) keeps the model's default.
type Sampling struct {
	Temperature         *float64 `yaml:"temperature"`
	TopP                *float64 `yaml:"top_p"`
	TopK                *int     `yaml:"top_k"`
	MinP                *float64 `yaml:"min_p"`
	MaxTokens           *int     `yaml:"max_tokens"`
	MaxCompletionTokens *int     `yaml:"max_completion_tokens"`
	ReasoningEffort     string   `yaml:"reasoning_effort"`
	Seed                *int64   `yaml:"seed"`
}

const (
	// DefaultTimeout bounds one attempt when Endpoint.Timeout is 0.
	DefaultTimeout = 60 * time.Second
	// DefaultKeyEnv is the variable the --judge-key-env flag defaults to;
	// FallbackKeyEnv is read when DefaultKeyEnv is unset (see KeyEnv).
	DefaultKeyEnv  = "JUDGE_API_KEY"
	FallbackKeyEnv = "OPENAI_API_KEY"
)

// DefaultConfig is the configuration with no judge and the default Policy.
func DefaultConfig() Config { return Config{Judge: DefaultPolicy()} }

// DefaultPolicy is spec common.md §8's: 4 attempts, 64 in flight, no rate
// limits, cache on, no expiry.
func DefaultPolicy() Policy {
	return Policy{MaxAttempts: 4, Concurrency: 64, Cache: true}
}

// KeyEnv returns the key variable for judges made from flags: DefaultKeyEnv,
// or FallbackKeyEnv when DefaultKeyEnv is unset and it is set.
func KeyEnv(lookup func(string) (string, bool)) string {
	if _, ok := lookup(DefaultKeyEnv); !ok {
		if _, ok := lookup(FallbackKeyEnv); ok {
			return FallbackKeyEnv
		}
	}
	return DefaultKeyEnv
}

var (
	nameRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	envRE    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,127}$`)
	headerRE = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
)

// Validate checks every field and returns all failures joined, each led by
// its path (`judges[1].model: required`). Values that may be secrets (header
// values, a mistyped api_key_env) are never echoed.
func (c Config) Validate() error {
	var errs []error
	add := func(path, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, a...)))
	}
	seen := map[string]int{}
	for i, e := range c.Judges {
		p := fmt.Sprintf("judges[%d]", i)
		switch {
		case e.Name == "":
			add(p+".name", "required")
		case !nameRE.MatchString(e.Name):
			add(p+".name", "want 1-64 letters, digits, '.', '_' or '-' starting with a letter or digit, got %q", e.Name)
		default:
			if j, dup := seen[e.Name]; dup {
				add(p+".name", "%q is already the name of judges[%d]", e.Name, j)
			}
			seen[e.Name] = i
		}
		if e.BaseURL == "" {
			add(p+".base_url", "required")
		} else if err := checkBaseURL(e.BaseURL); err != nil {
			add(p+".base_url", "%v", err)
		}
		if strings.TrimSpace(e.Model) == "" {
			add(p+".model", "required")
		}
		if e.APIKeyEnv != "" && !envRE.MatchString(e.APIKeyEnv) {
			add(p+".api_key_env", "want the name of an environment variable (letters, digits, '_'), not the key itself")
		}
		if e.Timeout < 0 {
			add(p+".timeout", "want a positive duration or 0 for %s, got %s", DefaultTimeout, e.Timeout)
		}
		errs = append(errs, e.Sampling.validate(p+".sampling")...)
		for _, k := range slices.Sorted(maps.Keys(e.Headers)) {
			hp := fmt.Sprintf("%s.headers.%s", p, k)
			switch {
			case !headerRE.MatchString(k):
				add(hp, "not a valid header name")
			case strings.EqualFold(k, "Authorization"):
				add(hp, "set the key through api_key_env, never in the config")
			case strings.EqualFold(k, "Content-Type") || strings.EqualFold(k, "Content-Length") || strings.EqualFold(k, "Host"):
				add(hp, "set by the client, cannot be overridden")
			case strings.ContainsAny(e.Headers[k], "\r\n\x00"):
				add(hp, "value contains a line break or NUL")
			}
		}
	}
	errs = append(errs, c.Judge.validate("judge")...)
	return errors.Join(errs...)
}

func (p Policy) validate(path string) []error {
	var errs []error
	add := func(field, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s.%s: %s", path, field, fmt.Sprintf(format, a...)))
	}
	if p.MaxAttempts < 1 || p.MaxAttempts > 100 {
		add("max_attempts", "want 1 to 100, got %d", p.MaxAttempts)
	}
	if p.Concurrency < 1 || p.Concurrency > 10000 {
		add("concurrency", "want 1 to 10000, got %d", p.Concurrency)
	}
	if p.RPM < 0 {
		add("rpm", "want 0 (no limit) or more, got %d", p.RPM)
	}
	if p.TPM < 0 {
		add("tpm", "want 0 (no limit) or more, got %d", p.TPM)
	}
	if p.CacheTTL < 0 {
		add("cache_ttl", "want 0 (no expiry) or a positive duration, got %s", p.CacheTTL)
	}
	return errs
}

func (s Sampling) validate(path string) []error {
	var errs []error
	add := func(field, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s.%s: %s", path, field, fmt.Sprintf(format, a...)))
	}
	finite := func(f *float64) bool { return f == nil || !math.IsNaN(*f) && !math.IsInf(*f, 0) }
	if !finite(s.Temperature) || s.Temperature != nil && *s.Temperature < 0 {
		add("temperature", "want a finite number ≥ 0")
	}
	if !finite(s.TopP) || s.TopP != nil && (*s.TopP < 0 || *s.TopP > 1) {
		add("top_p", "want 0 to 1")
	}
	if s.TopK != nil && *s.TopK < -1 {
		add("top_k", "want -1 (off), 0 or more, got %d", *s.TopK)
	}
	if !finite(s.MinP) || s.MinP != nil && (*s.MinP < 0 || *s.MinP > 1) {
		add("min_p", "want 0 to 1")
	}
	if s.MaxTokens != nil && *s.MaxTokens < 1 {
		add("max_tokens", "want 1 or more, got %d", *s.MaxTokens)
	}
	if s.MaxCompletionTokens != nil && *s.MaxCompletionTokens < 1 {
		add("max_completion_tokens", "want 1 or more, got %d", *s.MaxCompletionTokens)
	}
	if s.ReasoningEffort != "" && !nameRE.MatchString(s.ReasoningEffort) {
		add("reasoning_effort", "want a word such as low, medium or high, got %q", s.ReasoningEffort)
	}
	return errs
}

func checkBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("not a URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("want an http or https URL, got scheme %q", u.Scheme)
	case u.Host == "":
		return errors.New("no host")
	case u.User != nil:
		return errors.New("must not carry credentials; put the key in the variable named by api_key_env")
	case u.RawQuery != "" || u.Fragment != "":
		return errors.New("must not have a query or fragment; /chat/completions is appended to it")
	}
	return nil
}
