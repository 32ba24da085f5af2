package medcalcbench

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards/medcalc"
)

// Name is the env's name; Alias is the upstream id.
const (
	Name  = "medcalc_bench"
	Alias = "medcalc-bench"
)

// Option names (spec §9).
const (
	OptDatasetVariant = "dataset_variant"
	OptOneShot        = "one_shot"
	OptUseTools       = "use_tools"
	OptTools          = "tools"
	OptMaxTurns       = "max_turns"
	OptAnswerFormat   = "answer_format"
	OptUseThink       = "use_think"
)

// Tool names (spec §8).
const (
	ToolCalculator = "calculator"
	ToolPython     = "python"
	// toolPythonAlias is upstream's name of the python tool, accepted in
	// calls when python is offered.
	toolPythonAlias = "code_interpreter"
)

// allTools are the tools in the order they are offered.
var allTools = []string{ToolCalculator, ToolPython}

// Env is MedCalc-Bench. Safe for concurrent use.
type Env struct {
	variants []*variant // loaded, in variantDefs order
	def      *variant   // default variant; nil when none is loaded
	// exemplars are the Verified one_shot rows by calculator id; nil when
	// that split is not loaded.
	exemplars map[int]*Row
	tools     envs.Tools
	// offered are the tools this server can run, in allTools order.
	offered []string
	demo    bool
	reason  string
	log     *zap.Logger
}

// New loads MedCalc-Bench from set.Data: every variant folder present
// (spec §2.1).
func New(_ context.Context, set envs.Settings) (envs.Env, error) {
	log := set.Logger
	if log == nil {
		log = zap.NewNop()
	}
	e := &Env{tools: set.Tools, demo: set.Demo, log: log}
	for _, d := range variantDefs {
		v, err := loadVariant(set, log, d)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", Name, err)
		}
		if v != nil && len(v.splits) > 0 {
			e.variants = append(e.variants, v)
		}
	}
	for _, v := range e.variants { // the first with a test split
		if _, ok := v.splits[SplitTest]; ok {
			e.def = v
			break
		}
	}
	if e.def == nil && len(e.variants) > 0 {
		e.def = e.variants[0]
	}
	if len(e.variants) == 0 {
		e.reason = fmt.Sprintf("no data files under %s/{verified,v1.2,v1.0}/ (e.g. v1.0/test_data.csv, verified/one_shot_data.csv, or Hugging Face exports named after their split)", Name)
	}
	if v := e.variant(VariantVerified); v != nil {
		if s, ok := v.splits[SplitOneShot]; ok {
			e.exemplars = map[int]*Row{}
			for i := range s.table.Len() {
				_, r, _ := s.table.At(i)
				if _, dup := e.exemplars[r.Gold.CalculatorID]; !dup {
					e.exemplars[r.Gold.CalculatorID] = r
				}
			}
		}
	}
	if set.Tools != nil {
		for _, sp := range set.Tools.Specs(allTools) {
			if slices.Contains(allTools, sp.Name) && !slices.Contains(e.offered, sp.Name) {
				e.offered = append(e.offered, sp.Name)
			}
		}
		slices.SortFunc(e.offered, func(a, b string) int { return slices.Index(allTools, a) - slices.Index(allTools, b) })
	}
	return e, nil
}

func (e *Env) variant(name string) *variant {
	for _, v := range e.variants {
		if v.def.name == name {
			return v
		}
	}
	return nil
}

func (e *Env) loadedVariants() []string {
	out := make([]string, len(e.variants))
	for i, v := range e.variants {
		out[i] = v.def.name
	}
	return out
}

// defaultSplit is the variant's first loaded split in splitNames order.
func (v *variant) defaultSplit() *split {
	if o := v.order(); len(o) > 0 {
		return o[0]
	}
	return nil
}

// Info implements envs.Env.
func (e *Env) Info() envs.Info {
	info := envs.Info{Name: Name, Aliases: []string{Alias},
		Description: "MedCalc-Bench: compute a clinical score, value, date or gestational age from a patient note; official MedCalc-Bench answer check",
		Components: []envs.ComponentInfo{
			{Name: "correctness", Weight: 1, Description: "1 when the answer passes the official MedCalc-Bench check for the calculator's output type"},
			{Name: "num_turns", Description: "tool mode only, for monitoring: assistant messages"},
			{Name: "tool_calls", Description: "tool mode only, for monitoring: tool calls made"},
			{Name: "calculator_calls", Description: "tool mode only, for monitoring: calculator calls"},
			{Name: "python_calls", Description: "tool mode only, for monitoring: python calls"},
		},
		Tools: slices.Clone(e.offered)}
	vs := slices.Clone(e.variants)
	if e.def != nil { // the default variant first
		vs = append([]*variant{e.def}, slices.DeleteFunc(vs, func(v *variant) bool { return v == e.def })...)
	}
	for _, v := range vs {
		for _, s := range v.order() {
			info.Splits = append(info.Splits, envs.SplitInfo{Name: s.qualified(), Rows: s.table.Len(),
				Default: v == e.def && s == v.defaultSplit(), Demo: e.demo})
		}
	}
	if len(info.Splits) == 0 {
		info.UnavailableReason = e.reason
	}
	return info
}

