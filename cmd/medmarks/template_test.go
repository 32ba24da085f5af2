package main

import (
	"context"
	"strings"
	"testing"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/demo"
)

// A template that rewords the MedQA prompt changes the observation exactly
// as written; ListEnvs lists it; an unknown name lists the registered ones.
func TestPromptTemplateRewordsMedQA(t *testing.T) {
	path := writeFile(t, "upstream.yaml", "system: \"You are a careful physician.\"\nuser: |-\n"+
		"  Answer the USMLE question below.\n  {{.question}}\n  {{range .options}}({{.label}}) {{.text}}\n  {{end}}Reply with one letter.\n")
	cfg := defaultConfig()
	tf := templateFlags{}
	if err := tf.Set("medqa/upstream=" + path); err != nil {
		t.Fatal(err)
	}
	tf.apply(&cfg)
	ec, err := cfg.envConfigs()
	if err != nil {
		t.Fatal(err)
	}
	reg, err := envs.Build(context.Background(), envs.Settings{Data: demo.FS(), Demo: true}, ec, constructors()...)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := reg.Lookup("medqa")
	if got := e.Options.TemplateNames(); len(got) != 1 || got[0] != "upstream" {
		t.Fatalf("templates %v", got)
	}
	opts, err := e.Options.Parse(`{"prompt_template": "upstream"}`)
	if err != nil {
		t.Fatal(err)
	}
	_, st, err := e.Env.Reset(context.Background(), envs.ResetRequest{ExampleID: "4", Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	want := "Answer the USMLE question below.\nWhich electrolyte disturbance most typically produces peaked T waves on the electrocardiogram?\n" +
		"(A) Hypokalemia\n(B) Hypercalcemia\n(C) Hyperkalemia\n(D) Hyponatremia\nReply with one letter."
	if len(st.Observation) != 2 || st.Observation[0].Content != "You are a careful physician." || st.Observation[1].Content != want {
		t.Fatalf("observation:\n%q\nwant\n%q", st.Observation, want)
	}
	_, err = e.Options.Parse(`{"prompt_template": "other"}`)
	if err == nil || !strings.Contains(err.Error(), "options.prompt_template") || !strings.Contains(err.Error(), "upstream") {
		t.Fatalf("unknown template: %v", err)
	}
}

// A template with an unknown variable stops the start, naming its file,
// line and the variable.
func TestBadTemplateStopsTheStart(t *testing.T) {
	path := writeFile(t, "bad.yaml", "user: |-\n  first line\n  {{.question}} {{.choices}}\n")
	_, stderr, err := runCLI(t, "", "serve", "--listen", "127.0.0.1:0", "--store", t.TempDir(), "--prompt-template", "medqa/bad="+path)
	if exitOf(err) != 2 {
		t.Fatalf("exit %d (%v), want 2", exitOf(err), err)
	}
	msg := err.Error() + stderr
	if !strings.Contains(msg, path+":2:") || !strings.Contains(msg, "choices") {
		t.Fatalf("error %q should name %s line 2 and the variable", msg, path)
	}
	_, _, err = runCLI(t, "", "serve", "--listen", "127.0.0.1:0", "--prompt-template", "medqa-no-slash")
	if exitOf(err) != 2 {
		t.Fatalf("malformed --prompt-template: exit %d", exitOf(err))
	}
}
