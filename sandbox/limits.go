package sandbox

import (
	"errors"
	"fmt"
	"time"
)

// Limits bound one interpreter session (envs/medcalc_bench.md §8.3, §8.6).
type Limits struct {
	// CellTime is the wall time of one cell.
	CellTime time.Duration `yaml:"cell_time"`
	// CellCPU is the CPU time of one cell.
	CellCPU time.Duration `yaml:"cell_cpu_time"`
	// SessionCPU is the CPU time of an interpreter over its life.
	SessionCPU time.Duration `yaml:"session_cpu_time"`
	// MemoryBytes bounds the session's memory (cgroup, with its tmpfs), and
	// its address space (rlimit) at MemoryBytes plus the interpreter's own
	// start-up mappings.
	MemoryBytes int64 `yaml:"memory_bytes"`
	// TmpBytes is the size of the session's private /tmp.
	TmpBytes int64 `yaml:"tmp_bytes"`
	// FileBytes is the largest file the code may write.
	FileBytes int64 `yaml:"file_bytes"`
	// Processes bounds processes and threads of the session.
	Processes int `yaml:"processes"`
	// OpenFiles bounds open file descriptors per process.
	OpenFiles int `yaml:"open_files"`
	// OutputBytes is the output kept per cell; the rest is counted.
	OutputBytes int `yaml:"output_bytes"`
	// OutputKillBytes stops a cell whose output passes it.
	OutputKillBytes int `yaml:"output_kill_bytes"`
	// CodeBytes is the longest code accepted.
	CodeBytes int `yaml:"code_bytes"`
}

// DefaultLimits are the defaults of envs/medcalc_bench.md §8.3.
func DefaultLimits() Limits {
	return Limits{
		CellTime:        10 * time.Second,
		CellCPU:         10 * time.Second,
		SessionCPU:      10 * time.Minute,
		MemoryBytes:     1 << 30,
		TmpBytes:        64 << 20,
		FileBytes:       64 << 20,
		Processes:       16,
		OpenFiles:       256,
		OutputBytes:     16 << 10,
		OutputKillBytes: 1 << 20,
		CodeBytes:       64 << 10,
	}
}

// Validate checks every field and returns all failures, each led by its
// YAML name.
func (l Limits) Validate() error {
	var errs []error
	check := func(ok bool, field, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
		}
	}
	check(l.CellTime >= 100*time.Millisecond, "cell_time", "want at least 100ms, got %v", l.CellTime)
	check(l.CellCPU >= time.Second, "cell_cpu_time", "want at least 1s, got %v", l.CellCPU)
	check(l.SessionCPU >= l.CellCPU, "session_cpu_time", "want at least cell_cpu_time (%v), got %v", l.CellCPU, l.SessionCPU)
	check(l.MemoryBytes >= 128<<20, "memory_bytes", "want at least 128 MiB, got %d", l.MemoryBytes)
	check(l.TmpBytes >= 1<<20 && l.TmpBytes <= l.MemoryBytes, "tmp_bytes", "want 1 MiB to memory_bytes, got %d", l.TmpBytes)
	check(l.FileBytes >= 1<<20, "file_bytes", "want at least 1 MiB, got %d", l.FileBytes)
	check(l.Processes >= 4 && l.Processes <= 4096, "processes", "want 4 to 4096, got %d", l.Processes)
	check(l.OpenFiles >= 32 && l.OpenFiles <= 1<<20, "open_files", "want 32 to 1048576, got %d", l.OpenFiles)
	check(l.OutputBytes >= 256, "output_bytes", "want at least 256, got %d", l.OutputBytes)
	check(l.OutputKillBytes >= l.OutputBytes, "output_kill_bytes", "want at least output_bytes (%d), got %d", l.OutputBytes, l.OutputKillBytes)
	check(l.CodeBytes >= 1024, "code_bytes", "want at least 1024, got %d", l.CodeBytes)
	return errors.Join(errs...)
}
