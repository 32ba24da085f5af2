// Package medmarksv1 is the generated Go code of the medmarks.v1 protos
// (EnvService, ToolService and their messages). Regenerate it with
// `buf generate`; do not edit the .pb.go files.
package medmarksv1
