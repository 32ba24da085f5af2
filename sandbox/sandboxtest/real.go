package sandboxtest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/medarc-ai/medmarks-t/sandbox/bwrap"
)

// Bwrap returns the real bubblewrap backend, closed when the test ends. It
// skips, loudly, only when the kernel forbids user namespaces; a missing
// bwrap or Python fails the test.
func Bwrap(tb testing.TB, unsafe bool) *bwrap.Backend {
	tb.Helper()
	for _, f := range []string{"/proc/sys/user/max_user_namespaces", "/proc/sys/kernel/unprivileged_userns_clone"} {
		if b, err := os.ReadFile(f); err == nil && strings.TrimSpace(string(b)) == "0" && !unsafe {
			tb.Skipf("SKIPPED: THE KERNEL FORBIDS USER NAMESPACES (%s = 0); the bubblewrap sandbox cannot run here", f)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := bwrap.New(ctx, bwrap.Settings{Logger: zaptest.NewLogger(tb, zaptest.Level(zap.WarnLevel)), Unsafe: unsafe})
	if err != nil {
		tb.Fatalf("bwrap.New: %v (Debian packages needed: bubblewrap python3-numpy python3-scipy)", err)
	}
	tb.Cleanup(func() { b.Close() })
	return b
}