// Options implements envs.Env.
func (e *Env) Options() []envs.OptionSpec {
	defVariant := ""
	if e.def != nil {
		defVariant = e.def.def.name
	}
	defTools := slices.Clone(e.offered)
	if len(defTools) == 0 {
		defTools = slices.Clone(allTools)
	}
	return []envs.OptionSpec{
		{Name: OptDatasetVariant, Type: envs.String, Default: defVariant, Check: e.checkVariant,
			Description: "which release's rows: verified, 1.2 or 1.0 (also v1.2, v1.0); default: the first of them with a test split loaded"},
		{Name: OptOneShot, Type: envs.Bool, Default: false,
			Description: "one-shot prompt with the Verified exemplar of the same calculator"},
		{Name: OptUseTools, Type: envs.Bool, Default: false,
			Description: "tool mode: the calculator and python tools, up to max_turns assistant turns"},
		{Name: OptTools, Type: envs.Strings, Default: defTools, Check: checkTools,
			Description: "tools offered in tool mode, in this order (calculator, python); only with use_tools"},
		{Name: OptMaxTurns, Type: envs.Int, Default: int64(20), Check: envs.IntRange(1, 100),
			Description: "tool mode: the most assistant messages of an episode (without tools an episode has 1 turn)"},
		{Name: OptAnswerFormat, Type: envs.String, Default: envs.FormatXML, Check: checkAnswerFormat,
			Description: `only "xml": the final value inside <answer>…</answer>`},
		{Name: OptUseThink, Type: envs.Bool, Default: false,
			Description: "ask for <think>…</think> first; the one-shot response is wrapped in <think> too"},
	}
}

func (e *Env) checkVariant(v any) error {
	name, ok := canonicalVariant(v.(string))
	if !ok {
		return fmt.Errorf("want one of verified, 1.2, 1.0 (or v1.2, v1.0), got %q", v)
	}
	if e.variant(name) == nil {
		loaded := strings.Join(e.loadedVariants(), ", ")
		if loaded == "" {
			loaded = "none"
		}
		return fmt.Errorf("variant %q is not loaded; loaded variants: %s", name, loaded)
	}
	return nil
}

func checkTools(v any) error {
	ts := v.([]string)
	if len(ts) == 0 {
		return errors.New("want at least one of calculator, python")
	}
	for i, t := range ts {
		if !slices.Contains(allTools, t) {
			return fmt.Errorf("unknown tool %q; tools: calculator, python", t)
		}
		if slices.Index(ts, t) != i {
			return fmt.Errorf("tool %q listed twice", t)
		}
	}
	return nil
}

func checkAnswerFormat(v any) error {
	switch v.(string) {
	case envs.FormatXML:
		return nil
	case envs.FormatBoxed:
		return errors.New(`answer_format "boxed" is not supported by medcalc_bench (the upstream environment fails to load with it); use "xml"`)
	}
	return fmt.Errorf(`want "xml", got %q`, v)
}

// TemplateVars implements envs.Env.
func (e *Env) TemplateVars() map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, v := range e.variants {
		for _, s := range v.order() {
			_, r, _ := s.table.At(0)
			out[s.qualified()] = promptVars(r, nil, false, nil)
		}
	}
	return out
}

