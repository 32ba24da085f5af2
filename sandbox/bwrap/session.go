package bwrap

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/sandbox"
)

// restarted ends every message about a stopped interpreter.
const restarted = "the interpreter was restarted and earlier variables are gone.\n"

type resultMsg struct {
	Ready  bool   `json:"ready"`
	Status string `json:"status"`
	Report string `json:"report"`
	Bytes  int    `json:"bytes"`
}

type killReason int

const (
	notKilled killReason = iota
	killTimeout
	killOutput
	killCtx
	killClose
)

// session is one sandboxed interpreter.
type session struct {
	b     *Backend
	lim   sandbox.Limits
	cmd   *exec.Cmd
	slot  int
	cg    *cgroup
	ctl   *os.File
	out   chan []byte    // output chunks; closed at EOF
	res   chan resultMsg // result frames; closed at EOF
	exit  chan struct{}  // closed once the process was reaped
	done  chan struct{}  // closed once the interpreter is gone
	state *os.ProcessState
	wg    sync.WaitGroup

	mu      sync.Mutex // serializes Exec and Close
	closed  bool
	once    sync.Once
	kill    killReason
	killMu  sync.Mutex
	baseOOM int
}

// NewSession starts a sandboxed interpreter with numpy and scipy loaded and
// returns once it is ready for its first cell.
func (b *Backend) NewSession(ctx context.Context, lim sandbox.Limits) (sandbox.Session, error) {
	s, err := b.start(ctx, lim)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: %w", sandbox.ErrUnavailable, err)
	}
	return s, nil
}

