// Package judgedenvtest holds what the tests of the judged envs (medec,
// med_dialog, medcasereasoning) share: the env over the real files, loaded
// once; a judge client over judgetest fakes; Score and option shorthands;
// reading a judge prompt's sections; and two suites every judged env runs:
// RunFaults (the fake judge's faults against one item, RetryAfter) and
// RunBulk (many items against a judge that fails at random).
package judgedenvtest
