package archtest

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const module = "github.com/medarc-ai/medmarks-t"

type pkg struct {
	ImportPath string
	Dir        string
	Imports    []string
	GoFiles    []string
}

func list(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func rel(p string) string { return strings.TrimPrefix(strings.TrimPrefix(p, module), "/") }

func under(p, prefix string) bool { return p == prefix || strings.HasPrefix(p, prefix+"/") }

// TestImportBounds: arrows point inward (cmd → server → envs → rewards,
// sandbox); gRPC stays in server; only cmd wires concrete pieces.
func TestImportBounds(t *testing.T) {
	forbidden := []struct {
		pkg    string
		deny   []string
		reason string
	}{
		{"envs", []string{module + "/proto", module + "/server", module + "/store", "google.golang.org/grpc"}, "envs knows no transport or store"},
		{"rewards", []string{module + "/envs", module + "/sandbox", module + "/server", module + "/store"}, "graders are pure"},
		{"sandbox", []string{module + "/envs", module + "/rewards", module + "/server", module + "/store"}, "the sandbox knows no env"},
		{"store", []string{module + "/envs", module + "/rewards", module + "/sandbox", module + "/server"}, "the store is below everything"},
		{"internal", []string{module + "/envs", module + "/rewards", module + "/sandbox", module + "/server", module + "/store", module + "/cmd"}, "internal imports nothing above itself"},
	}
	for _, p := range list(t) {
		r := rel(p.ImportPath)
		for _, f := range forbidden {
			if !under(r, f.pkg) {
				continue
			}
			for _, imp := range p.Imports {
				for _, d := range f.deny {
					if under(imp, d) && !(f.pkg == "internal" && under(rel(imp), "internal")) {
						t.Errorf("%s imports %s: %s", r, imp, f.reason)
					}
				}
			}
		}
		if !under(r, "server") && !under(r, "cmd") && !under(r, "proto") {
			for _, imp := range p.Imports {
				if under(imp, "google.golang.org/grpc") || under(imp, module+"/proto") {
					t.Errorf("%s imports %s: only server (and cmd, tests) speak gRPC", r, imp)
				}
			}
		}
	}
}

var globalLog = regexp.MustCompile(`\bzap\.L\(\)|\bzap\.S\(\)|^\s*log\.(Print|Fatal|Panic)|\bfmt\.Print(ln|f)?\(`)

// TestNoGlobalLoggers: libraries log through the *zap.Logger they are
// given; only cmd prints.
func TestNoGlobalLoggers(t *testing.T) {
	for _, p := range list(t) {
		if under(rel(p.ImportPath), "cmd") {
			continue
		}
		for _, name := range p.GoFiles {
			f, err := os.Open(filepath.Join(p.Dir, name))
			if err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(f)
			for n := 1; sc.Scan(); n++ {
				line := sc.Text()
				if strings.HasPrefix(strings.TrimSpace(line), "//") {
					continue
				}
				if globalLog.MatchString(line) {
					t.Errorf("%s/%s:%d: %s", rel(p.ImportPath), name, n, strings.TrimSpace(line))
				}
			}
			f.Close()
		}
	}
}
