package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/schollz/progressbar/v3"
	"go.uber.org/zap"
	"golang.org/x/term"

	"github.com/medarc-ai/medmarks-t/envs"
	pb "github.com/medarc-ai/medmarks-t/proto/medmarks/v1"
	"github.com/medarc-ai/medmarks-t/rewards/judge"
	"github.com/medarc-ai/medmarks-t/server"
	"github.com/medarc-ai/medmarks-t/store"
)

// maxLineBytes bounds one JSONL line: a 1 MiB completion plus its row and
// JSON escaping fits many times over.
const maxLineBytes = 32 << 20

func runScore(ctx context.Context, args []string, io stdio) error {
	fs := newFlagSet("score", "score --env NAME [--data DIR] [--in FILE|-] [--out FILE|-] [--config FILE] [--store DIR]", io)
	env := fs.String("env", "", "environment to score against (required)")
	dataDir := fs.String("data", "", "data directory (default: the embedded demo set)")
	in := fs.String("in", "-", "input JSONL file, - for stdin")
	out := fs.String("out", "-", "output JSONL file, - for stdout")
	config := fs.String("config", "", "YAML config file")
	storeFlag := fs.String("store", "", "store directory for the judge cache (default: medmarks/score in the user's cache directory)")
	templates := templateFlags{}
	fs.Var(templates, "prompt-template", "register a prompt template: ENV/NAME=PATH (repeatable)")
	var jf judgeFlags
	jf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *env == "" {
		fs.Usage()
		return usageErr("score: --env is required")
	}
	cfg, err := loadConfig(*config)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	templates.apply(&cfg)
	if err := jf.apply(&cfg.Judges, func(s string) { fmt.Fprintln(io.err, "medmarks:", s) }); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return &exitError{code: 2, err: fmt.Errorf("config: %w", err)}
	}
	if _, _, err := dataFS(*dataDir); err != nil {
		return err
	}
	log := zap.NewNop()
	// The judge cache lives in score's own store (a running server holds the
	// lock on its own); it is opened only when a judge is configured.
	var cache judge.Cache
	if len(cfg.Judges.Judges) > 0 && cfg.Judges.Judge.Cache {
		dir, err := storeDir(*storeFlag, cfg.Store.Dir, "score")
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		db, err := store.Open(dir, log, store.Options{})
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		defer db.Close()
		cache = db.Table("j/")
	}
	jc, judges, err := newJudges(cfg, cache, log)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if jc != nil {
		defer jc.Close()
	}
	reg, err := buildRegistry(ctx, cfg, *dataDir, envs.Settings{Logger: log, Judges: judges})
	if err != nil {
		return err
	}
	if _, err := reg.Lookup(*env); err != nil {
		return usageErr("--env: %v", err)
	}

	r, total, closeIn, err := openInput(*in, io.in)
	if err != nil {
		return usageErr("--in: %v", err)
	}
	defer closeIn()
	w, closeOut, err := openOutput(*out, io.out)
	if err != nil {
		return usageErr("--out: %v", err)
	}

	srv, err := server.New(cfg.Server, server.Deps{Log: log})
	if err != nil {
		return err
	}
	srv.Ready(reg, nil)
	st := &lineStream{ctx: ctx, env: *env, r: bufio.NewReaderSize(r, 1<<20), w: bufio.NewWriterSize(w, 1<<20),
		pending: map[int]outLine{}, counts: map[string]int{}}
	if f, ok := io.err.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		st.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(io.err), progressbar.OptionSetDescription("scoring"),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionThrottle(100_000_000),
			progressbar.OptionClearOnFinish())
	}
	runErr := srv.ServeBatch(st)
	flushErr := st.w.Flush()
	if err := closeOut(); err == nil && flushErr == nil {
		flushErr = err
	}
	if st.bar != nil {
		_ = st.bar.Finish()
	}
	if runErr != nil {
		return runErr
	}
	if st.readErr != nil {
		return st.readErr
	}
	if flushErr != nil {
		return flushErr
	}
	fmt.Fprintln(io.err, st.summary()+judgeSummary(jc))
	if st.counts["SCORED"] != st.lines {
		return &exitError{code: 1}
	}
	return nil
}

func openInput(path string, stdin io.Reader) (io.Reader, int, func(), error) {
	if path == "-" {
		return stdin, -1, func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, nil, err
	}
	// Count lines first so the progress bar knows the total.
	n, err := countLines(f)
	if err != nil {
		f.Close()
		return nil, 0, nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, 0, nil, err
	}
	return f, n, func() { f.Close() }, nil
}

