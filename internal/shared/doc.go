// Package shared locates the project's shared folder (spec, guide, real
// datasets) for tests and benchmarks: <module root>/../shared, where the
// module root is the nearest directory above the working directory that
// holds go.mod. MEDMARKS_SHARED names the shared folder instead;
// MEDMARKS_DATASETS names the datasets folder alone (ARCHITECTURE §8).
//
// Tests that need the data call Dir or Datasets, which fail the test when
// the folder is missing: real-data tests never skip.
package shared
