package envs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// OptionType is the JSON type an option accepts.
type OptionType int

const (
	Bool OptionType = iota + 1
	Int
	Number
	String
	// Strings is a JSON array of strings.
	Strings
)

func (t OptionType) String() string {
	switch t {
	case Bool:
		return "bool"
	case Int:
		return "int"
	case Number:
		return "number"
	case String:
		return "string"
	case Strings:
		return "list of strings"
	}
	return "unknown"
}

// Compat modes (option "compat"). CompatMedmarks reproduces upstream scoring
// where an env file lists a difference.
const (
	CompatNone     = ""
	CompatMedmarks = "medmarks"
)

// MaxOptionsBytes bounds the options object (../spec/common.md §9).
const MaxOptionsBytes = 64 << 10

// OptionSpec declares one option of an env. Values are bool, int64, float64,
// string or []string according to Type.
type OptionSpec struct {
	Name        string
	Type        OptionType
	Default     any
	Description string
	// Allowed lists the values of an enumerated string option.
	Allowed []string
	// Check validates a value of the right type (a range); its error text
	// follows "options.<name>: ".
	Check func(v any) error
	// Compat is the value implied by compat "medmarks", or nil.
	Compat any
}

// Common option names every env accepts (../spec/common.md §10).
const (
	OptSystemPrompt       = "system_prompt"
	OptPromptTemplate     = "prompt_template"
	OptNumExamples        = "num_examples"
	OptLengthBudgetTokens = "length_budget_tokens"
	OptEfficiencyWeight   = "efficiency_weight"
	OptCompat             = "compat"
)

// CommonOptions returns the options of every env.
func CommonOptions() []OptionSpec {
	return []OptionSpec{
		{Name: OptSystemPrompt, Type: String, Default: "", Description: "replaces the system message text"},
		{Name: OptPromptTemplate, Type: String, Default: "", Description: "name of a prompt template registered on the server for this env"},
		{Name: OptNumExamples, Type: Int, Default: int64(0), Description: "serve only the first N rows of the split (0: all)", Check: nonNegative},
		{Name: OptLengthBudgetTokens, Type: Int, Default: int64(0), Description: "token budget of the efficiency component (0: off); set with efficiency_weight", Check: nonNegative},
		{Name: OptEfficiencyWeight, Type: Number, Default: float64(0), Description: "weight of the efficiency component in (0, 1] (0: off); set with length_budget_tokens", Check: unitInterval},
		{Name: OptCompat, Type: String, Default: CompatNone, Allowed: []string{CompatNone, CompatMedmarks}, Description: `"medmarks": reproduce upstream scoring where the env file lists a difference`},
	}
}

func nonNegative(v any) error {
	if v.(int64) < 0 {
		return fmt.Errorf("want ≥ 0, got %d", v.(int64))
	}
	return nil
}

func unitInterval(v any) error {
	f := v.(float64)
	if f < 0 || f > 1 || math.IsNaN(f) {
		return fmt.Errorf("want a number in [0, 1], got %v", f)
	}
	return nil
}

// IntRange returns a Check accepting integers in [lo, hi].
func IntRange(lo, hi int64) func(any) error {
	return func(v any) error {
		if n := v.(int64); n < lo || n > hi {
			return fmt.Errorf("want an integer in [%d, %d], got %d", lo, hi, n)
		}
		return nil
	}
}

// optionOwners names, for options that exist only in some envs, which envs
// have them, so a misplaced option gets a precise message.
var optionOwners = map[string]string{
	"answer_format":     "medqa, medmcqa, pubmedqa, medcalc_bench",
	"use_think":         "medqa, medmcqa, pubmedqa, medcalc_bench, med_dialog",
	"shuffle_answers":   "medqa, medmcqa, pubmedqa",
	"shuffle_seed":      "medqa, medmcqa, pubmedqa",
	"shuffle_mode":      "medqa, medmcqa, pubmedqa",
	"answer_text_guard": "medqa, medmcqa, pubmedqa",
	"judge_quorum":      "medec, med_dialog, medcasereasoning",
	"use_tools":         "medcalc_bench",
	"tools":             "medcalc_bench",
	"max_turns":         "medcalc_bench",
	"one_shot":          "medcalc_bench",
	"dataset_variant":   "medcalc_bench",
	"subset":            "med_dialog",
	"dedupe":            "med_dialog",
	"eval_method":       "medec",
}

// renamedOptions maps upstream argument names to this project's names.
var renamedOptions = map[string]string{
	"version":             "dataset_variant",
	"add_python_tool":     "tools",
	"add_calculator_tool": "tools",
	"shuffle":             "shuffle_answers",
	"think":               "use_think",
}

// OptionSet parses and validates the options of one env: the one validation
// path every env shares. It is immutable and safe for concurrent use.
type OptionSet struct {
	env    string
	specs  []OptionSpec
	byName map[string]int
	// config holds the server config's validated option values.
	config map[string]any
	// templates are the env's registered prompt templates by name.
	templates map[string]*Template
}

