package storetest

import (
	"slices"
	"sync"

	"heydoctor"
)

// Race runs fn(0) … fn(n-1) at once, each in its own goroutine, and counts how they
// ended: "ok", the name of one of the expected kinds ("conflict", "too_many_requests"),
// or the text of any other error.
func Race(n int, fn func(i int) error, expected ...heydoctor.ErrorKind) map[string]int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	results := map[string]int{}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := fn(i)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				results["ok"]++
			case slices.Contains(expected, heydoctor.KindOf(err)):
				results[heydoctor.KindOf(err).String()]++
			default:
				results[err.Error()]++
			}
		}()
	}
	wg.Wait()
	return results
}
