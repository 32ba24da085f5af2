package envs

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"text/template"

	"go.yaml.in/yaml/v3"
)

// Template is a named prompt template file (../spec/common.md §3): YAML with
// a "user" key and an optional "system" key, each a text/template executed
// with missingkey=error over the env's variables.
type Template struct {
	Name string
	Path string
	// HasSystem is false when the file has no system key: the built-in
	// system message is kept. A system key with an empty string means no
	// system message at all.
	HasSystem bool
	system    *template.Template
	user      *template.Template
}

type templateFile struct {
	User   *string `yaml:"user"`
	System *string `yaml:"system"`
}

// LoadTemplate reads and parses a template file.
func LoadTemplate(name, path string) (*Template, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("prompt template %s: %w", name, err)
	}
	return ParseTemplate(name, path, b)
}

// ParseTemplate parses template file contents; path names it in errors.
func ParseTemplate(name, path string, data []byte) (*Template, error) {
	var f templateFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("prompt template %s (%s): %w", name, path, err)
	}
	if f.User == nil {
		return nil, fmt.Errorf("prompt template %s (%s): missing key \"user\"", name, path)
	}
	t := &Template{Name: name, Path: path}
	var err error
	// The template is named after its file so that execution errors read
	// "template: <path>:<line>:<col>: … map has no entry for key …".
	if t.user, err = template.New(path).Option("missingkey=error").Parse(*f.User); err != nil {
		return nil, fmt.Errorf("prompt template %s: user: %w", name, err)
	}
	if f.System != nil {
		t.HasSystem = true
		if t.system, err = template.New(path + "#system").Option("missingkey=error").Parse(*f.System); err != nil {
			return nil, fmt.Errorf("prompt template %s: system: %w", name, err)
		}
	}
	return t, nil
}

// Render executes the template over vars. system is meaningful only when
// t.HasSystem.
func (t *Template) Render(vars map[string]any) (system, user string, err error) {
	var b strings.Builder
	if err := t.user.Execute(&b, vars); err != nil {
		return "", "", fmt.Errorf("prompt template %s: %w", t.Name, err)
	}
	user = b.String()
	if t.system != nil {
		b.Reset()
		if err := t.system.Execute(&b, vars); err != nil {
			return "", "", fmt.Errorf("prompt template %s: %w", t.Name, err)
		}
		system = b.String()
	}
	return system, user, nil
}

// Observation builds the system + user messages with the precedence of
// ../spec/common.md §3: option system_prompt > the template's system > the
// built-in one. With no template, user is the built-in user message.
func Observation(opts Values, builtinSystem, builtinUser string, vars map[string]any) ([]Message, error) {
	system, user := builtinSystem, builtinUser
	hasSystem := true
	if t := opts.Template(); t != nil {
		ts, tu, err := t.Render(vars)
		if err != nil {
			return nil, err
		}
		user = tu
		if t.HasSystem {
			system, hasSystem = ts, ts != ""
		}
	}
	if sp := opts.String(OptSystemPrompt); sp != "" {
		system, hasSystem = sp, true
	}
	msgs := make([]Message, 0, 2)
	if hasSystem {
		msgs = append(msgs, Message{Role: "system", Content: system})
	}
	return append(msgs, Message{Role: "user", Content: user}), nil
}
