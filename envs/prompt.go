package envs

// Answer formats (option answer_format).
const (
	FormatXML   = "xml"
	FormatBoxed = "boxed"
)

// SystemPrompt is the project's built-in system message for an answer
// format, think variant and tool use (../spec/common.md §3). The wording is
// ours; the tags and \boxed{} are the machine-relevant part the parsers
// read, and must not change without a version bump.
func SystemPrompt(format string, think, tools bool) string {
	var s string
	switch {
	case format == FormatBoxed && think:
		s = "Reason through the problem inside <think> </think> tags. After the closing </think> tag, write your final answer inside \\boxed{}."
	case format == FormatBoxed:
		s = "Work through the problem step by step, then write your final answer inside \\boxed{}."
	case think:
		s = "Reason through the problem inside <think> </think> tags. After the closing </think> tag, give only your final answer inside <answer> </answer> tags."
	default:
		s = "Work through the problem step by step, then give only your final answer inside <answer> </answer> tags."
	}
	if tools {
		s += " Call the tools you are offered whenever they help."
	}
	return s
}
