package envs_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/medarc-ai/medmarks-t/envs"
)

func mcqLikeSpecs() []envs.OptionSpec {
	return []envs.OptionSpec{
		{Name: "answer_format", Type: envs.String, Default: "xml", Allowed: []string{"xml", "boxed"}},
		{Name: "shuffle_seed", Type: envs.Int, Default: int64(1618), Check: envs.IntRange(-1, 1<<53)},
		{Name: "use_think", Type: envs.Bool, Default: false},
		{Name: "answer_text_guard", Type: envs.Bool, Default: true, Compat: false},
	}
}

func newSet(t *testing.T, config map[string]string) *envs.OptionSet {
	t.Helper()
	cfg := map[string]json.RawMessage{}
	for k, v := range config {
		cfg[k] = json.RawMessage(v)
	}
	s, err := envs.NewOptionSet("medqa", mcqLikeSpecs(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestOptionErrors(t *testing.T) {
	s := newSet(t, nil)
	tests := []struct {
		give      string
		wantField string
		wantText  string
	}{
		{`{"shuffle_seed": "abc"}`, "options.shuffle_seed", `want integer, got "abc"`},
		{`{"shuffle_seed": 1.5}`, "options.shuffle_seed", "want integer, got 1.5"},
		{`{"shuffle_seed": -2}`, "options.shuffle_seed", "want an integer in [-1,"},
		{`{"use_think": "yes"}`, "options.use_think", "want bool"},
		{`{"use_think": 1}`, "options.use_think", "want bool"},
		{`{"answer_format": "json"}`, "options.answer_format", `want one of "xml", "boxed", got "json"`},
		{`{"answer_format": 3}`, "options.answer_format", "want string"},
		{`{"one_shot": true}`, "options.one_shot", "is not an option of medqa (it belongs to medcalc_bench); its options are:"},
		{`{"version": "v1"}`, "options.version", `renamed: use "dataset_variant"`},
		{`{"bogus": 1}`, "options.bogus", "unknown option of medqa; its options are: answer_format,"},
		{`{"compat": "upstream"}`, "options.compat", `want one of "", "medmarks"`},
		{`{"num_examples": -1}`, "options.num_examples", "want ≥ 0"},
		{`{"efficiency_weight": 1.5}`, "options.efficiency_weight", "want a number in [0, 1]"},
		{`{"length_budget_tokens": 100}`, "options.efficiency_weight", "required"},
		{`{"efficiency_weight": 0.5}`, "options.length_budget_tokens", "required"},
		{`{"prompt_template": "nope"}`, "options.prompt_template", `unknown prompt template "nope": medqa has no registered templates`},
		{`[]`, "options", "want a JSON object"},
		{`{"a":1} {"b":2}`, "options", "trailing data"},
		{`"x"`, "options", "want a JSON object"},
		{"{\"system_prompt\": \"\xff\"}", "options", "invalid UTF-8"},
		{`{` + strings.Repeat(" ", envs.MaxOptionsBytes) + `}`, "options", "exceeds the 65536-byte limit"},
	}
	for _, tt := range tests {
		t.Run(tt.give[:min(len(tt.give), 40)], func(t *testing.T) {
			_, err := s.Parse(tt.give)
			var fe *envs.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Parse(%s) = %v, want a FieldError", tt.give, err)
			}
			if fe.Field != tt.wantField || !strings.Contains(fe.Reason, tt.wantText) {
				t.Fatalf("Parse(%s) = %q; want field %s and %q", tt.give, err, tt.wantField, tt.wantText)
			}
		})
	}
}

func TestOptionPrecedence(t *testing.T) {
	tests := []struct {
		name   string
		config map[string]string
		give   string
		want   map[string]any
	}{
		{"built-in defaults", nil, ``,
			map[string]any{"answer_text_guard": true, "shuffle_seed": int64(1618), "answer_format": "xml"}},
		{"request compat turns the guard off", nil, `{"compat": "medmarks"}`,
			map[string]any{"answer_text_guard": false}},
		{"an explicit guard wins over compat", nil, `{"compat": "medmarks", "answer_text_guard": true}`,
			map[string]any{"answer_text_guard": true}},
		{"config option", map[string]string{"shuffle_seed": "9331"}, ``,
			map[string]any{"shuffle_seed": int64(9331)}},
		{"request beats config", map[string]string{"shuffle_seed": "9331"}, `{"shuffle_seed": 7}`,
			map[string]any{"shuffle_seed": int64(7)}},
		{"request compat beats a config option", map[string]string{"answer_text_guard": "true"}, `{"compat": "medmarks"}`,
			map[string]any{"answer_text_guard": false}},
		{"config option beats config compat", map[string]string{"compat": `"medmarks"`, "answer_text_guard": "true"}, ``,
			map[string]any{"answer_text_guard": true}},
		{"config compat beats the built-in default", map[string]string{"compat": `"medmarks"`}, ``,
			map[string]any{"answer_text_guard": false}},
		{"request compat \"\" drops config compat", map[string]string{"compat": `"medmarks"`}, `{"compat": ""}`,
			map[string]any{"answer_text_guard": true}},
		{"integral float is an int", nil, `{"shuffle_seed": 3.0}`, map[string]any{"shuffle_seed": int64(3)}},
		{"null means absent", nil, `{"shuffle_seed": null}`, map[string]any{"shuffle_seed": int64(1618)}},
		{"efficiency both set", nil, `{"length_budget_tokens": 512, "efficiency_weight": 0.25}`,
			map[string]any{"length_budget_tokens": int64(512), "efficiency_weight": 0.25}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := newSet(t, tt.config).Parse(tt.give)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]any{}
			for k, want := range tt.want {
				switch want.(type) {
				case bool:
					got[k] = v.Bool(k)
				case int64:
					got[k] = v.Int(k)
				case float64:
					got[k] = v.Float(k)
				case string:
					got[k] = v.String(k)
				}
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Fatalf("values (-want +got):\n%s", d)
			}
			// JSON round-trips to the same values (what an episode stores).
			back, err := newSet(t, nil).Parse(v.JSON())
			if err != nil || back.JSON() != v.JSON() {
				t.Fatalf("JSON round trip: %v %s != %s", err, back.JSON(), v.JSON())
			}
		})
	}
}

