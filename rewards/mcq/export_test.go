package mcq

// Internals for the external tests.
var (
	LatexToText = latexToText
	StripTeX    = stripTeX
)
