package sandboxtest

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/medarc-ai/medmarks-t/sandbox"
)

// Fake is an in-memory Backend. Its sessions understand a tiny subset of
// Python, enough for the conformance suite and for tests above the
// backend:
//
//	x = 5               assign an integer
//	print(x * 2)        print a name, an integer, or name * integer
//	raise ValueError('m')
//	while True: pass    runs until the cell time limit: TIMEOUT, interpreter gone
//	crash               the interpreter dies: ERROR, interpreter gone
//
// Anything else is a SyntaxError. Set Fail to make NewSession fail. Safe
// for concurrent use.
type Fake struct {
	// Fail, when set, makes NewSession fail with it (wrapped in
	// sandbox.ErrUnavailable).
	Fail atomic.Pointer[error]
	// Delay is added to every NewSession.
	Delay time.Duration

	mu      sync.Mutex
	started int
	live    map[*fakeSession]bool
}

// Started returns how many sessions were started.
func (f *Fake) Started() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.started
}

// Live returns how many sessions are not closed.
func (f *Fake) Live() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.live)
}

// NewSession starts a fake interpreter.
func (f *Fake) NewSession(ctx context.Context, lim sandbox.Limits) (sandbox.Session, error) {
	if p := f.Fail.Load(); p != nil {
		return nil, fmt.Errorf("%w: fake: %w", sandbox.ErrUnavailable, *p)
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	s := &fakeSession{f: f, lim: lim, vars: map[string]int{}, done: make(chan struct{})}
	f.mu.Lock()
	f.started++
	if f.live == nil {
		f.live = map[*fakeSession]bool{}
	}
	f.live[s] = true
	f.mu.Unlock()
	return s, nil
}

type fakeSession struct {
	f    *Fake
	lim  sandbox.Limits
	mu   sync.Mutex
	vars map[string]int
	done chan struct{}
	once sync.Once
	gone bool
}

var (
	assignRe = regexp.MustCompile(`^([a-z_]\w*) = (-?\d+)$`)
	printRe  = regexp.MustCompile(`^print\((?:([a-z_]\w*)(?: \* (\d+))?|(-?\d+))\)$`)
	raiseRe  = regexp.MustCompile(`^raise (\w+)\('([^']*)'\)$`)
)

func (s *fakeSession) die() { s.once.Do(func() { s.gone = true; close(s.done) }) }

func (s *fakeSession) Exec(ctx context.Context, code string) (sandbox.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.done:
		return sandbox.Result{}, fmt.Errorf("%w: fake interpreter is gone", sandbox.ErrUnavailable)
	default:
	}
	var out strings.Builder
	for i, line := range strings.Split(code, "\n") {
		ln := i + 1
		switch m := line; {
		case line == "" || strings.HasPrefix(line, "#"):
		case assignRe.MatchString(m):
			g := assignRe.FindStringSubmatch(m)
			n, _ := strconv.Atoi(g[2])
			s.vars[g[1]] = n
		case printRe.MatchString(m):
			g := printRe.FindStringSubmatch(m)
			if g[3] != "" {
				out.WriteString(g[3] + "\n")
				continue
			}
			v, ok := s.vars[g[1]]
			if !ok {
				out.WriteString(fmt.Sprintf("Error: NameError: name '%s' is not defined (line %d)\n%s", g[1], ln, hint))
				return sandbox.Result{Output: out.String(), Status: sandbox.Error}, nil
			}
			if g[2] != "" {
				k, _ := strconv.Atoi(g[2])
				v *= k
			}
			out.WriteString(strconv.Itoa(v) + "\n")
		case raiseRe.MatchString(m):
			g := raiseRe.FindStringSubmatch(m)
			out.WriteString(fmt.Sprintf("Error: %s: %s (line %d)\n", g[1], g[2], ln))
			return sandbox.Result{Output: out.String(), Status: sandbox.Error}, nil
		case line == "while True: pass":
			t := time.NewTimer(s.lim.CellTime)
			defer t.Stop()
			select {
			case <-t.C:
				s.die()
				out.WriteString("Error: the code ran longer than " + strconv.FormatFloat(s.lim.CellTime.Seconds(), 'f', -1, 64) + " s and was stopped; the interpreter was restarted and earlier variables are gone.\n")
				return sandbox.Result{Output: out.String(), Status: sandbox.Timeout, Elapsed: s.lim.CellTime}, nil
			case <-ctx.Done():
				s.die()
				return sandbox.Result{}, ctx.Err()
			}
		case line == "crash":
			s.die()
			out.WriteString("Error: the interpreter crashed (signal 11) and the interpreter was restarted and earlier variables are gone.\n")
			return sandbox.Result{Output: out.String(), Status: sandbox.Error}, nil
		default:
			out.WriteString(fmt.Sprintf("Error: SyntaxError: invalid syntax (line %d)\n", ln))
			return sandbox.Result{Output: out.String(), Status: sandbox.Error}, nil
		}
	}
	return sandbox.Result{Output: out.String(), Status: sandbox.OK}, nil
}

const hint = "Hint: only math, numpy (np) and scipy (sp) are loaded; other modules cannot be imported.\n"

// Kill makes every live session's interpreter die, as a crash between
// calls would.
func (f *Fake) Kill() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.live {
		s.die()
	}
}

func (s *fakeSession) Done() <-chan struct{} { return s.done }

func (s *fakeSession) Close() error {
	s.die()
	s.f.mu.Lock()
	delete(s.f.live, s)
	s.f.mu.Unlock()
	return nil
}
