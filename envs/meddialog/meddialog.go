package meddialog

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/judgedenv"
)

// Name is the env's name.
const Name = "med_dialog"

// Option names (med_dialog.md §6).
const (
	OptSubset   = "subset"
	OptDedupe   = "dedupe"
	OptUseThink = "use_think"
	subsetBoth  = "both"
)

var components = []envs.ComponentInfo{
	{Name: criteria[0], Weight: 1.0 / 3, Description: "judge's 1–5 accuracy score, (s − 1)/4, mean over judges"},
	{Name: criteria[1], Weight: 1.0 / 3, Description: "judge's 1–5 completeness score, (s − 1)/4, mean over judges"},
	{Name: criteria[2], Weight: 1.0 / 3, Description: "judge's 1–5 clarity score, (s − 1)/4, mean over judges"},
}

// New loads MedDialog from set.Data and takes its judge from set. The env
// is safe for concurrent use.
func New(_ context.Context, set envs.Settings) (envs.Env, error) {
	ss, reason, err := load(set, judgedenv.Logger(set, Name))
	if err != nil {
		return nil, err
	}
	spec := judgedenv.Spec[*row]{Name: Name, Components: components,
		Description: "MedDialog (HELM/MedHELM summarisation): summarise a patient–doctor conversation in one sentence stating the patient's question; rated 1–5 by an LLM judge on accuracy, completeness and clarity",
		Options:     options, Prompt: prompt, Vars: templateVars, Inline: inline, Grade: grade}
	names := envs.Splits{Env: Name, Known: splitNames, Reason: reason,
		Unserved: func(s string) string {
			var looked []string
			for _, sub := range subsets {
				looked = append(looked, layout(sub).Looked(s)...)
			}
			return fmt.Sprintf("no data for it under --data (looked for %s)", strings.Join(looked, ", "))
		}}
	for name := range ss {
		names.Loaded = append(names.Loaded, name)
	}
	return judgedenv.New(spec, ss, names, set), nil
}

// options are MedDialog's options for a judge of n judges.
func options(n int) []envs.OptionSpec {
	return []envs.OptionSpec{
		{Name: OptSubset, Type: envs.String, Default: subsetBoth, Allowed: append([]string{subsetBoth}, subsets...),
			Description: "healthcaremagic, icliniq, or both: every subset present, healthcaremagic first"},
		{Name: OptDedupe, Type: envs.Bool, Default: false, Description: "serve only the first row of each distinct dialogue (src) within a subset's split"},
		{Name: OptUseThink, Type: envs.Bool, Default: false, Description: "ask for reasoning inside <think>…</think> before the summary"},
		envs.JudgeQuorumOption(n),
	}
}

// templateVars are a row's prompt-template variables (../spec/common.md §3).
func templateVars(r *row, _ string) map[string]any { return map[string]any{"conversation": r.src} }

// prompt gives an episode's built-in system and user messages.
func prompt(r *row, opts envs.Values) (system, user string) {
	if opts.Bool(OptUseThink) {
		return systemPromptThink, r.src
	}
	return systemPrompt, r.src
}

// splits are MedDialog's loaded splits by name; they are its
// judgedenv.Rows.
type splits map[string]*split

// Len implements judgedenv.Rows.
func (ss splits) Len(name string) int { return ss[name].rows() }

// First implements judgedenv.Rows.
func (ss splits) First(name string) (*row, string) {
	id, r, _ := ss[name].parts[0].table.At(0)
	return r, id
}

// Pick implements judgedenv.Rows: among the first num_examples rows of the
// view the options select.
func (ss splits) Pick(name, id string, index *int64, seed uint64, opts envs.Values) (*row, string, error) {
	v, err := ss[name].view(opts)
	if err != nil {
		return nil, "", err
	}
	i, err := envs.PickRow(Name+" "+name, envs.Limit(v.len(), opts), id, index, seed, v.find)
	if err != nil {
		return nil, "", err
	}
	p, pos := v.at(i)
	rid, r, _ := p.table.At(pos)
	return r, rid, nil
}

