package pytext_test

import (
	"testing"
	"unicode"

	"github.com/medarc-ai/medmarks-t/internal/pytext"
)

// TestIsSpace checks every code point against the set CPython 3.11's
// str.isspace() accepts: Unicode White_Space (minus U+180E, as in Python)
// plus the separators U+001C–U+001F.
func TestIsSpace(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		want := (unicode.Is(unicode.White_Space, r) && r != 0x180e) || (r >= 0x1c && r <= 0x1f)
		if got := pytext.IsSpace(r); got != want {
			t.Fatalf("IsSpace(%U) = %v, want %v", r, got, want)
		}
	}
	if got := pytext.Trim("\x1c\u3000 a b\u2029\n"); got != "a b" {
		t.Fatalf("Trim = %q", got)
	}
}
