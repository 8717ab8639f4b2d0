package limit

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newClock() *clock { return &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)} }

func TestAllow(t *testing.T) {
	type step struct {
		after time.Duration // clock advance before the call
		key   string
		ok    bool
		retry time.Duration
	}
	tests := []struct {
		name    string
		backoff time.Duration
		steps   []step
	}{
		{"window slides", 0, []step{
			{0, "a", true, 0}, {time.Minute, "a", true, 0}, {time.Minute, "a", true, 0},
			{time.Minute, "a", false, 7 * time.Minute},
			{0, "b", true, 0}, // another key has its own count
			{7 * time.Minute, "a", true, 0},
			{0, "a", false, time.Minute},
		}},
		{"backoff doubles", time.Hour, []step{
			{0, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0},
			{0, "a", false, 10 * time.Minute},
			{9 * time.Minute, "a", false, time.Minute},
			{time.Minute, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0},
			{0, "a", false, 20 * time.Minute},
			{20 * time.Minute, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0},
			{0, "a", false, 40 * time.Minute},
			{40 * time.Minute, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0},
			{0, "a", false, time.Hour}, // capped
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			l := New(3, 10*time.Minute, c.now)
			if tt.backoff > 0 {
				l.WithBackoff(tt.backoff)
			}
			for i, s := range tt.steps {
				c.add(s.after)
				ok, retry := l.Allow(s.key)
				if ok != s.ok || retry != s.retry {
					t.Fatalf("step %d (%s): Allow = %v, %v; want %v, %v", i, s.key, ok, retry, s.ok, s.retry)
				}
			}
		})
	}
}

func TestResetForgetsBackoff(t *testing.T) {
	c := newClock()
	l := New(1, time.Minute, c.now).WithBackoff(time.Hour)
	l.Allow("a")
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("second event allowed")
	}
	l.Reset("a")
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("refused after Reset")
	}
}

func TestReturn(t *testing.T) {
	c := newClock()
	l := New(2, time.Minute, c.now)
	for range 5 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatal("refused although every event was given back")
		}
		l.Return("a")
	}
	l.Allow("a")
	l.Allow("a")
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("third kept event allowed")
	}
	l.Return("missing") // no panic
}

// TestAllowConcurrent checks the reservation is atomic: of many simultaneous callers on
// one key, exactly max pass.
func TestAllowConcurrent(t *testing.T) {
	l := New(5, time.Hour, nil)
	var passed atomic.Int32
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			if ok, _ := l.Allow("k"); ok {
				passed.Add(1)
			}
		})
	}
	wg.Wait()
	if got := passed.Load(); got != 5 {
		t.Fatalf("passed = %d, want 5", got)
	}
}

func TestMemoryBounded(t *testing.T) {
	c := newClock()
	l := New(1, time.Minute, c.now)
	for i := range maxKeys + 10 {
		l.Allow(string(rune(i)) + "x")
	}
	if n := len(l.keys); n > maxKeys {
		t.Fatalf("%d keys kept, bound %d", n, maxKeys)
	}
}

func TestAddrKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"::ffff:203.0.113.7", "203.0.113.7"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"not an address", "not an address"},
	}
	var got, want []string
	for _, tt := range tests {
		got, want = append(got, AddrKey(tt.in)), append(want, tt.want)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("AddrKey mismatch (-want +got):\n%s", d)
	}
}
