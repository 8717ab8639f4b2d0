package deploy

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"heydoctor/internal/sqlstore/storetest"
)

type slotRef struct {
	Doctor int64
	Start  string
}

// freeSlots lists bookable slots of every demo room over the next days, via the API.
func freeSlots(t *testing.T, c *http.Client, base string) []slotRef {
	t.Helper()
	resp, body := get(t, c, newRequest(t, "GET", base+"/api/v1/institutions?lat=37.34&lng=126.7335&radius_m=5000&limit=100", nil))
	var list struct {
		Items []struct {
			ID        int64 `json:"id"`
			Onboarded bool  `json:"onboarded"`
		} `json:"items"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(body, &list) != nil {
		t.Fatalf("institutions: %d %s", resp.StatusCode, body)
	}
	from := time.Now().In(time.FixedZone("KST", 9*3600)).AddDate(0, 0, 1).Format(time.DateOnly)
	to := time.Now().In(time.FixedZone("KST", 9*3600)).AddDate(0, 0, 10).Format(time.DateOnly)
	var out []slotRef
	for _, in := range list.Items {
		if !in.Onboarded {
			continue
		}
		resp, body := get(t, c, newRequest(t, "GET", fmt.Sprintf("%s/api/v1/institutions/%d/slots?from=%s&to=%s", base, in.ID, from, to), nil))
		var ds struct {
			Items []struct {
				Doctor struct {
					ID int64 `json:"id"`
				} `json:"doctor"`
				Slots []struct {
					Start string `json:"start"`
				} `json:"slots"`
			} `json:"items"`
		}
		if resp.StatusCode != 200 || json.Unmarshal(body, &ds) != nil {
			t.Fatalf("slots: %d %s", resp.StatusCode, body)
		}
		for _, d := range ds.Items {
			for _, s := range d.Slots {
				out = append(out, slotRef{d.Doctor.ID, s.Start})
			}
		}
	}
	if len(out) < 50 {
		t.Fatalf("only %d free slots", len(out))
	}
	return out
}

func book(c *http.Client, base string, s slotRef, key, phone string) (int, string, error) {
	body := fmt.Sprintf(`{"doctor_id":%d,"start":%q,"name":"부하시험","phone":%q}`, s.Doctor, s.Start, phone)
	req, _ := http.NewRequest("POST", base+"/api/v1/reservations", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var r struct {
		Code string `json:"code"`
	}
	json.NewDecoder(resp.Body).Decode(&r)
	return resp.StatusCode, r.Code, nil
}

// TestReplicasOnMariaDB runs two heydoctor processes on one MariaDB database behind the
// project's nginx: a booking race across both replicas has exactly one winner, and
// killing one replica under load loses no acknowledged booking.
func TestReplicasOnMariaDB(t *testing.T) {
	nginxBinary(t)
	dsn := storetest.MySQLDSN(t)
	// All the load comes from this machine's one address: lift the per-address booking
	// limit, which would otherwise refuse it after the tenth booking.
	opt := appOptions{DB: dsn, Env: []string{"HEYDOCTOR_BOOKINGS_PER_ADDRESS=0"}}
	runHeydoctor(t, opt, "migrate")
	a1 := startApp(t, opt) // seeds the empty database
	a2 := startApp(t, opt)
	ed := startNginx(t, a1.Addr, a2.Addr)
	direct := &http.Client{Timeout: 10 * time.Second}
	slots := freeSlots(t, direct, a1.URL)

	t.Run("race across replicas", func(t *testing.T) {
		target := slots[0]
		var wg sync.WaitGroup
		var ok, conflict, other atomic.Int32
		for i := range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				base := a1.URL
				if i%2 == 1 {
					base = a2.URL
				}
				code, _, err := book(direct, base, target, fmt.Sprintf("race-%d", i), fmt.Sprintf("010%08d", i))
				switch {
				case err != nil:
					other.Add(1)
				case code == 201:
					ok.Add(1)
				case code == 409:
					conflict.Add(1)
				default:
					other.Add(1)
				}
			}()
		}
		wg.Wait()
		if ok.Load() != 1 || conflict.Load() != 199 {
			t.Errorf("race: %d created, %d conflicts, %d other; want 1 and 199", ok.Load(), conflict.Load(), other.Load())
		}
	})

	t.Run("kill a replica under load", func(t *testing.T) {
		work := slots[1:]
		type ack struct{ code, phone string }
		var mu sync.Mutex
		var acks []ack
		var retried, gaveUp atomic.Int32
		next := atomic.Int32{}
		var wg sync.WaitGroup
		stop := time.Now().Add(4 * time.Second)
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(stop) {
					i := int(next.Add(1)) - 1
					if i >= len(work) {
						return
					}
					key, phone := fmt.Sprintf("load-%d", i), fmt.Sprintf("0107%07d", i)
					// A client retries failed attempts with the same Idempotency-Key, as
					// the API asks: the booking happens once however often it is sent.
					for attempt := 0; ; attempt++ {
						code, rc, err := book(ed.Client, ed.HTTPS, work[i], key, phone)
						if err == nil && (code == 201 || code == 200) {
							mu.Lock()
							acks = append(acks, ack{rc, phone})
							mu.Unlock()
							break
						}
						if err == nil && code == 409 {
							break
						}
						if attempt == 5 {
							gaveUp.Add(1)
							break
						}
						retried.Add(1)
						time.Sleep(100 * time.Millisecond)
					}
				}
				_ = w
			}()
		}
		time.Sleep(1500 * time.Millisecond)
		a2.Kill()
		wg.Wait()
		if len(acks) < 20 {
			t.Fatalf("only %d bookings acknowledged", len(acks))
		}
		seen := map[string]bool{}
		for _, a := range acks {
			if seen[a.code] {
				t.Errorf("reservation %s acknowledged twice", a.code)
			}
			seen[a.code] = true
			req := newRequest(t, "GET", ed.HTTPS+"/api/v1/reservations/"+a.code, nil)
			req.Header.Set("X-Phone", a.phone)
			resp, body := get(t, ed.Client, req)
			if resp.StatusCode != 200 {
				t.Errorf("acknowledged reservation %s lost: %d %s", a.code, resp.StatusCode, body)
			}
		}
		t.Logf("kill test: %d bookings acknowledged through nginx, %d retried attempts, %d given up, 0 lost", len(acks), retried.Load(), gaveUp.Load())
		if gaveUp.Load() > 0 {
			t.Errorf("%d bookings could not be completed with the surviving replica", gaveUp.Load())
		}
	})
}
