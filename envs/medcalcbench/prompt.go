package medcalcbench

import (
	"slices"
	"strings"

	"github.com/medarc-ai/medmarks-t/envs"
)

// The user message is this project's wording (spec §4.2); what the
// verifier reads is the <answer> tag and the four formats, which must not
// change without a version bump.
const (
	roleLine = "You are helping to compute a clinical score or value from a patient note. Work through the question step by step."

	toolRoleLine = "Read the patient note below and compute the medical value that the question asks for."

	noAskingLine = "The note holds all the information you need, so do not ask the user for anything."

	formatBlock = "Once every computation is done, write only the final value, without units, between <answer> and </answer>, in the format that fits the question:\n" +
		"- a decimal value: 17.29\n" +
		"- a score: 5\n" +
		"- a date: 5/21/2021\n" +
		"- a gestational age in weeks and days: (4 weeks, 3 days)"

	exampleIntro = "Here is a worked example for the same calculator."

	exampleOutro = "Now the patient note and the question to solve."
)

// Tool hints by the tools offered (spec §4.2).
const (
	hintPython = "Use the python tool to do every calculation from the values in the note: print every result you need, and if the code fails, fix it and run it again."
	hintCalc   = "Use the calculator tool to evaluate the arithmetic."
	hintBoth   = "Use the calculator and python tools for the arithmetic. With python, print every result you need, and if the code fails, fix it and run it again."
)

// toolDescription is the tool hint for the tools offered; "" without
// tools.
func toolDescription(tools []string) string {
	py, calc := slices.Contains(tools, ToolPython), slices.Contains(tools, ToolCalculator)
	switch {
	case py && calc:
		return hintBoth
	case py:
		return hintPython
	case calc:
		return hintCalc
	}
	return ""
}

// exampleResponse is the one-shot exemplar's response: its explanation,
// then the answer tag with its ground truth verbatim; with use_think the
// explanation sits in a think block followed by a blank line.
func exampleResponse(ex *Row, think bool) string {
	reasoning := ex.Explanation
	if think {
		reasoning = "<think>" + reasoning + "</think>\n"
	}
	return reasoning + "\n<answer>" + ex.Gold.Answer + "</answer>"
}

// promptVars are the template variables of spec §4.2; the one-shot and
// tool variables are empty strings outside their modes.
func promptVars(r, ex *Row, think bool, tools []string) map[string]any {
	v := map[string]any{
		"patient_note": r.Note, "question": r.Question,
		"example_note": "", "example_question": "", "example_response": "",
		"tool_description": toolDescription(tools),
		"calculator_id":    r.Gold.CalculatorID, "calculator_name": r.Gold.Name,
	}
	if ex != nil {
		v["example_note"], v["example_question"], v["example_response"] = ex.Note, ex.Question, exampleResponse(ex, think)
	}
	return v
}

// userMessage is the built-in user message: the role (or, with tools, the
// task, the tool hint and the no-asking line), the answer format, the
// one-shot example block when ex is set, then the note and the question.
func userMessage(r, ex *Row, think bool, tools []string) string {
	var b strings.Builder
	if len(tools) > 0 {
		b.WriteString(toolRoleLine + "\n" + toolDescription(tools) + "\n" + noAskingLine)
	} else {
		b.WriteString(roleLine)
	}
	b.WriteString("\n\n" + formatBlock + "\n\n")
	if ex != nil {
		b.WriteString(exampleIntro + "\n\nExample Patient Note:\n\n" + ex.Note +
			"\n\nExample Question:\n\n" + ex.Question +
			"\n\nExample Response:\n\n" + exampleResponse(ex, think) +
			"\n\n" + exampleOutro + "\n\n")
	}
	b.WriteString("Patient Note:\n\n" + r.Note + "\n\nQuestion:\n\n" + r.Question)
	return b.String()
}

// observation builds the two messages (system + user) with the option
// overrides of ../spec/common.md §3.
func observation(r, ex *Row, opts envs.Values, tools []string) ([]envs.Message, error) {
	think := opts.Bool(OptUseThink)
	sys := envs.SystemPrompt(envs.FormatXML, think, len(tools) > 0)
	return envs.Observation(opts, sys, userMessage(r, ex, think, tools), promptVars(r, ex, think, tools))
}
