// Package rewards defines the values every grader and environment returns:
// a Reward, its Components and its Status. It holds values only and imports
// nothing but the standard library, so graders stay pure functions.
//
// A Reward's Value counts only when its Status is Scored; every other status
// is a failure to compute the reward (a judge or sandbox outage, a deadline,
// malformed input) and must never be read as a 0 (../spec/common.md §7).
package rewards
