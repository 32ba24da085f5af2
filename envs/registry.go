package envs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"
)

// Constructor loads an env's data from set.Data.
type Constructor func(ctx context.Context, set Settings) (Env, error)

// Config is the operator's per-env configuration.
type Config struct {
	// Options are defaults for every request, as JSON values.
	Options map[string]json.RawMessage
	// Templates maps a template name to its file.
	Templates map[string]string
}

// Entry is one registered env with its option set.
type Entry struct {
	Env     Env
	Options *OptionSet
	name    string
	judged  bool
}

// Name is the env's canonical name.
func (e *Entry) Name() string { return e.name }

// Judged reports whether the env's rewards wait on an LLM judge: only those
// can run into the scoring deadline, so only they pay for its timer.
func (e *Entry) Judged() bool { return e.judged }

// Version is "name@version", carried by every reward.
func (e *Entry) Version() string { return e.name + "@" + Version }

// Registry is the read-only list of envs. Safe for concurrent use.
type Registry struct {
	entries []*Entry
	byName  map[string]*Entry
}

// Build runs the constructors concurrently, then checks each env's config:
// option defaults, and every registered template against the first row of
// every loaded split. Any failure stops the start.
func Build(ctx context.Context, set Settings, config map[string]Config, ctors ...Constructor) (*Registry, error) {
	built := make([]Env, len(ctors))
	g, gctx := errgroup.WithContext(ctx)
	for i, c := range ctors {
		g.Go(func() error {
			e, err := c(gctx, set)
			built[i] = e
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	r := &Registry{byName: map[string]*Entry{}}
	used := map[string]bool{}
	for _, e := range built {
		info := e.Info()
		names := append([]string{info.Name}, info.Aliases...)
		for _, n := range names {
			if _, dup := r.byName[n]; dup {
				return nil, fmt.Errorf("envs: two environments named %q", n)
			}
		}
		var cfg Config
		for _, n := range names {
			if c, ok := config[n]; ok {
				cfg = c
				used[n] = true
			}
		}
		templates := map[string]*Template{}
		for name, path := range cfg.Templates {
			t, err := LoadTemplate(info.Name+"/"+name, path)
			if err != nil {
				return nil, err
			}
			if err := checkTemplate(t, e.TemplateVars()); err != nil {
				return nil, err
			}
			templates[name] = t
		}
		set, err := NewOptionSet(info.Name, e.Options(), cfg.Options, templates)
		if err != nil {
			return nil, err
		}
		en := &Entry{Env: e, Options: set, name: info.Name, judged: info.JudgeRequired}
		r.entries = append(r.entries, en)
		for _, n := range names {
			r.byName[n] = en
		}
	}
	for n := range config {
		if !used[n] {
			return nil, fmt.Errorf("envs.%s: unknown environment; environments: %s", n, strings.Join(r.Names(), ", "))
		}
	}
	return r, nil
}

func checkTemplate(t *Template, vars map[string]map[string]any) error {
	splits := make([]string, 0, len(vars))
	for s := range vars {
		splits = append(splits, s)
	}
	sort.Strings(splits)
	var errs []error
	for _, s := range splits {
		if _, _, err := t.Render(vars[s]); err != nil {
			errs = append(errs, fmt.Errorf("%w (checked against the first row of split %s)", err, s))
		}
	}
	return errors.Join(errs...)
}

// Lookup finds an env by name or alias.
func (r *Registry) Lookup(name string) (*Entry, error) {
	if e, ok := r.byName[name]; ok {
		return e, nil
	}
	if name == "" {
		return nil, Fieldf("env", "required; environments: %s", strings.Join(r.Names(), ", "))
	}
	return nil, NotFound(ErrUnknownEnv, "%q; environments: %s", name, strings.Join(r.Names(), ", "))
}

// All lists the entries in registration order.
func (r *Registry) All() []*Entry { return r.entries }

// Names lists the canonical env names in registration order.
func (r *Registry) Names() []string {
	out := make([]string, len(r.entries))
	for i, e := range r.entries {
		out[i] = e.name
	}
	return out
}
