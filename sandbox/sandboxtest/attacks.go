package sandboxtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/medarc-ai/medmarks-t/sandbox"
)

// Attack is one hostile cell and what must come of it.
type Attack struct {
	Name string
	Code string
	// Want lists the acceptable statuses.
	Want []sandbox.Status
	// MustNotSee are texts that must not appear in the output (host content).
	MustNotSee []string
}

var (
	anyRefusal = []sandbox.Status{sandbox.Rejected, sandbox.Error}
	rejected   = []sandbox.Status{sandbox.Rejected}
)

// hostSecret is put in this process's environment and in a host file
// outside the sandbox; neither may ever reach an output.
const hostSecret = "medmarks-host-secret-4f1c9"

// pickleOSSystem is a protocol-0 pickle that calls os.system.
const pickleOSSystem = `cos\nsystem\n(S'cat /etc/shadow'\ntR.`

// Attacks returns the attack table of envs/medcalc_bench.md §8.6. projectFile
// is a host file whose content must stay unreadable.
func Attacks(projectFile string, serverPID int) []Attack {
	return []Attack{
		{"fork_bomb_import", "import os\nwhile True:\n    os.fork()", rejected, nil},
		{"fork_bomb_attribute", "f = np.lib.npyio.os.fork\nwhile True:\n    f()", rejected, nil},
		{"fork_via_subprocess", "import subprocess\nsubprocess.run(['sh', '-c', ':(){ :|:& };:'])", rejected, nil},
		{"memory_bomb", "x = []\nwhile True:\n    x.append(bytearray(10**7))", []sandbox.Status{sandbox.MemoryLimit}, nil},
		{"one_gb_string", "s = 'a' * 10**9", []sandbox.Status{sandbox.MemoryLimit}, nil},
		{"numpy_memory_bomb", "a = np.ones(10**9)", []sandbox.Status{sandbox.MemoryLimit}, nil},
		{"infinite_loop", "while True:\n    pass", []sandbox.Status{sandbox.Timeout}, nil},
		{"busy_numpy", "while True:\n    np.linalg.inv(np.eye(50) + 1)", []sandbox.Status{sandbox.Timeout}, nil},
		{"endless_print", "while True:\n    print('spam')", []sandbox.Status{sandbox.OutputLimit}, nil},
		{"deep_recursion", "def f(n):\n    return f(n + 1)\nf(0)", []sandbox.Status{sandbox.Error}, nil},
		{"etc_shadow_open", "print(open('/etc/shadow').read())", anyRefusal, []string{"root:"}},
		{"etc_shadow_numpy", "print(np.fromfile('/etc/shadow', dtype=np.uint8).tobytes())", anyRefusal, []string{"root:"}},
		{"etc_passwd_loadtxt", "print(np.loadtxt('/etc/passwd', dtype=str, delimiter='|'))", anyRefusal, []string{"root:"}},
		{"project_file", fmt.Sprintf("print(np.fromfile(%q, dtype=np.uint8).tobytes())", projectFile), anyRefusal, []string{hostSecret}},
		{"project_dir_listing", "print(np.lib.npyio.os.listdir('/work'))", anyRefusal, nil},
		{"root_home", "print(np.genfromtxt('/root/.bashrc', dtype=str))", anyRefusal, nil},
		{"write_outside_tmp", "np.arange(3).tofile('/usr/medmarks-attack')", anyRefusal, nil},
		{"write_root", "np.save('/medmarks-attack.npy', np.arange(3))", anyRefusal, nil},
		{"socket_import", "import socket\ns = socket.create_connection(('127.0.0.1', PORT))", rejected, nil},
		{"socket_dunder_import", "__import__('socket').create_connection(('127.0.0.1', PORT))", rejected, nil},
		{"dns", "import socket\nprint(socket.gethostbyname('example.com'))", rejected, nil},
		{"urllib", "import urllib.request\nurllib.request.urlopen('http://127.0.0.1:PORT/')", rejected, nil},
		{"import_ctypes", "import ctypes\nctypes.CDLL(None).system(b'id')", rejected, nil},
		{"import_os", "import os\nos.system('id')", rejected, nil},
		{"import_importlib", "import importlib\nimportlib.import_module('os')", rejected, nil},
		{"import_builtins", "import builtins\nbuiltins.open('/etc/shadow')", rejected, nil},
		{"import_sys", "import sys\nsys.modules['os'].system('id')", rejected, nil},
		{"dunder_import", "__import__('os').system('id')", rejected, nil},
		{"ctypeslib", "import numpy.ctypeslib", rejected, nil},
		{"from_numpy_ctypeslib", "from numpy import ctypeslib", rejected, nil},
		{"numpy_attr_ctypeslib", "np.ctypeslib.ctypes", rejected, nil},
		{"f2py", "import numpy.f2py", rejected, nil},
		{"numpy_testing", "from numpy.testing import assert_equal", rejected, nil},
		{"distutils", "import numpy.distutils", rejected, nil},
		{"numpy_os", "np.lib.npyio.os.system('id')", rejected, nil},
		{"numpy_internal_ctypes", "np.core._internal.ctypes.CDLL(None)", rejected, nil},
		{"ndarray_ctypes", "c = np.zeros(1).ctypes._ctypes\nc.CDLL(None)", rejected, nil},
		{"from_import_os", "from numpy.lib.npyio import os", rejected, nil},
		{"star_import_ctypeslib", "from numpy import *\nctypeslib.ctypes.CDLL(None)", anyRefusal, nil},
		{"subclasses", "print(().__class__.__base__.__subclasses__())", rejected, nil},
		{"getattr_dunder", "getattr(np, '__builtins__')['__import__']('os')", rejected, nil},
		{"getattr_module", "getattr(np.lib.npyio, 'os').system('id')", rejected, nil},
		{"vars_module", "vars(np.lib.npyio)['os'].system('id')", anyRefusal, nil},
		{"globals_builtins", "globals()['__builtins__']['open']('/etc/shadow')", anyRefusal, []string{"root:"}},
		{"builtins_name", "__builtins__", rejected, nil},
		{"function_globals", "(lambda: 0).__globals__", rejected, nil},
		{"numpy_function_globals", "np.loadtxt.__globals__['os'].system('id')", rejected, nil},
		{"generator_frame", "g = (i for i in [1])\nprint(g.gi_frame.f_back)", rejected, nil},
		{"frame_via_getattr", "g = (i for i in [1])\nprint(getattr(getattr(g, 'gi_frame'), 'f_globals'))", rejected, nil},
		{"exec_string", "exec('import os')", rejected, nil},
		{"exec_built_string", "exec('imp' + 'ort o' + 's\\nos.system(\"id\")')", rejected, nil},
		{"exec_fresh_globals", "exec('__import__(\"os\")', {})", rejected, nil},
		{"eval_fresh_globals", "eval('open', {})('/etc/shadow')", anyRefusal, []string{"root:"}},
		{"compile_code", "c = compile('import os', 'x', 'exec')\nexec(c)", rejected, nil},
		{"format_string", "print('{0.__class__.__mro__}'.format(1))", []sandbox.Status{sandbox.OK, sandbox.Error, sandbox.Rejected}, nil},
		{"crafted_pickle", fmt.Sprintf("np.frombuffer(%q, dtype=np.uint8).tofile('/tmp/p.npy')\nprint(np.load('/tmp/p.npy', allow_pickle=True))", pickleOSSystem), anyRefusal, []string{"root:"}},
		{"signal_parent", "import os\nos.kill(os.getppid(), 9)", rejected, nil},
		{"signal_parent_attr", "k = np.lib.npyio.os.kill\nk(1, 9)", rejected, nil},
		{"proc_1_environ", "print(np.fromfile('/proc/1/environ', dtype=np.uint8).tobytes())", []sandbox.Status{sandbox.OK, sandbox.Error, sandbox.Rejected}, []string{hostSecret}},
		{"proc_self_environ", "print(np.fromfile('/proc/self/environ', dtype=np.uint8).tobytes())", []sandbox.Status{sandbox.OK, sandbox.Error, sandbox.Rejected}, []string{hostSecret}},
		{"proc_server", fmt.Sprintf("print(np.fromfile('/proc/%d/environ', dtype=np.uint8).tobytes())", serverPID), []sandbox.Status{sandbox.OK, sandbox.Error, sandbox.Rejected}, []string{hostSecret}},
		{"proc_listing", "print(np.loadtxt('/proc/1/cmdline', dtype=str, delimiter='|'))", []sandbox.Status{sandbox.OK, sandbox.Error, sandbox.Rejected}, []string{filepath.Base(os.Args[0])}},
		{"ten_thousand_files", "for i in range(10000):\n    np.save('/tmp/f%d.npy' % i, np.zeros(1))\nprint('done')", []sandbox.Status{sandbox.OK, sandbox.Error}, nil},
		{"fill_tmp", "np.zeros(10**8, dtype=np.uint8).tofile('/tmp/big')", []sandbox.Status{sandbox.Error, sandbox.OK, sandbox.MemoryLimit}, nil},
		{"audit_bypass_attempt", "import sys\nsys.addaudithook", rejected, nil},
	}
}

