// Package bwrap is the Python backend of the sandbox: one persistent
// interpreter (Debian's /usr/bin/python3 with numpy and scipy) per
// session, each inside its own bubblewrap sandbox — new user, pid, net,
// ipc, uts, mount and cgroup namespaces, read-only system binds, a private
// size-capped tmpfs, a fixed environment, no network — under a host uid of
// its own, cgroup v1 memory and pids limits where writable, and rlimits
// always. Inside, repl.py enforces the import allowlist (math, numpy,
// scipy) and guards attribute access and audit events, so that even a
// broken guard still leaves the namespaces in place.
//
// New probes the sandbox once; when bubblewrap or user namespaces are
// missing it fails with ErrUnavailable and the reason, and the server
// refuses the python tool rather than running it unsandboxed (unless the
// operator chose the unsafe-local backend, which logs a loud warning).
//
// # Concurrency
//
// Backend is safe for concurrent use; a Session serves one call at a time.
package bwrap
