package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/medarc-ai/medmarks-t/sandbox/calc"
)

// Tool names.
const (
	Calculator = "calculator"
	Python     = "python"
)

// RestartNote leads the output of a call whose session's interpreter was
// replaced without a result saying so (idle expiry, found dead, server
// restart): envs/medcalc_bench.md §8.3.
const RestartNote = "Note: the interpreter was restarted; earlier variables are gone.\n"

const calculatorDescription = "Evaluate one arithmetic expression and return its value as a decimal number. Operators: + - * / // % and ** (^ also means power), with parentheses. Functions: sqrt, sin, cos, tan (radians), log (natural; log(x, base) for another base), log10, exp, abs, round. Constants: pi, e. At most 200 characters."

type fnSchema struct {
	Type     string `json:"type"`
	Function struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Parameters  struct {
			Type       string `json:"type"`
			Properties map[string]struct {
				Type        string `json:"type"`
				Description string `json:"description"`
			} `json:"properties"`
			Required             []string `json:"required"`
			AdditionalProperties bool     `json:"additionalProperties"`
		} `json:"parameters"`
	} `json:"function"`
}

func makeSpec(name, desc, arg, argDesc string) Spec {
	var s fnSchema
	s.Type = "function"
	s.Function.Name = name
	s.Function.Description = desc
	s.Function.Parameters.Type = "object"
	s.Function.Parameters.Properties = map[string]struct {
		Type        string `json:"type"`
		Description string `json:"description"`
	}{arg: {Type: "string", Description: argDesc}}
	s.Function.Parameters.Required = []string{arg}
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // static data; cannot fail
	}
	return Spec{Name: name, Arg: arg, JSON: b}
}

// CalculatorSpec is the calculator's definition (envs/medcalc_bench.md §8.1).
func CalculatorSpec() Spec {
	return makeSpec(Calculator, calculatorDescription, "expression",
		"The expression to evaluate, for example (140 - 87) * 48 / (72 * 1.4)")
}

// PythonSpec is the python tool's definition; its time follows the cell
// time limit.
func PythonSpec(cellTime time.Duration) Spec {
	secs := strconv.FormatFloat(cellTime.Seconds(), 'f', -1, 64)
	unit := "seconds"
	if secs == "1" {
		unit = "second"
	}
	desc := "Run Python 3 code in a sandboxed interpreter. Variables, functions and imports persist between calls within this task. Only math, numpy and scipy can be imported; math, numpy (also as np) and scipy (also as sp) are already loaded. There is no file or network access. Only printed output is returned, so print every value you need. Each call may run for at most " + secs + " " + unit + "."
	return makeSpec(Python, desc, "code", "Python statements to run, for example: bmi = 70 / 1.75 ** 2\nprint(round(bmi, 1))")
}

// calcTool is the calculator as a Tool: in process, never an error.
type calcTool struct{ c *calc.Calculator }

// NewCalculatorTool returns the calculator tool.
func NewCalculatorTool() Tool { return calcTool{c: calc.New()} }

func (t calcTool) Spec() Spec { return CalculatorSpec() }

func (t calcTool) Run(ctx context.Context, _, input string) (Result, error) {
	start := time.Now()
	out, oc := t.c.Eval(input)
	st := OK
	switch oc {
	case calc.Failed:
		st = Error
	case calc.Rejected:
		st = Rejected
	}
	return Result{Output: out, Status: st, Elapsed: time.Since(start)}, nil
}

// pythonTool runs code in pool sessions.
type pythonTool struct {
	pool  *Pool
	lim   Limits
	ttl   time.Duration
	queue bool // wait for a free slot (episodes) or fail at once (ToolService)
}

func (t *pythonTool) Spec() Spec { return PythonSpec(t.lim.CellTime) }

func (t *pythonTool) Run(ctx context.Context, session, code string) (Result, error) {
	if len(code) > t.lim.CodeBytes {
		return Result{
			Output: fmt.Sprintf("Error: code longer than %d bytes\n", t.lim.CodeBytes),
			Status: Rejected,
		}, nil
	}
	acquire := t.pool.TrySession
	if t.queue {
		acquire = t.pool.Session
	}
	s, restarted, err := acquire(ctx, session, t.ttl)
	if err != nil {
		return Result{}, err
	}
	r, err := s.Exec(ctx, code)
	if err != nil {
		return Result{}, fmt.Errorf("run cell: %w", err)
	}
	if restarted {
		r.Output = RestartNote + r.Output
	}
	r.Output = strings.ToValidUTF8(r.Output, "\uFFFD")
	if !utf8.ValidString(r.Output) {
		r.Output = ""
	}
	return r, nil
}