func (b *Backend) start(ctx context.Context, lim sandbox.Limits) (*session, error) {
	slot, err := b.allocUID()
	if err != nil {
		return nil, err
	}
	s := &session{b: b, lim: lim, slot: slot, out: make(chan []byte, 16), res: make(chan resultMsg),
		exit: make(chan struct{}), done: make(chan struct{})}
	ok := false
	defer func() {
		if !ok {
			s.Close()
		}
	}()
	if b.root && (b.cg.memory != "" || b.cg.pids != "") {
		if s.cg, err = b.cg.newSession("s"+strconv.Itoa(slot), lim.MemoryBytes, lim.Processes); err != nil {
			return nil, fmt.Errorf("cgroup: %w", err)
		}
	}

	ctlR, ctlW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	resR, resW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	gateR, gateW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	argv := b.command(lim)
	cmd := exec.Command("/bin/sh", append([]string{"-c", gateScript(lim, b.root)}, argv...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = ctlR, outW, outW
	cmd.ExtraFiles = []*os.File{resW, gateR}
	cmd.Env = env
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if b.root {
		uid := uint32(b.set.UIDBase + slot)
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uid, Gid: uid, Groups: []uint32{}}
	}
	err = cmd.Start()
	for _, f := range []*os.File{ctlR, outW, resW, gateR} {
		f.Close()
	}
	if err != nil {
		for _, f := range []*os.File{ctlW, outR, resR, gateW} {
			f.Close()
		}
		return nil, fmt.Errorf("start: %w", err)
	}
	s.cmd, s.ctl = cmd, ctlW
	s.wg.Go(func() { s.readOutput(outR) })
	s.wg.Go(func() { s.readResults(resR) })
	s.wg.Go(s.wait)

	pid := cmd.Process.Pid
	if err := s.enter(pid); err != nil {
		gateW.Close()
		return nil, err
	}
	_, err = gateW.Write([]byte("go\n"))
	gateW.Close()
	if err != nil {
		return nil, fmt.Errorf("release gate: %w", err)
	}

	timer := time.NewTimer(b.set.StartTimeout)
	defer timer.Stop()
	var early []byte
	out, res := s.out, s.res
	for {
		select {
		case m, ok2 := <-res:
			if ok2 && m.Ready {
				ok = true
				return s, nil
			}
			if !ok2 {
				res = nil
			}
		case c, ok2 := <-out:
			if !ok2 {
				out = nil
				continue
			}
			if len(early) < 4096 {
				early = append(early, c...)
			}
		case <-s.exit:
			for c := range s.out {
				if len(early) < 4096 {
					early = append(early, c...)
				}
			}
			return nil, fmt.Errorf("interpreter exited at start-up (%v): %q", s.state, truncate(early, 2000))
		case <-timer.C:
			return nil, fmt.Errorf("interpreter not ready within %v: %q", b.set.StartTimeout, truncate(early, 2000))
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}

// gateScript sets the rlimits (lowering a limit needs no privilege;
// setting another process's would need CAP_SYS_RESOURCE, which containers
// often lack), then holds the process until the server has moved it into
// its cgroups, so that nothing it forks escapes them, then execs bubblewrap
// (or the interpreter) in place.
func gateScript(lim sandbox.Limits, nproc bool) string {
	cpu := int64(max(lim.SessionCPU.Seconds(), 1))
	as := (lim.MemoryBytes + 512<<20) >> 10
	sc := fmt.Sprintf("ulimit -v %d && ulimit -n %d && ulimit -f %d && ulimit -c 0 && ulimit -St %d && ulimit -Ht %d",
		as, lim.OpenFiles, lim.FileBytes/512, cpu, cpu+1)
	if nproc {
		sc += fmt.Sprintf(" && ulimit -p %d", lim.Processes)
	}
	return sc + ` && read -r _ <&4 && exec 4<&- && exec "$0" "$@"`
}

// enter moves the gated process into its cgroups.
func (s *session) enter(pid int) error {
	if s.cg != nil {
		if err := s.cg.add(pid); err != nil {
			return fmt.Errorf("cgroup: %w", err)
		}
		s.baseOOM = s.cg.oomKills()
	}
	return nil
}

func (s *session) readOutput(r *os.File) {
	defer close(s.out)
	defer r.Close()
	for {
		buf := make([]byte, 32<<10)
		n, err := r.Read(buf)
		if n > 0 {
			s.out <- buf[:n]
		}
		if err != nil {
			return
		}
	}
}

func (s *session) readResults(r *os.File) {
	defer close(s.res)
	defer r.Close()
	br := bufio.NewReader(r)
	var hdr [4]byte
	for {
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			return
		}
		n := binary.BigEndian.Uint32(hdr[:])
		if n > 1<<20 {
			return
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(br, buf); err != nil {
			return
		}
		var m resultMsg
		if err := json.Unmarshal(buf, &m); err != nil {
			return
		}
		select {
		case s.res <- m:
		case <-s.exit:
			return
		}
	}
}

func (s *session) wait() {
	s.cmd.Wait()
	s.state = s.cmd.ProcessState
	close(s.exit)
	s.markDone()
}

func (s *session) markDone() { s.once.Do(func() { close(s.done) }) }

func (s *session) Done() <-chan struct{} { return s.done }

// stop kills the sandbox: the outer process group (bwrap's
// --die-with-parent then takes its pid namespace down) and anything left
// in the cgroups.
func (s *session) stop(why killReason) {
	s.killMu.Lock()
	if s.kill == notKilled {
		s.kill = why
	}
	s.killMu.Unlock()
	if s.cmd != nil && s.cmd.Process != nil {
		syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		s.cmd.Process.Kill()
	}
	if s.cg != nil {
		s.cg.killAll()
	}
}

// Close stops the interpreter and frees its uid and cgroups; idempotent.
func (s *session) Close() error {
	s.stop(killClose)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.ctl != nil {
		s.ctl.Close()
	}
	if s.cmd != nil {
		// Drain so the readers can finish.
		go func() { // owned: ends when the output pipe closes, waited by s.wg below
			for range s.out {
			}
		}()
		s.wg.Wait()
	}
	s.markDone()
	s.cg.remove()
	s.b.freeUID(s.slot)
	return nil
}

var errGone = errors.New("bwrap: interpreter is gone")

// Exec runs one cell.
func (s *session) Exec(ctx context.Context, code string) (sandbox.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return sandbox.Result{}, sandbox.ErrClosed
	}
	select {
	case <-s.done:
		return sandbox.Result{}, fmt.Errorf("%w: %w", sandbox.ErrUnavailable, errGone)
	default:
	}
	start := time.Now()
	frame := make([]byte, 4+len(code))
	binary.BigEndian.PutUint32(frame, uint32(len(code)))
	copy(frame[4:], code)
	s.ctl.SetWriteDeadline(start.Add(s.lim.CellTime))
	if _, err := s.ctl.Write(frame); err != nil {
		s.stop(killClose)
		return sandbox.Result{}, fmt.Errorf("%w: send cell: %w", sandbox.ErrUnavailable, err)
	}
	timer := time.NewTimer(s.lim.CellTime)
	defer timer.Stop()

	o := output{keep: s.lim.OutputBytes}
	var msg *resultMsg
	out, res := s.out, s.res
	for {
		if msg != nil && o.total >= msg.Bytes {
			return s.finish(&o, msg, time.Since(start)), nil
		}
		select {
		case c, ok := <-out:
			if !ok {
				out = nil
				continue
			}
			o.add(c)
			if o.total > s.lim.OutputKillBytes {
				s.stop(killOutput)
				out = nil
			}
		case m, ok := <-res:
			if !ok {
				res = nil
				continue
			}
			msg = &m
		case <-s.exit:
			// Gather what the pipe still holds, then explain.
			for c := range s.out {
				o.add(c)
			}
			return s.died(&o, time.Since(start)), nil
		case <-timer.C:
			s.stop(killTimeout)
		case <-ctx.Done():
			s.stop(killCtx)
			<-s.exit
			return sandbox.Result{}, ctx.Err()
		}
	}
}

// output keeps the first keep bytes of a cell's output and counts the rest.
type output struct {
	keep  int
	buf   []byte
	total int
}

func (o *output) add(c []byte) {
	o.total += len(c)
	if room := o.keep - len(o.buf); room > 0 {
		o.buf = append(o.buf, c[:min(room, len(c))]...)
	}
}

// text returns the kept output, cut back to a character boundary, with the
// truncation line when bytes were dropped.
func (o *output) text() (string, bool) {
	b := o.buf
	if o.total <= len(b) {
		return string(b), false
	}
	// Cut back to a character boundary.
	for i := 0; i < 4 && len(b) > 0; i++ {
		r, size := utf8.DecodeLastRune(b)
		if r != utf8.RuneError || size > 1 {
			break
		}
		b = b[:len(b)-1]
	}
	t := string(b)
	if t != "" && t[len(t)-1] != '\n' {
		t += "\n"
	}
	return t + fmt.Sprintf("[output truncated: %d more bytes]\n", o.total-len(b)), true
}

func (s *session) finish(o *output, m *resultMsg, elapsed time.Duration) sandbox.Result {
	text, truncated := o.text()
	st := sandbox.OK
	switch m.Status {
	case "error":
		st = sandbox.Error
	case "rejected":
		st = sandbox.Rejected
	case "memory":
		st = sandbox.MemoryLimit
	}
	if truncated {
		st = sandbox.OutputLimit
	}
	return sandbox.Result{Output: text + m.Report, Status: st, Elapsed: elapsed}
}

// died explains an interpreter that ended during a cell.
func (s *session) died(o *output, elapsed time.Duration) sandbox.Result {
	s.killMu.Lock()
	why := s.kill
	s.killMu.Unlock()
	text, _ := o.text()
	sig, code := exitSignal(s.state, s.b.set.Unsafe)
	var st sandbox.Status
	var msg string
	switch {
	case why == killTimeout:
		st, msg = sandbox.Timeout, "Error: the code ran longer than "+secondsText(s.lim.CellTime)+" and was stopped; "+restarted
	case why == killOutput:
		st, msg = sandbox.OutputLimit, "Error: the output passed "+sizeText(int64(s.lim.OutputKillBytes))+" and the code was stopped; "+restarted
	case sig == syscall.SIGXCPU:
		st, msg = sandbox.Timeout, "Error: the code used more than "+secondsText(s.lim.CellCPU)+" of CPU time and was stopped; "+restarted
	case s.cg.oomKills() > s.baseOOM || (sig == syscall.SIGKILL && s.cg.failcnt() > 0):
		st, msg = sandbox.MemoryLimit, "Error: the code used more than "+sizeText(s.lim.MemoryBytes)+" of memory and was stopped; "+restarted
	case sig != 0:
		st, msg = sandbox.Error, "Error: the interpreter crashed (signal "+strconv.Itoa(int(sig))+") and "+restarted
	default:
		st, msg = sandbox.Error, "Error: the interpreter exited (status "+strconv.Itoa(code)+") and "+restarted
	}
	s.b.log.Debug("interpreter stopped", zap.Stringer("status", st), zap.Int("signal", int(sig)), zap.Int("exit_code", code))
	return sandbox.Result{Output: text + msg, Status: st, Elapsed: elapsed}
}

// exitSignal returns the signal that ended the interpreter: bubblewrap
// exits with 128+N when its child dies of signal N.
func exitSignal(ps *os.ProcessState, direct bool) (syscall.Signal, int) {
	if ps == nil {
		return 0, -1
	}
	ws, ok := ps.Sys().(syscall.WaitStatus)
	if !ok {
		return 0, ps.ExitCode()
	}
	if ws.Signaled() {
		return ws.Signal(), -1
	}
	code := ws.ExitStatus()
	if !direct && code > 128 && code < 128+65 {
		return syscall.Signal(code - 128), code
	}
	return 0, code
}
