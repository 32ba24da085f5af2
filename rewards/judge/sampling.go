package judge

import (
	"strings"

	"github.com/medarc-ai/medmarks-t/internal/chatapi"
)

// samplingRow is one line of the per-model defaults table.
type samplingRow struct {
	match   []string // any of these, as segment subsequences
	temp    float64
	topP    float64 // 0: not sent
	topK    int     // -1: not sent
	effort  string
	minP    bool // send min_p 0.0
	hasTopP bool
}

// samplingTable is upstream's per-model defaults (spec common.md §8,
// reference.md §1.6), in order: the first row with a matching pattern wins.
var samplingTable = []samplingRow{
	{match: []string{"claude-4.0", "claude-4.5"}, temp: 0.5, topK: -1},
	{match: []string{"deepseek-r1"}, temp: 0.6, topK: -1},
	{match: []string{"gemini-2.5"}, temp: 1.0, topP: 0.95, hasTopP: true, topK: 64},
	{match: []string{"gemini-3"}, temp: 1.0, topP: 0.95, hasTopP: true, topK: 64, effort: "low"},
	{match: []string{"glm-4.5"}, temp: 0.6, topP: 0.95, hasTopP: true, topK: -1},
	{match: []string{"glm-4.6", "glm-4.7"}, temp: 1.0, topP: 0.95, hasTopP: true, topK: 40},
	{match: []string{"gpt-4.1", "gpt-4o"}, temp: 0.5, topP: 1.0, hasTopP: true, topK: -1},
	{match: []string{"gpt-5", "gpt-5.1", "gpt-5.2"}, temp: 1.0, topK: -1, effort: "low"},
	{match: []string{"gpt-oss"}, temp: 1.0, topP: 1.0, hasTopP: true, topK: 0, effort: "low"},
	{match: []string{"grok-4", "grok-4.1"}, temp: 0.2, topK: -1},
	{match: []string{"kimi-k2-thinking"}, temp: 1.0, topK: -1},
	{match: []string{"qwen-3-thinking", "qwen3-thinking", "qwen3-max"}, temp: 0.6, topP: 0.95, hasTopP: true, topK: 20, minP: true},
}

// DefaultSampling returns upstream's sampling defaults for model, matched by
// model-name segments: the name is lower-cased, '_' and '/' become '-', it is
// split on '-', and a row matches when one of its patterns' segments appear
// in the name's in order (not necessarily adjacent), so "anthropic/claude-
// sonnet-4.5" matches "claude-4.5" and "openai/gpt-5-mini" matches "gpt-5".
// ok is false for a model in no row: the caller sends no sampling parameters.
func DefaultSampling(model string) (s Sampling, ok bool) {
	name := segments(model)
	for _, row := range samplingTable {
		for _, m := range row.match {
			if subsequence(segments(m), name) {
				return row.sampling(), true
			}
		}
	}
	return Sampling{}, false
}

func (r samplingRow) sampling() Sampling {
	t := r.temp
	s := Sampling{Temperature: &t, ReasoningEffort: r.effort}
	if r.hasTopP {
		p := r.topP
		s.TopP = &p
	}
	if r.topK >= 0 {
		k := r.topK
		s.TopK = &k
	}
	if r.minP {
		var z float64
		s.MinP = &z
	}
	return s
}

// merge returns s with every field set in o replaced by o's.
func (s Sampling) merge(o Sampling) Sampling {
	if o.Temperature != nil {
		s.Temperature = o.Temperature
	}
	if o.TopP != nil {
		s.TopP = o.TopP
	}
	if o.TopK != nil {
		s.TopK = o.TopK
	}
	if o.MinP != nil {
		s.MinP = o.MinP
	}
	if o.MaxTokens != nil {
		s.MaxTokens = o.MaxTokens
	}
	if o.MaxCompletionTokens != nil {
		s.MaxCompletionTokens = o.MaxCompletionTokens
	}
	if o.ReasoningEffort != "" {
		s.ReasoningEffort = o.ReasoningEffort
	}
	if o.Seed != nil {
		s.Seed = o.Seed
	}
	return s
}

func (s Sampling) wire() chatapi.Sampling {
	return chatapi.Sampling{
		Temperature:         s.Temperature,
		TopP:                s.TopP,
		TopK:                s.TopK,
		MinP:                s.MinP,
		MaxTokens:           s.MaxTokens,
		MaxCompletionTokens: s.MaxCompletionTokens,
		ReasoningEffort:     s.ReasoningEffort,
		Seed:                s.Seed,
	}
}

func segments(name string) []string {
	name = strings.NewReplacer("_", "-", "/", "-").Replace(strings.ToLower(name))
	return strings.FieldsFunc(name, func(r rune) bool { return r == '-' })
}

// subsequence reports whether needle's elements appear in hay in order.
func subsequence(needle, hay []string) bool {
	if len(needle) == 0 {
		return false
	}
	i := 0
	for _, h := range hay {
		if h == needle[i] {
			if i++; i == len(needle) {
				return true
			}
		}
	}
	return false
}
