package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestExec(t *testing.T) {
	none := writeFile(t, "none.yaml", "sandbox:\n  backend: none\n")
	tests := []struct {
		name     string
		stdin    string
		args     []string
		code     int
		contains string
	}{
		{"calculator", "0.1+0.2", []string{"--tool", "calculator"}, 0, "0.30000000000000004"},
		{"calculator error", "1/0", []string{"--tool", "calculator"}, 1, "division by zero"},
		{"python", "import numpy as np\nprint(np.sqrt(16))", []string{"--tool", "python", "--json"}, 0, `"status":"OK"`},
		{"python rejected", "import socket", []string{"--tool", "python", "--json"}, 1, `"status":"REJECTED"`},
		{"python without a sandbox", "print(1)", []string{"--tool", "python", "--config", none}, 3, ""},
		{"no tool", "", []string{}, 2, ""},
	}
	for _, tt := range tests {
		out, stderr, err := runCLI(t, tt.stdin, append([]string{"exec"}, tt.args...)...)
		if got := exitOf(err); got != tt.code || !strings.Contains(out, tt.contains) {
			t.Errorf("%s: exit %d (%v), output %q, stderr %q; want exit %d with %q", tt.name, got, err, out, stderr, tt.code, tt.contains)
		}
		if strings.Contains(strings.Join(tt.args, " "), "--json") {
			var v struct {
				Output    string  `json:"output"`
				Status    string  `json:"status"`
				ElapsedMS float64 `json:"elapsed_ms"`
			}
			if err := json.Unmarshal([]byte(out), &v); err != nil || v.Status == "" {
				t.Errorf("%s: --json output %q: %v", tt.name, out, err)
			}
		}
	}
}