// Find implements judgedenv.Rows.
func (ss splits) Find(name, id string) (*row, bool) { return ss[name].lookup(id) }

// view is a split as the options select it: its subsets, deduplicated or
// not, before num_examples.
type view struct {
	split  *split
	parts  []*part
	dedupe bool
}

// view is s as opts select it; a subset without rows in s is
// ErrUnknownSplit.
func (s *split) view(opts envs.Values) (view, error) {
	v := view{split: s, dedupe: opts.Bool(OptDedupe)}
	sub := opts.String(OptSubset)
	if sub == subsetBoth || sub == "" {
		v.parts = s.parts
		return v, nil
	}
	i := slices.IndexFunc(s.parts, func(p *part) bool { return p.subset == sub })
	if i < 0 {
		return view{}, envs.NotFound(envs.ErrUnknownSplit, "%s %s has no %s rows: no file for it under --data (looked for %s)",
			Name, s.name, sub, strings.Join(layout(sub).Looked(s.name), ", "))
	}
	v.parts = s.parts[i : i+1]
	return v, nil
}

func (v view) size(p *part) int {
	if v.dedupe {
		return len(p.unique)
	}
	return p.table.Len()
}

// len is the number of rows the view serves.
func (v view) len() int {
	n := 0
	for _, p := range v.parts {
		n += v.size(p)
	}
	return n
}

// at returns the row at position i of the view.
func (v view) at(i int) (*part, int) {
	for _, p := range v.parts {
		if n := v.size(p); i >= n {
			i -= n
			continue
		}
		if v.dedupe {
			return p, int(p.unique[i])
		}
		return p, i
	}
	return nil, -1
}

// find returns the position of an example id in the view, or why it is
// not served.
func (v view) find(id string) (int, error) {
	sub, _, _ := strings.Cut(id, "-")
	off := 0
	for _, p := range v.parts {
		if p.subset != sub {
			off += v.size(p)
			continue
		}
		pos, _, ok := p.table.Lookup(id)
		switch {
		case !ok:
		case !v.dedupe:
			return off + pos, nil
		case p.rank[pos] < 0:
			return 0, envs.NotFound(envs.ErrUnknownExample, "%s %s example %q repeats the dialogue of %s and dedupe is on",
				Name, v.split.name, id, p.table.ID(int(p.first[pos])))
		default:
			return off + int(p.rank[pos]), nil
		}
		break
	}
	if _, ok := v.split.lookup(id); ok {
		return 0, envs.NotFound(envs.ErrUnknownExample, "%s %s example %q is not in the selected subset", Name, v.split.name, id)
	}
	return 0, envs.NotFound(envs.ErrUnknownExample, "%s %s has no example %q", Name, v.split.name, id)
}

// lookup finds a row by id in any part of a split, whatever the options.
func (s *split) lookup(id string) (*row, bool) {
	for _, p := range s.parts {
		if _, r, ok := p.table.Lookup(id); ok {
			return r, true
		}
	}
	return nil, false
}

// inline parses an inline example: src and tgt, optionally id and subset.
func inline(raw []byte) (*row, error) {
	var r rawRow
	if err := json.Unmarshal(raw, &r); err != nil {
		if te, ok := err.(*json.UnmarshalTypeError); ok {
			return nil, envs.Inputf("example."+te.Field, "want %s", te.Type.String())
		}
		return nil, envs.Inputf("example", "not a JSON object with src and tgt: %v", err)
	}
	switch {
	case r.Src == nil:
		return nil, envs.Inputf("example.src", "required")
	case r.Tgt == nil:
		return nil, envs.Inputf("example.tgt", "required")
	case envs.TrimPy(*r.Src) == "":
		return nil, envs.Inputf("example.src", "empty")
	case envs.TrimPy(*r.Tgt) == "":
		return nil, envs.Inputf("example.tgt", "empty")
	}
	return &row{src: *r.Src, tgt: *r.Tgt, fileID: idText(r.ID)}, nil
}
