package batch

import (
	"context"
	"sync"
)

// Run calls work for every job received from jobs, with at most workers
// running at once, and returns when jobs is closed and every call has
// returned, or when ctx ends (remaining jobs are then dropped). work must
// honour ctx.
func Run[J any](ctx context.Context, workers int, jobs <-chan J, work func(context.Context, J)) {
	if workers < 1 {
		workers = 1
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case j, ok := <-jobs:
					if !ok {
						return
					}
					work(ctx, j)
				}
			}
		})
	}
	wg.Wait()
}