// RunAttacks runs every attack in a fresh session of b, checking the status,
// the output, and that the host is unharmed: no connection reached a
// listener, no file appeared outside the sandbox, this process can still
// start processes, and a fresh session still answers.
func RunAttacks(t *testing.T, b sandbox.Backend) {
	t.Setenv("MEDMARKS_ATTACK_MARKER", hostSecret)
	dir := t.TempDir()
	projectFile := filepath.Join(dir, "secret.txt")
	if err := os.WriteFile(projectFile, []byte(hostSecret), 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	accepted := make(chan struct{}, 1)
	go func() { // owned: ends when ln closes at the end of this function
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
			select {
			case accepted <- struct{}{}:
			default:
			}
		}
	}()
	lim := TestLimits()
	lim.CellTime = 4 * time.Second // a cgroup OOM kill can take a second or two of reclaim
	for _, at := range Attacks(projectFile, os.Getpid()) {
		t.Run(at.Name, func(t *testing.T) {
			s := newSession(t, b, lim)
			code := strings.ReplaceAll(at.Code, "PORT", port)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			r, err := s.Exec(ctx, code)
			if err != nil {
				t.Fatalf("Exec: %v (an attack must give a result, not an infrastructure error)", err)
			}
			if !slices.Contains(at.Want, r.Status) {
				t.Errorf("status %v, want one of %v; output %q", r.Status, at.Want, clip(r.Output))
			}
			for _, bad := range append(at.MustNotSee, hostSecret) {
				if strings.Contains(r.Output, bad) {
					t.Errorf("output shows host content %q: %q", bad, clip(r.Output))
				}
			}
			hostUnharmed(t)
		})
	}
	select {
	case <-accepted:
		t.Error("a sandboxed cell connected to a host listener")
	default:
	}
	t.Run("other_session_tmp", func(t *testing.T) {
		a, c := newSession(t, b, lim), newSession(t, b, lim)
		if r := run(t, a, "np.save('/tmp/mine.npy', np.array([31337]))\nprint('saved')"); r.Output != "saved\n" {
			t.Fatalf("writing own tmp: %v %q", r.Status, r.Output)
		}
		r := run(t, c, "print(np.load('/tmp/mine.npy'))")
		if r.Status != sandbox.Error || strings.Contains(r.Output, "31337") {
			t.Fatalf("read another session's tmp: %v %q", r.Status, r.Output)
		}
	})
	t.Run("still_answers", func(t *testing.T) {
		s := newSession(t, b, lim)
		if r := run(t, s, "print(6 * 7)"); r.Status != sandbox.OK || r.Output != "42\n" {
			t.Fatalf("after the attacks: %v %q", r.Status, r.Output)
		}
	})
}

func clip(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}

// hostUnharmed checks what an escaped attack would most likely have hurt.
func hostUnharmed(t *testing.T) {
	t.Helper()
	for _, p := range []string{"/usr/medmarks-attack", "/medmarks-attack.npy", "/tmp/p.npy", "/tmp/big", "/tmp/mine.npy"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("host file %s exists after the attack", p)
		}
	}
	if err := startTrue(); err != nil {
		t.Errorf("host cannot start a process after the attack: %v", err)
	}
}

func startTrue() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return exec.CommandContext(ctx, "/bin/true").Run()
}
