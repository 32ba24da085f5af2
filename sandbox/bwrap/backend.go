package bwrap

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/sandbox"
)

//go:embed repl.py
var replSource string

// ErrUnavailable is returned by New when bubblewrap, user namespaces or the
// interpreter cannot be used. It wraps sandbox.ErrUnavailable.
var ErrUnavailable = fmt.Errorf("%w: bwrap backend cannot run", sandbox.ErrUnavailable)

// Settings configure a Backend. Logger is required; the rest have defaults.
type Settings struct {
	Logger *zap.Logger
	// Python is the interpreter (default /usr/bin/python3, Debian's, with
	// python3-numpy and python3-scipy).
	Python string
	// Bwrap is bubblewrap (default: bwrap on PATH).
	Bwrap string
	// Unsafe runs the interpreter without bubblewrap: no namespaces, only
	// the unprivileged uid, cgroups and rlimits (and the in-interpreter
	// guard). For local experiments only (sandbox.backend unsafe-local); it
	// logs a warning.
	Unsafe bool
	// UIDBase is the first host uid given to sessions (one uid per live
	// session, so RLIMIT_NPROC is per session). Default 1,900,000,000.
	UIDBase int
	// UIDCount is the size of the uid range. Default 65,536.
	UIDCount int
	// StartTimeout bounds an interpreter's start-up. Default 60s.
	StartTimeout time.Duration
}

// Backend starts Python sessions, each in its own bubblewrap sandbox:
// new user, pid, net, ipc, uts, mount and cgroup namespaces, read-only
// system binds, a private size-capped tmpfs, a fixed environment, a host
// uid of its own, cgroup v1 memory and pids limits where writable and
// rlimits always. It is safe for concurrent use.
type Backend struct {
	set   Settings
	log   *zap.Logger
	root  bool // we are root: drop to a per-session uid, use cgroups
	cg    cgroupParents
	binds []string // bwrap arguments for the file system, computed once
	mech  string

	mu   sync.Mutex
	used map[int]bool // uid slots in use
	next int
}

// New checks that sandboxes can be made (bubblewrap, user namespaces,
// the interpreter with numpy and scipy) by starting one and running a
// cell, and returns the backend. Failure wraps ErrUnavailable and says why.
func New(ctx context.Context, set Settings) (*Backend, error) {
	if set.Logger == nil {
		return nil, errors.New("bwrap: Settings.Logger is required")
	}
	if set.Python == "" {
		set.Python = "/usr/bin/python3"
	}
	if set.UIDBase == 0 {
		set.UIDBase = 1_900_000_000
	}
	if set.UIDCount == 0 {
		set.UIDCount = 65536
	}
	if set.StartTimeout == 0 {
		set.StartTimeout = 60 * time.Second
	}
	b := &Backend{set: set, log: set.Logger.Named("bwrap"), root: os.Geteuid() == 0, used: map[int]bool{}}
	if _, err := os.Stat(set.Python); err != nil {
		return nil, fmt.Errorf("%w: python interpreter: %w", ErrUnavailable, err)
	}
	if !set.Unsafe {
		if set.Bwrap == "" {
			p, err := exec.LookPath("bwrap")
			if err != nil {
				return nil, fmt.Errorf("%w: bubblewrap not found (Debian package bubblewrap): %w", ErrUnavailable, err)
			}
			b.set.Bwrap = p
		}
		if b, err := os.ReadFile("/proc/sys/user/max_user_namespaces"); err == nil && strings.TrimSpace(string(b)) == "0" {
			return nil, fmt.Errorf("%w: user namespaces are disabled (user.max_user_namespaces = 0)", ErrUnavailable)
		}
		if b, err := os.ReadFile("/proc/sys/kernel/unprivileged_userns_clone"); err == nil && strings.TrimSpace(string(b)) == "0" {
			return nil, fmt.Errorf("%w: unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)", ErrUnavailable)
		}
		b.binds = systemBinds()
	}
	var notes []string
	if b.root {
		b.cg, notes = setupCgroups("medmarks-" + strconv.Itoa(os.Getpid()) + "-" + rand.Text()[:8])
	} else {
		notes = append(notes, "not root: no per-session uid and no cgroups")
	}
	b.mech = b.mechanisms()
	probe, err := b.NewSession(ctx, sandbox.DefaultLimits())
	if err != nil {
		b.cg.remove()
		return nil, fmt.Errorf("%w: start probe sandbox: %w", ErrUnavailable, err)
	}
	r, err := probe.Exec(ctx, "print(np.add(40, 2))")
	probe.Close()
	if err == nil && (r.Status != sandbox.OK || r.Output != "42\n") {
		err = fmt.Errorf("probe cell gave %s %q", r.Status, r.Output)
	}
	if err != nil {
		b.cg.remove()
		return nil, fmt.Errorf("%w: probe sandbox: %w", ErrUnavailable, err)
	}
	if set.Unsafe {
		b.log.Warn("UNSAFE: python runs WITHOUT bubblewrap; no namespace isolation. Local experiments only.", zap.String("mechanisms", b.mech))
	} else {
		b.log.Info("python sandbox ready", zap.String("mechanisms", b.mech))
	}
	for _, n := range notes {
		b.log.Warn("sandbox limit mechanism missing; rlimits are the floor", zap.String("detail", n))
	}
	return b, nil
}

