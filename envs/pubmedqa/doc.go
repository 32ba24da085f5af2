// Package pubmedqa is the PubMedQA environment: yes/no/maybe questions about
// PubMed abstracts, as options A/B/C graded by the shared multiple-choice
// grader (../shared/spec/envs/pubmedqa.md).
//
// The expert-labeled set (ori_pqal.json, or the pqa_labeled export) is split
// by the official test ids (test_ground_truth.json, or the copy compiled
// into the binary, test_ids.txt) into test and train_labeled; test_set.json
// serves test alone when no labeled set is present; ori_pqaa.json or the
// pqa_artificial export is train.
package pubmedqa
