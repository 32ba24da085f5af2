// Package archtest enforces the house rules no linter covers
// (../shared/guide/ARCHITECTURE.md §3): which packages may import which,
// and no global loggers or prints in libraries. It has only tests.
package archtest