// Mechanisms says which isolation and limit mechanisms are in force.
func (b *Backend) Mechanisms() string { return b.mech }

func (b *Backend) mechanisms() string {
	var m []string
	if b.set.Unsafe {
		m = append(m, "NO bubblewrap (unsafe-local)")
	} else {
		m = append(m, "bubblewrap: user, pid, net, ipc, uts, mount, cgroup namespaces; read-only /usr; private tmpfs")
	}
	if b.root {
		m = append(m, "host uid per session")
	}
	if b.cg.memory != "" {
		m = append(m, "cgroup v1 memory")
	}
	if b.cg.pids != "" {
		m = append(m, "cgroup v1 pids")
	}
	m = append(m, "rlimits AS, NPROC, NOFILE, FSIZE, CPU, CORE", "import/attribute guard and audit hook")
	return strings.Join(m, "; ")
}

// Close removes the backend's cgroup directories. Close every session
// first.
func (b *Backend) Close() error {
	b.cg.remove()
	return nil
}

// systemBinds returns the read-only file system: /usr, the merged-/usr
// links (or binds where /lib etc. are real directories), and the few /etc
// files the dynamic linker and numpy's BLAS need. Nothing from /home,
// /root, /work or the rest of /etc.
func systemBinds() []string {
	args := []string{"--ro-bind", "/usr", "/usr"}
	for _, d := range []string{"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"} {
		fi, err := os.Lstat(d)
		if err != nil {
			continue
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			target, err := os.Readlink(d)
			if err == nil {
				args = append(args, "--symlink", target, d)
			}
			continue
		}
		args = append(args, "--ro-bind", d, d)
	}
	for _, f := range []string{"/etc/ld.so.cache", "/etc/alternatives", "/etc/localtime"} {
		if _, err := os.Stat(f); err == nil {
			args = append(args, "--ro-bind", f, f)
		}
	}
	return args
}

func (b *Backend) allocUID() (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for range b.set.UIDCount {
		slot := b.next
		b.next = (b.next + 1) % b.set.UIDCount
		if !b.used[slot] {
			b.used[slot] = true
			return slot, nil
		}
	}
	return 0, errors.New("no free sandbox uid")
}

func (b *Backend) freeUID(slot int) {
	b.mu.Lock()
	delete(b.used, slot)
	b.mu.Unlock()
}

// env is the interpreter's whole environment (envs/medcalc_bench.md §8.6).
var env = []string{
	"PATH=/usr/bin:/bin", "HOME=/tmp", "LANG=C.UTF-8",
	"OPENBLAS_NUM_THREADS=1", "OMP_NUM_THREADS=1", "MKL_NUM_THREADS=1",
}

// command returns the argv that runs the REPL for a session.
func (b *Backend) command(lim sandbox.Limits) []string {
	cfg, _ := json.Marshal(map[string]any{"cell_cpu": int(max(lim.CellCPU.Seconds(), 1))})
	py := []string{b.set.Python, "-I", "-B", "-c", replSource, string(cfg)}
	if b.set.Unsafe {
		return py
	}
	args := []string{b.set.Bwrap,
		"--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
		"--disable-userns", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
		"--uid", "65534", "--gid", "65534", "--hostname", "sandbox",
	}
	args = append(args, b.binds...)
	args = append(args,
		"--proc", "/proc", "--dev", "/dev",
		"--size", strconv.FormatInt(lim.TmpBytes, 10), "--perms", "1777", "--tmpfs", "/tmp",
		"--chdir", "/tmp", "--clearenv")
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		args = append(args, "--setenv", k, v)
	}
	return append(append(args, "--"), py...)
}

// sizeText is "1 GiB", "512 MiB" or "N bytes", for messages to the model.
func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

func secondsText(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + " s"
}
