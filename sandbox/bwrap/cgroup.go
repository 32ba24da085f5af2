package bwrap

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cgroupRoot is where cgroup v1 hierarchies are mounted.
const cgroupRoot = "/sys/fs/cgroup"

// cgroupParents holds the per-backend parent directories of the v1 memory
// and pids controllers ("" when the controller is not usable).
type cgroupParents struct {
	memory, pids string
	memsw        bool // memory.memsw.limit_in_bytes exists (swap accounting)
}

// ownCgroup returns this process's path in the v1 hierarchy of controller.
func ownCgroup(controller string) (string, error) {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			if c == controller {
				return parts[2], nil
			}
		}
	}
	return "", fmt.Errorf("no %s controller in /proc/self/cgroup", controller)
}

// makeParent creates a directory for this backend under our own cgroup of
// controller and checks that it is writable.
func makeParent(controller, name, probe string) (string, error) {
	own, err := ownCgroup(controller)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cgroupRoot, controller, own, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(dir, probe)); err != nil {
		os.Remove(dir)
		return "", err
	}
	return dir, nil
}

func setupCgroups(name string) (cgroupParents, []string) {
	var cg cgroupParents
	var notes []string
	if dir, err := makeParent("memory", name, "memory.limit_in_bytes"); err == nil {
		cg.memory = dir
		_, err := os.Stat(filepath.Join(dir, "memory.memsw.limit_in_bytes"))
		cg.memsw = err == nil
	} else {
		notes = append(notes, "memory cgroup: "+err.Error())
	}
	if dir, err := makeParent("pids", name, "pids.max"); err == nil {
		cg.pids = dir
	} else {
		notes = append(notes, "pids cgroup: "+err.Error())
	}
	return cg, notes
}

func (cg cgroupParents) remove() {
	for _, d := range []string{cg.memory, cg.pids} {
		if d != "" {
			os.Remove(d)
		}
	}
}

// cgroup is one session's pair of v1 cgroups.
type cgroup struct {
	memory, pids string
}

func writeFile(path, val string) error {
	return os.WriteFile(path, []byte(val), 0o644)
}

func (cg cgroupParents) newSession(name string, memBytes int64, procs int) (*cgroup, error) {
	c := &cgroup{}
	if cg.memory != "" {
		d := filepath.Join(cg.memory, name)
		if err := os.Mkdir(d, 0o755); err != nil {
			return nil, err
		}
		c.memory = d
		lim := strconv.FormatInt(memBytes, 10)
		if err := writeFile(filepath.Join(d, "memory.limit_in_bytes"), lim); err != nil {
			c.remove()
			return nil, fmt.Errorf("memory limit: %w", err)
		}
		// No swapping inside the limit: reach the OOM kill quickly.
		_ = writeFile(filepath.Join(d, "memory.swappiness"), "0")
		if cg.memsw {
			if err := writeFile(filepath.Join(d, "memory.memsw.limit_in_bytes"), lim); err != nil {
				c.remove()
				return nil, fmt.Errorf("memory+swap limit: %w", err)
			}
		}
	}
	if cg.pids != "" {
		d := filepath.Join(cg.pids, name)
		if err := os.Mkdir(d, 0o755); err != nil {
			c.remove()
			return nil, err
		}
		c.pids = d
		if err := writeFile(filepath.Join(d, "pids.max"), strconv.Itoa(procs)); err != nil {
			c.remove()
			return nil, fmt.Errorf("pids limit: %w", err)
		}
	}
	return c, nil
}

// add moves pid (and so its future children) into the session's cgroups.
func (c *cgroup) add(pid int) error {
	for _, d := range []string{c.memory, c.pids} {
		if d == "" {
			continue
		}
		if err := writeFile(filepath.Join(d, "cgroup.procs"), strconv.Itoa(pid)); err != nil {
			return err
		}
	}
	return nil
}

// oomKills returns how many processes the kernel killed for memory here.
func (c *cgroup) oomKills() int {
	if c == nil || c.memory == "" {
		return 0
	}
	b, err := os.ReadFile(filepath.Join(c.memory, "memory.oom_control"))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "oom_kill "); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}

// failcnt returns how often the memory limit was hit.
func (c *cgroup) failcnt() int {
	if c == nil || c.memory == "" {
		return 0
	}
	b, err := os.ReadFile(filepath.Join(c.memory, "memory.failcnt"))
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return n
}

// killAll SIGKILLs every process left in the session's cgroups.
func (c *cgroup) killAll() {
	for _, d := range []string{c.pids, c.memory} {
		if d == "" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(d, "cgroup.procs"))
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil && pid > 1 {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
}

// remove deletes the cgroups, killing stragglers first; a cgroup cannot be
// removed while a dying process is still in it, so it retries briefly.
func (c *cgroup) remove() {
	if c == nil {
		return
	}
	var errs []error
	for _, d := range []string{c.memory, c.pids} {
		if d == "" {
			continue
		}
		var err error
		for range 50 {
			if err = os.Remove(d); err == nil || errors.Is(err, os.ErrNotExist) {
				err = nil
				break
			}
			c.killAll()
			time.Sleep(10 * time.Millisecond)
		}
		errs = append(errs, err)
	}
	_ = errors.Join(errs...)
}