func countLines(r io.Reader) (int, error) {
	buf := make([]byte, 1<<20)
	n, last := 0, byte('\n')
	for {
		k, err := r.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if k > 0 {
			last = buf[k-1]
		}
		if err == io.EOF {
			if last != '\n' {
				n++
			}
			return n, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

func openOutput(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "-" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

// scoreLine is one input line (../spec/api.md, `medmarks score`).
type scoreLine struct {
	ID               json.RawMessage `json:"id"`
	Example          json.RawMessage `json:"example"`
	ExampleID        *string         `json:"example_id"`
	Split            string          `json:"split"`
	Completion       json.RawMessage `json:"completion"`
	Options          json.RawMessage `json:"options"`
	Seed             *uint64         `json:"seed"`
	CompletionTokens *uint32         `json:"completion_tokens"`
}

// outLine is one output line.
type outLine struct {
	ID         json.RawMessage         `json:"id"`
	Reward     *float64                `json:"reward"`
	Status     string                  `json:"status"`
	Components map[string]componentOut `json:"components,omitempty"`
	Detail     string                  `json:"detail"`
	EnvVersion string                  `json:"env_version,omitempty"`
}

type componentOut struct {
	Value  float64 `json:"value"`
	Weight float64 `json:"weight"`
}

// lineStream adapts JSONL lines to the server's batch path, so that `score`
// validates and scores exactly as ScoreBatch does. Lines are read in order,
// results come back in any order and are written in input order.
type lineStream struct {
	ctx context.Context
	env string
	r   *bufio.Reader

	mu      sync.Mutex // guards the fields below; Recv and Send run on different goroutines
	next    int        // next line number to read
	written int        // next line number to write
	ids     map[int]json.RawMessage
	pending map[int]outLine
	lines   int
	counts  map[string]int
	readErr error
	w       *bufio.Writer
	bar     *progressbar.ProgressBar
}

func (s *lineStream) Context() context.Context { return s.ctx }

// Recv returns the next line as a batch item; a line that is not valid
// UTF-8 or not a JSON object is answered at once as INVALID_INPUT.
func (s *lineStream) Recv() (*pb.ScoreBatchRequest, error) {
	for {
		line, err := s.r.ReadSlice('\n')
		tooLong := false
		if err == bufio.ErrBufferFull {
			line, tooLong, err = s.readLong(line)
		}
		if len(line) == 0 && !tooLong && err != nil {
			if err == io.EOF {
				return nil, io.EOF
			}
			s.mu.Lock()
			s.readErr = err
			s.mu.Unlock()
			return nil, io.EOF
		}
		line = bytes.TrimRight(line, "\r\n")
		if !tooLong && len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		s.mu.Lock()
		n := s.next
		s.next++
		s.lines++
		s.mu.Unlock()
		if tooLong {
			s.deliver(n, outLine{ID: json.RawMessage("null"), Status: "INVALID_INPUT", Detail: fmt.Sprintf("line: longer than %d bytes", maxLineBytes)})
			continue
		}
		req, id, perr := s.parse(line)
		if perr != nil {
			s.deliver(n, outLine{ID: id, Status: "INVALID_INPUT", Detail: perr.Error()})
			continue
		}
		s.mu.Lock()
		if s.ids == nil {
			s.ids = map[int]json.RawMessage{}
		}
		s.ids[n] = id
		s.mu.Unlock()
		req.RequestId = fmt.Sprint(n)
		return req, nil
	}
}

// readLong reads the rest of a line longer than the reader's buffer; past
// maxLineBytes it skips to the end of the line and reports it too long.
func (s *lineStream) readLong(first []byte) (line []byte, tooLong bool, err error) {
	buf := append([]byte(nil), first...)
	for {
		more, err := s.r.ReadSlice('\n')
		buf = append(buf, more...)
		if len(buf) > maxLineBytes {
			for err == bufio.ErrBufferFull {
				_, err = s.r.ReadSlice('\n')
			}
			return nil, true, nil
		}
		if err != bufio.ErrBufferFull {
			return buf, false, err
		}
	}
}

func (s *lineStream) parse(line []byte) (*pb.ScoreBatchRequest, json.RawMessage, error) {
	null := json.RawMessage("null")
	if !utf8.Valid(line) {
		return nil, null, fmt.Errorf("line: invalid UTF-8")
	}
	var l scoreLine
	if err := json.Unmarshal(line, &l); err != nil {
		return nil, null, fmt.Errorf("line: not a JSON object: %v", err)
	}
	id := l.ID
	if len(id) == 0 {
		id = null
	}
	req := &pb.ScoreBatchRequest{Env: s.env, Seed: l.Seed, CompletionTokens: l.CompletionTokens}
	if len(l.Options) > 0 && string(l.Options) != "null" {
		req.OptionsJson = string(l.Options)
	}
	switch {
	case len(l.Example) > 0 && l.ExampleID != nil:
		return nil, id, fmt.Errorf("example: give example or example_id, not both")
	case len(l.Example) > 0:
		req.Example = &pb.ScoreBatchRequest_ExampleJson{ExampleJson: string(l.Example)}
	case l.ExampleID != nil:
		req.Example = &pb.ScoreBatchRequest_ExampleRef{ExampleRef: &pb.ExampleRef{Split: l.Split, ExampleId: *l.ExampleID}}
	}
	if len(l.Completion) > 0 && string(l.Completion) != "null" {
		if err := setCompletion(req, l.Completion); err != nil {
			return nil, id, err
		}
	}
	return req, id, nil
}

// chatMessage is a message in OpenAI's JSON: content a string or a list of
// parts; tool calls nested under "function" (a flat name/arguments is also
// read).
type chatMessage struct {
	Role             string          `json:"role"`
	Content          json.RawMessage `json:"content"`
	ReasoningContent string          `json:"reasoning_content"`
	ToolCallID       string          `json:"tool_call_id"`
	Name             string          `json:"name"`
	ToolCalls        []struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Args     string `json:"arguments"`
		Function struct {
			Name      string `json:"name"`
			Arguments string `json:"arguments"`
		} `json:"function"`
	} `json:"tool_calls"`
}

// setCompletion reads a completion: a string, or a list of chat messages.
func setCompletion(req *pb.ScoreBatchRequest, raw json.RawMessage) error {
	var text string
	if err := json.Unmarshal(raw, &text); err == nil {
		req.Completion = &pb.ScoreBatchRequest_CompletionText{CompletionText: text}
		return nil
	}
	var msgs []chatMessage
	if err := json.Unmarshal(raw, &msgs); err != nil {
		return fmt.Errorf("completion: want a string or a list of messages: %v", err)
	}
	out := &pb.Messages{}
	for i, m := range msgs {
		pm := &pb.Message{Role: m.Role, ReasoningContent: m.ReasoningContent, ToolCallId: m.ToolCallID, Name: m.Name}
		if len(m.Content) > 0 && string(m.Content) != "null" {
			if err := json.Unmarshal(m.Content, &pm.Content); err != nil {
				var parts []struct {
					Type string `json:"type"`
					Text string `json:"text"`
				}
				if err := json.Unmarshal(m.Content, &parts); err != nil {
					return fmt.Errorf("completion[%d].content: want a string or a list of parts", i)
				}
				for _, p := range parts {
					pm.ContentParts = append(pm.ContentParts, &pb.ContentPart{Type: p.Type, Text: p.Text})
				}
			}
		}
		for _, tc := range m.ToolCalls {
			name, args := tc.Function.Name, tc.Function.Arguments
			if name == "" {
				name, args = tc.Name, tc.Args
			}
			pm.ToolCalls = append(pm.ToolCalls, &pb.ToolCall{Id: tc.ID, Name: name, Arguments: args})
		}
		out.Messages = append(out.Messages, pm)
	}
	req.Completion = &pb.ScoreBatchRequest_CompletionMessages{CompletionMessages: out}
	return nil
}

// Send receives one result and writes every result now in order.
func (s *lineStream) Send(res *pb.ScoreBatchResponse) error {
	var n int
	if _, err := fmt.Sscan(res.GetRequestId(), &n); err != nil {
		return fmt.Errorf("unexpected request id %q", res.GetRequestId())
	}
	s.mu.Lock()
	id := s.ids[n]
	delete(s.ids, n)
	s.mu.Unlock()
	s.deliver(n, toOutLine(id, res.GetReward()))
	return nil
}

func toOutLine(id json.RawMessage, r *pb.Reward) outLine {
	st := strings.TrimPrefix(r.GetStatus().String(), "REWARD_STATUS_")
	o := outLine{ID: id, Status: st, Detail: r.GetDetail(), EnvVersion: r.GetEnvVersion()}
	if r.GetStatus() == pb.RewardStatus_REWARD_STATUS_SCORED {
		v := r.GetValue()
		o.Reward = &v
	}
	if len(r.GetComponents()) > 0 {
		o.Components = map[string]componentOut{}
		for _, c := range r.GetComponents() {
			o.Components[c.GetName()] = componentOut{Value: c.GetValue(), Weight: c.GetWeight()}
		}
	}
	return o
}

func (s *lineStream) deliver(n int, o outLine) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending[n] = o
	for {
		o, ok := s.pending[s.written]
		if !ok {
			return
		}
		delete(s.pending, s.written)
		s.written++
		s.counts[o.Status]++
		b, err := json.Marshal(o)
		if err != nil {
			b = []byte(`{"status":"INTERNAL","detail":"cannot encode result"}`)
		}
		s.w.Write(b)
		s.w.WriteByte('\n')
		if s.bar != nil {
			_ = s.bar.Add(1)
		}
	}
}

func (s *lineStream) summary() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.counts))
	for k := range s.counts {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s %d", k, s.counts[k])
	}
	return fmt.Sprintf("%d lines: %s", s.lines, strings.Join(parts, ", "))
}