// NewOptionSet builds the option set of env from its own specs (the common
// ones are added), the server config's defaults (JSON values, validated here)
// and the registered templates.
func NewOptionSet(env string, specs []OptionSpec, config map[string]json.RawMessage, templates map[string]*Template) (*OptionSet, error) {
	s := &OptionSet{env: env, byName: map[string]int{}, config: map[string]any{}, templates: templates}
	for _, sp := range append(CommonOptions(), specs...) {
		if _, dup := s.byName[sp.Name]; dup {
			return nil, fmt.Errorf("envs: %s declares option %q twice", env, sp.Name)
		}
		s.byName[sp.Name] = len(s.specs)
		s.specs = append(s.specs, sp)
	}
	names := make([]string, 0, len(config))
	for k := range config {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v, err := s.value("envs."+env+".options."+k, k, config[k])
		if err != nil {
			return nil, err
		}
		if v != nil {
			s.config[k] = v
		}
	}
	if err := s.checkTemplate("envs."+env+".options."+OptPromptTemplate, s.config[OptPromptTemplate]); err != nil {
		return nil, err
	}
	return s, nil
}

// Specs returns the specs, common ones first.
func (s *OptionSet) Specs() []OptionSpec { return s.specs }

// TemplateNames lists the registered prompt templates, sorted.
func (s *OptionSet) TemplateNames() []string {
	out := make([]string, 0, len(s.templates))
	for k := range s.templates {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *OptionSet) names() string {
	out := make([]string, len(s.specs))
	for i, sp := range s.specs {
		out[i] = sp.Name
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// value decodes and checks one raw JSON value; nil means JSON null (absent).
func (s *OptionSet) value(field, name string, raw json.RawMessage) (any, error) {
	i, ok := s.byName[name]
	if !ok {
		if to, ok := renamedOptions[name]; ok {
			return nil, Fieldf(field, "renamed: use %q instead (options of %s: %s)", to, s.env, s.names())
		}
		if owners, ok := optionOwners[name]; ok {
			return nil, Fieldf(field, "%q is not an option of %s (it belongs to %s); its options are: %s", name, s.env, owners, s.names())
		}
		return nil, Fieldf(field, "unknown option of %s; its options are: %s", s.env, s.names())
	}
	sp := s.specs[i]
	raw = bytes.TrimSpace(raw)
	if string(raw) == "null" {
		return nil, nil
	}
	got := string(raw)
	if len(got) > 40 {
		got = got[:40] + "…"
	}
	var v any
	switch sp.Type {
	case Bool:
		switch string(raw) {
		case "true":
			v = true
		case "false":
			v = false
		default:
			return nil, Fieldf(field, "want bool, got %s", got)
		}
	case Int:
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil || !json.Valid(raw) || raw[0] == '"' {
			return nil, Fieldf(field, "want integer, got %s", got)
		}
		if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return nil, Fieldf(field, "want integer, got %s", got)
		}
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			n = int64(f)
		}
		v = n
	case Number:
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil || raw[0] == '"' || !json.Valid(raw) {
			return nil, Fieldf(field, "want number, got %s", got)
		}
		v = f
	case String:
		var str string
		if err := json.Unmarshal(raw, &str); err != nil {
			return nil, Fieldf(field, "want string, got %s", got)
		}
		if !utf8.ValidString(str) {
			return nil, Fieldf(field, "invalid UTF-8")
		}
		if len(sp.Allowed) > 0 && !slices.Contains(sp.Allowed, str) {
			return nil, Fieldf(field, "want one of %s, got %q", quoteList(sp.Allowed), str)
		}
		v = str
	case Strings:
		var strs []string
		if err := json.Unmarshal(raw, &strs); err != nil || raw[0] != '[' {
			return nil, Fieldf(field, "want a list of strings, got %s", got)
		}
		for _, str := range strs {
			if !utf8.ValidString(str) {
				return nil, Fieldf(field, "invalid UTF-8")
			}
		}
		v = strs
	}
	if sp.Check != nil {
		if err := sp.Check(v); err != nil {
			return nil, Fieldf(field, "%v", err)
		}
	}
	return v, nil
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}

func (s *OptionSet) checkTemplate(field string, name any) error {
	n, _ := name.(string)
	if n == "" {
		return nil
	}
	if _, ok := s.templates[n]; !ok {
		names := s.TemplateNames()
		if len(names) == 0 {
			return Fieldf(field, "unknown prompt template %q: %s has no registered templates", n, s.env)
		}
		return Fieldf(field, "unknown prompt template %q; templates of %s: %s", n, s.env, strings.Join(names, ", "))
	}
	return nil
}

// Parse validates an options object (JSON text; empty means {}) and merges it
// with the config and built-in defaults, in the precedence of
// ../spec/common.md §10: request option, what the request's compat implies,
// config option, what the config's compat implies, built-in default.
func (s *OptionSet) Parse(raw string) (Values, error) {
	var req map[string]json.RawMessage
	if strings.TrimSpace(raw) != "" {
		if len(raw) > MaxOptionsBytes {
			return Values{}, Fieldf("options", "object of %d bytes exceeds the %d-byte limit", len(raw), MaxOptionsBytes)
		}
		if !utf8.ValidString(raw) {
			return Values{}, Fieldf("options", "invalid UTF-8")
		}
		dec := json.NewDecoder(strings.NewReader(raw))
		if err := dec.Decode(&req); err != nil || req == nil {
			return Values{}, Fieldf("options", "want a JSON object")
		}
		if dec.More() {
			return Values{}, Fieldf("options", "want one JSON object, got trailing data")
		}
	}
	given := make(map[string]any, len(req))
	keys := make([]string, 0, len(req))
	for k := range req {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, err := s.value("options."+k, k, req[k])
		if err != nil {
			return Values{}, err
		}
		if v != nil {
			given[k] = v
		}
	}
	if err := s.checkTemplate("options."+OptPromptTemplate, given[OptPromptTemplate]); err != nil {
		return Values{}, err
	}
	reqCompat, reqHasCompat := given[OptCompat]
	vals := make(map[string]any, len(s.specs))
	for _, sp := range s.specs {
		if v, ok := given[sp.Name]; ok {
			vals[sp.Name] = v
			continue
		}
		if reqHasCompat {
			if reqCompat == CompatMedmarks && sp.Compat != nil {
				vals[sp.Name] = sp.Compat
				continue
			}
		}
		if v, ok := s.config[sp.Name]; ok {
			vals[sp.Name] = v
			continue
		}
		if !reqHasCompat && s.config[OptCompat] == CompatMedmarks && sp.Compat != nil {
			vals[sp.Name] = sp.Compat
			continue
		}
		vals[sp.Name] = sp.Default
	}
	v := Values{vals: vals, given: given, set: s}
	budget, weight := v.Int(OptLengthBudgetTokens), v.Float(OptEfficiencyWeight)
	switch {
	case budget > 0 && weight == 0:
		return Values{}, Fieldf("options."+OptEfficiencyWeight, "required (in (0, 1]) when length_budget_tokens is set")
	case weight > 0 && budget == 0:
		return Values{}, Fieldf("options."+OptLengthBudgetTokens, "required (> 0) when efficiency_weight is set")
	}
	return v, nil
}

// Effective returns every option with its effective default (config and
// config compat applied), for ListEnvs.
func (s *OptionSet) Effective() []OptionInfo {
	v, err := s.Parse("")
	out := make([]OptionInfo, 0, len(s.specs))
	for _, sp := range s.specs {
		def := sp.Default
		if err == nil {
			def = v.vals[sp.Name]
		}
		b, _ := json.Marshal(def)
		out = append(out, OptionInfo{Name: sp.Name, Type: sp.Type.String(), DefaultJSON: string(b), Description: sp.Description, Allowed: sp.Allowed})
	}
	return out
}

// OptionInfo describes an option for ListEnvs.
type OptionInfo struct {
	Name, Type, DefaultJSON, Description string
	Allowed                              []string
}

// Values are validated, merged options. The zero Values answers every
// getter with the zero value.
type Values struct {
	vals  map[string]any
	given map[string]any
	set   *OptionSet
}

// Bool returns a bool option.
func (v Values) Bool(name string) bool { b, _ := v.vals[name].(bool); return b }

// Int returns an int option.
func (v Values) Int(name string) int64 { n, _ := v.vals[name].(int64); return n }

// Float returns a number option.
func (v Values) Float(name string) float64 { f, _ := v.vals[name].(float64); return f }

// String returns a string option.
func (v Values) String(name string) string { s, _ := v.vals[name].(string); return s }

// Strings returns a list-of-strings option (a copy).
func (v Values) Strings(name string) []string {
	ss, _ := v.vals[name].([]string)
	return slices.Clone(ss)
}

// Given reports whether the request itself set the option.
func (v Values) Given(name string) bool { _, ok := v.given[name]; return ok }

// Template returns the prompt template the options name, or nil.
func (v Values) Template() *Template {
	if v.set == nil {
		return nil
	}
	return v.set.templates[v.String(OptPromptTemplate)]
}

// JSON is every effective value as one canonical JSON object: what an
// episode stores so that Parse gives the same Values after a restart, even
// if the server's config defaults changed meanwhile.
func (v Values) JSON() string {
	b, _ := json.Marshal(v.vals)
	return string(b)
}

// Efficiency returns the budget and weight of the efficiency component;
// both zero when it is off.
func (v Values) Efficiency() (budget int64, weight float64) {
	return v.Int(OptLengthBudgetTokens), v.Float(OptEfficiencyWeight)
}