// resolve finds the split a request names: "<variant>/<split>", or a plain
// split name of the variant dataset_variant selects; "" is that variant's
// default split (spec §9).
func (e *Env) resolve(name string, opts envs.Values) (*split, error) {
	vname, sname, prefixed := strings.Cut(name, "/")
	if !prefixed {
		vname, sname = opts.String(OptDatasetVariant), name
	}
	canon, ok := canonicalVariant(vname)
	switch {
	case !ok && prefixed:
		return nil, envs.NotFound(envs.ErrUnknownSplit, "%s has no split %q; its splits are <variant>/<split> with variants verified, 1.2, 1.0 and splits %s (loaded: %s)",
			Name, name, strings.Join(splitNames, ", "), strings.Join(e.loadedSplits(), ", "))
	case !ok && vname == "" && e.def != nil:
		canon = e.def.def.name
	case !ok:
		return nil, envs.NotFound(envs.ErrUnknownSplit, "%s has no data loaded: %s", Name, e.reason)
	}
	if prefixed && opts.Given(OptDatasetVariant) {
		if given, _ := canonicalVariant(opts.String(OptDatasetVariant)); given != canon {
			return nil, envs.Fieldf("split", "%q names variant %s, but options.dataset_variant is %q", name, canon, opts.String(OptDatasetVariant))
		}
	}
	v := e.variant(canon)
	if sname == "" {
		if v == nil {
			return nil, envs.NotFound(envs.ErrUnknownSplit, "%s variant %s is not loaded (loaded: %s)", Name, canon, strings.Join(e.loadedVariants(), ", "))
		}
		return v.defaultSplit(), nil
	}
	if !slices.Contains(splitNames, sname) {
		return nil, envs.NotFound(envs.ErrUnknownSplit, "%s has no split %q; its splits: %s of each variant, written <variant>/<split> (loaded: %s)",
			Name, name, strings.Join(splitNames, ", "), strings.Join(e.loadedSplits(), ", "))
	}
	if v != nil {
		if s, ok := v.splits[sname]; ok {
			return s, nil
		}
	}
	return nil, envs.NotFound(envs.ErrUnknownSplit, "%s split %s/%s is not loaded: no data for it under --data (looked for %s); loaded: %s",
		Name, canon, sname, strings.Join(e.looked(canon, sname), ", "), strings.Join(e.loadedSplits(), ", "))
}

func (e *Env) loadedSplits() []string {
	var out []string
	for _, v := range e.variants {
		for _, s := range v.order() {
			out = append(out, s.qualified())
		}
	}
	return out
}

// looked names the files a missing split would come from.
func (e *Env) looked(vname, sname string) []string {
	for _, d := range variantDefs {
		if d.name == vname {
			dir := Name + "/" + d.dir
			return []string{dir + "/" + sname + "*.{csv,jsonl,json,parquet}", dir + "/data/" + sname + "-*.parquet"}
		}
	}
	return nil
}

// row picks a row of s (../spec/common.md §1 rule 3) among the first
// num_examples.
func (e *Env) row(s *split, id string, index *int64, seed uint64, opts envs.Values) (*Row, error) {
	where := Name + " " + s.qualified()
	i, err := envs.PickRow(where, envs.Limit(s.table.Len(), opts), id, index, seed, func(id string) (int, error) {
		i, _, ok := s.table.Lookup(id)
		if !ok {
			return 0, envs.NotFound(envs.ErrUnknownExample, "%s has no example %q", where, id)
		}
		return i, nil
	})
	if err != nil {
		return nil, err
	}
	_, r, _ := s.table.At(i)
	return r, nil
}

// exemplar returns the one-shot exemplar for r, or the error of spec §4.2.
func (e *Env) exemplar(s *split, r *Row) (*Row, error) {
	if s.name == SplitOneShot {
		return nil, envs.Fieldf("options."+OptOneShot, "cannot be used on the one_shot split (the example would be the question)")
	}
	if e.exemplars == nil {
		return nil, envs.Fieldf("options."+OptOneShot, "no one-shot exemplars are loaded: the Verified one_shot split (%s/verified/one_shot_data.csv, or a Hugging Face export of it) is missing", Name)
	}
	ex, ok := e.exemplars[r.Gold.CalculatorID]
	if !ok {
		return nil, envs.Fieldf("options."+OptOneShot, "the Verified one_shot split has no exemplar for calculator %d", r.Gold.CalculatorID)
	}
	return ex, nil
}

// toolsFor checks the tool options and returns the tools offered: nil
// without use_tools.
func (e *Env) toolsFor(opts envs.Values) ([]string, error) {
	if !opts.Bool(OptUseTools) {
		if opts.Given(OptTools) {
			return nil, envs.Fieldf("options."+OptTools, "given while use_tools is false; set use_tools: true to offer tools")
		}
		return nil, nil
	}
	return opts.Strings(OptTools), nil
}

// checkAvailable refuses tools this server cannot run (Reset only: Score
// runs no tool).
func (e *Env) checkAvailable(tools []string) error {
	if len(tools) == 0 {
		return nil
	}
	if e.tools == nil {
		return fmt.Errorf("%w: %s tool mode needs the calculator and python tools, which are disabled on this server", envs.ErrPrecondition, Name)
	}
	for _, t := range tools {
		if !slices.Contains(e.offered, t) {
			return fmt.Errorf("%w: the %s tool is disabled on this server (no sandbox for it); offered here: %s", envs.ErrPrecondition, t, strings.Join(e.offered, ", "))
		}
	}
	return nil
}

// mode is the verifier mode the options select.
func mode(opts envs.Values) medcalc.Mode {
	if opts.String(envs.OptCompat) == envs.CompatMedmarks {
		return medcalc.Medmarks
	}
	return medcalc.Official
}
