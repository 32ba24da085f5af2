package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/medarc-ai/medmarks-t/envs"
)

func runEnvs(ctx context.Context, args []string, io stdio) error {
	fs := newFlagSet("envs", "envs [--data DIR] [--config FILE] [--json]", io)
	dataDir := fs.String("data", "", "data directory (default: the embedded demo set)")
	config := fs.String("config", "", "YAML config file (option defaults, prompt templates)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*config)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	reg, err := buildRegistry(ctx, cfg, *dataDir, envs.Settings{})
	if err != nil {
		return err
	}
	type splitOut struct {
		Name    string `json:"name"`
		Rows    int    `json:"rows"`
		Default bool   `json:"default,omitempty"`
		Demo    bool   `json:"demo,omitempty"`
	}
	type envOut struct {
		Name        string            `json:"name"`
		Version     string            `json:"version"`
		Splits      []splitOut        `json:"splits"`
		Unavailable string            `json:"unavailable_reason,omitempty"`
		Tools       []string          `json:"tools,omitempty"`
		Judge       bool              `json:"judge_required,omitempty"`
		Templates   []string          `json:"prompt_templates,omitempty"`
		Options     map[string]string `json:"options"`
	}
	var out []envOut
	for _, e := range reg.All() {
		info := e.Env.Info()
		o := envOut{Name: info.Name, Version: e.Version(), Unavailable: info.UnavailableReason, Tools: info.Tools,
			Judge: info.JudgeRequired, Templates: e.Options.TemplateNames(), Options: map[string]string{}}
		for _, s := range info.Splits {
			o.Splits = append(o.Splits, splitOut{s.Name, s.Rows, s.Default, s.Demo})
		}
		for _, op := range e.Options.Effective() {
			o.Options[op.Name] = op.DefaultJSON
		}
		out = append(out, o)
	}
	if *asJSON {
		enc := json.NewEncoder(io.out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(io.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ENV\tVERSION\tSPLITS (rows; * default)\tNOTES")
	for _, o := range out {
		var parts []string
		for _, s := range o.Splits {
			mark := ""
			if s.Default {
				mark = "*"
			}
			parts = append(parts, fmt.Sprintf("%s%s (%d)", s.Name, mark, s.Rows))
		}
		var notes []string
		if len(o.Splits) > 0 && o.Splits[0].Demo {
			notes = append(notes, "demo data")
		}
		if o.Unavailable != "" {
			notes = append(notes, o.Unavailable)
		}
		if o.Judge {
			notes = append(notes, "needs a judge")
		}
		if len(o.Tools) > 0 {
			notes = append(notes, "tools: "+strings.Join(o.Tools, ", "))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", o.Name, o.Version, strings.Join(parts, ", "), strings.Join(notes, "; "))
	}
	return tw.Flush()
}
