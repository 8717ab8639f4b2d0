// Package limit counts events per key in a sliding window, in memory, so that a client
// cannot repeat an action faster than allowed: logins per address, bookings per address,
// lookups per code. An event is recorded at the moment it is allowed, under one lock, so
// concurrent callers cannot all pass a check that only one of them should pass.
//
// Counts are per process: with several replicas the effective limit is multiplied by
// their number. Limits that must hold across replicas are counted in the database.
package limit

import (
	"net/netip"
	"sync"
	"time"
)

// maxKeys bounds memory under a flood of distinct keys.
const maxKeys = 200_000

// Limiter allows at most max events per key in any window. With backoff, a key that keeps
// hitting the limit waits twice as long each time, up to the backoff cap.
type Limiter struct {
	max        int
	window     time.Duration
	maxBackoff time.Duration
	now        func() time.Time

	mu   sync.Mutex
	keys map[string]*entry
}

type entry struct {
	events  []time.Time // oldest first, at most max
	strikes int         // times the limit was hit since the last Reset
	until   time.Time   // refused until then (backoff)
}

// New returns a limiter of max events per key in window; now is the clock (time.Now when nil).
func New(max int, window time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{max: max, window: window, now: now, keys: map[string]*entry{}}
}

// WithBackoff makes a key that reaches the limit again wait window, 2×window, 4×window, …
// up to maxWait, counted from the refused attempt. It returns l.
func (l *Limiter) WithBackoff(maxWait time.Duration) *Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.maxBackoff = maxWait
	return l
}

// Allow records one event for key if the key is under its limit and reports whether it
// did; when it did not, retry says how long to wait.
func (l *Limiter) Allow(key string) (ok bool, retry time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.keys[key]
	if e == nil {
		if len(l.keys) >= maxKeys {
			l.sweep(now)
		}
		e = &entry{}
		l.keys[key] = e
	}
	if now.Before(e.until) {
		return false, e.until.Sub(now)
	}
	e.prune(now, l.window)
	if len(e.events) < l.max {
		e.events = append(e.events, now)
		return true, 0
	}
	retry = e.events[0].Add(l.window).Sub(now)
	if l.maxBackoff > 0 {
		wait := l.window << min(e.strikes, 20)
		if wait > l.maxBackoff || wait <= 0 {
			wait = l.maxBackoff
		}
		e.strikes++
		e.until = now.Add(wait)
		retry = wait
	}
	return false, retry
}

// Return gives back one event that Allow recorded for key, for an attempt that turned
// out not to count (a lookup that found its reservation, say).
func (l *Limiter) Return(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.keys[key]; e != nil && len(e.events) > 0 {
		e.events = e.events[:len(e.events)-1]
	}
}

// Reset forgets a key: its events and its backoff (after a successful login, say).
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.keys, key)
}

func (e *entry) prune(now time.Time, window time.Duration) {
	i := 0
	for i < len(e.events) && now.Sub(e.events[i]) >= window {
		i++
	}
	e.events = e.events[i:]
}

// sweep drops keys with nothing left to remember; if the map is still full, it drops
// arbitrary keys (map order is random), so a flood of new keys costs bounded memory.
func (l *Limiter) sweep(now time.Time) {
	for k, e := range l.keys {
		e.prune(now, l.window)
		if len(e.events) == 0 && !now.Before(e.until) {
			delete(l.keys, k)
		}
	}
	for k := range l.keys {
		if len(l.keys) < maxKeys*9/10 {
			break
		}
		delete(l.keys, k)
	}
}

// AddrKey is the key for a client address: the address itself for IPv4, its /64 network
// for IPv6 (one subscriber usually holds a whole /64). Anything else is returned as is.
func AddrKey(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.WithZone("").Prefix(64)
	return p.String()
}
