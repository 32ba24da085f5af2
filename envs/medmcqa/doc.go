// Package medmcqa is the MedMCQA environment: Indian medical entrance-exam
// questions with four options (../shared/spec/envs/medmcqa.md). Upstream's
// name med_mcqa is an alias.
//
// Rows come from the original JSON Lines files (dev.json → validation,
// train.json) or the lighteval/med_mcqa and openlifescienceai/medmcqa
// exports; the latter's 0-based cop is detected per source and converted.
// The test split is never served: its answers are unpublished.
package medmcqa
