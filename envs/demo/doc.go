// Package demo embeds a small demo data set, written by this project for
// Medmarks-T (not taken from the benchmarks), in the layout of
// ../shared/datasets: one folder per env with the original file names. It
// lets `medmarks serve` work on a fresh machine with no flags.
package demo