func TestConfigDefaultsAreValidated(t *testing.T) {
	_, err := envs.NewOptionSet("medqa", mcqLikeSpecs(), map[string]json.RawMessage{"shuffle_seed": json.RawMessage(`"x"`)}, nil)
	var fe *envs.FieldError
	if !errors.As(err, &fe) || fe.Field != "envs.medqa.options.shuffle_seed" {
		t.Fatalf("bad config default: %v", err)
	}
	s := newSet(t, map[string]string{"answer_format": `"boxed"`})
	for _, o := range s.Effective() {
		if o.Name == "answer_format" && o.DefaultJSON != `"boxed"` {
			t.Fatalf("effective default %s, want \"boxed\"", o.DefaultJSON)
		}
	}
}

func TestTemplates(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.yaml", "system: Be brief.\nuser: |-\n  Q: {{.question}}\n  {{range .options}}({{.label}}) {{.text}}\n  {{end}}\n")
	noSys := write("nosys.yaml", "user: \"{{.question}}\"\n")
	emptySys := write("empty.yaml", "system: \"\"\nuser: \"{{.question}}\"\n")
	bad := write("bad.yaml", "user: |-\n  line one\n  {{.question}} {{.nonexistent}}\n")
	vars := map[string]any{"question": "Why?", "options": []map[string]string{{"label": "A", "text": "x"}}}
	tests := []struct {
		path string
		want []envs.Message
	}{
		{good, []envs.Message{{Role: "system", Content: "Be brief."}, {Role: "user", Content: "Q: Why?\n(A) x\n"}}},
		{noSys, []envs.Message{{Role: "system", Content: "built-in"}, {Role: "user", Content: "Why?"}}},
		{emptySys, []envs.Message{{Role: "user", Content: "Why?"}}},
	}
	for _, tt := range tests {
		tpl, err := envs.LoadTemplate("t", tt.path)
		if err != nil {
			t.Fatal(err)
		}
		s, err := envs.NewOptionSet("medqa", nil, nil, map[string]*envs.Template{"t": tpl})
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.Parse(`{"prompt_template": "t"}`)
		if err != nil {
			t.Fatal(err)
		}
		got, err := envs.Observation(v, "built-in", "default user", vars)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.path, d)
		}
		// system_prompt wins over the template's system.
		v, _ = s.Parse(`{"prompt_template": "t", "system_prompt": "Override."}`)
		got, _ = envs.Observation(v, "built-in", "default user", vars)
		if got[0].Role != "system" || got[0].Content != "Override." {
			t.Errorf("%s: system_prompt did not win: %+v", tt.path, got)
		}
	}
	tpl, err := envs.LoadTemplate("bad", bad)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = tpl.Render(vars)
	if err == nil || !strings.Contains(err.Error(), bad+":2:") || !strings.Contains(err.Error(), "nonexistent") {
		t.Fatalf("unknown variable error = %v; want the file, line 2 and the name", err)
	}
	if _, err := envs.ParseTemplate("x", "x.yaml", []byte("system: hi\n")); err == nil || !strings.Contains(err.Error(), `missing key "user"`) {
		t.Fatalf("template without user: %v", err)
	}
	if _, err := envs.ParseTemplate("x", "x.yaml", []byte("user: hi\nusr: typo\n")); err == nil {
		t.Fatal("unknown key accepted")
	}
}
