package booking

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"heydoctor"
	"heydoctor/internal/sqlstore/storetest"
)

func codesOf(list []*heydoctor.Reservation) []string {
	out := []string{}
	for _, r := range list {
		out = append(out, r.Code)
	}
	sort.Strings(out)
	return out
}

// TestKakaoIdentityProvesOnlyItself: two KakaoTalk users who book as the same name and
// phone each see only the bookings made from their own account, and neither sees a web
// booking for that name and phone.
func TestKakaoIdentityProvesOnlyItself(t *testing.T) {
	withFixture(t, policyConfirm(), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		book := func(when, kakao string, ch heydoctor.Channel) *heydoctor.Reservation {
			t.Helper()
			r, _, err := f.svc.Book(ctx, BookRequest{DoctorID: f.doctorID, Start: at(t, when), Name: "홍길동", Phone: "010-1234-5678",
				KakaoKey: kakao, Channel: ch})
			if err != nil {
				t.Fatalf("book %s as %q: %v", when, kakao, err)
			}
			return r
		}
		first := book("2026-11-30 09:00", "kakao-first", heydoctor.ChannelKakao)
		web := book("2026-11-30 09:15", "", heydoctor.ChannelWeb)
		second := book("2026-11-30 09:30", "kakao-second", heydoctor.ChannelKakao)
		for _, tt := range []struct {
			user string
			want []string
		}{
			{"kakao-first", []string{first.Code}},
			{"kakao-second", []string{second.Code}},
			{"kakao-stranger", []string{}},
		} {
			list, err := f.svc.ListForKakao(ctx, tt.user)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, codesOf(list)); d != "" {
				t.Errorf("%s sees mismatch (-want +got):\n%s", tt.user, d)
			}
		}
		_ = web
	})
}

// TestKakaoLinkNeedsProof: another booking joins a KakaoTalk user's list only with its
// code and phone; a wrong phone links nothing.
func TestKakaoLinkNeedsProof(t *testing.T) {
	withFixture(t, policyConfirm(), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		web := f.book(t, at(t, "2026-11-30 09:15"), "홍길동", "01012345678", "")
		_, err := f.svc.LinkKakao(ctx, "kakao-first", web.Code, "01099998888")
		wantKind(t, "link with a wrong phone", err, heydoctor.NotFound, "code")
		list, _ := f.svc.ListForKakao(ctx, "kakao-first")
		if len(list) != 0 {
			t.Fatalf("wrong phone linked %v", codesOf(list))
		}
		if _, err := f.svc.LinkKakao(ctx, "kakao-first", web.Code, "010-1234-5678"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.LinkKakao(ctx, "kakao-first", web.Code, "010-1234-5678"); err != nil {
			t.Fatalf("linking twice: %v", err)
		}
		list, _ = f.svc.ListForKakao(ctx, "kakao-first")
		if d := cmp.Diff([]string{web.Code}, codesOf(list)); d != "" {
			t.Errorf("after proof mismatch (-want +got):\n%s", d)
		}
		if list, _ := f.svc.ListForKakao(ctx, "kakao-second"); len(list) != 0 {
			t.Errorf("another user sees the linked booking: %v", codesOf(list))
		}
	})
}

// TestBookingFloodLimits: one phone, one client address and one KakaoTalk user can each
// hold only so many bookings; the refusal is TooMany. A stranger who books with someone
// else's phone fills only the anonymous share of that phone, never the owner's KakaoTalk
// share; staff are not limited.
func TestBookingFloodLimits(t *testing.T) {
	withFixture(t, policyConfirm(), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		free, ferr := f.svc.DoctorSlots(ctx, f.doctorID, "2026-11-30", "2026-12-04")
		if ferr != nil {
			t.Fatal(ferr)
		}
		next := func() time.Time { sl := free[0]; free = free[1:]; return sl.Start }
		try := func(req BookRequest) error {
			req.DoctorID, req.Start = f.doctorID, next()
			if req.Name == "" {
				req.Name = "홍길동"
			}
			_, _, err := f.svc.Book(ctx, req)
			return err
		}
		count := func(n int, req func(i int) BookRequest) (ok int, lastErr error) {
			for i := range n {
				err := try(req(i))
				if err == nil {
					ok++
				} else {
					lastErr = err
				}
			}
			return ok, lastErr
		}
		lim := f.svc.Limits()

		// One phone on the web, different addresses: the per-institution share runs out.
		ok, err := count(10, func(i int) BookRequest {
			return BookRequest{Phone: "01012345678", ClientAddr: fmt.Sprintf("203.0.113.%d", i+1)}
		})
		if ok != lim.PhoneActiveInstitution {
			t.Errorf("one phone at one institution: %d booked, want %d", ok, lim.PhoneActiveInstitution)
		}
		wantKind(t, "phone flood", err, heydoctor.TooMany, "phone")

		// The same phone elsewhere: the rest of the overall share.
		otherFree, ferr := f.svc.DoctorSlots(ctx, f.otherDoctorID, "2026-11-30", "2026-12-04")
		if ferr != nil {
			t.Fatal(ferr)
		}
		elsewhere := 0
		for i := range 10 {
			_, _, err = f.svc.Book(ctx, BookRequest{DoctorID: f.otherDoctorID, Start: otherFree[i].Start, Name: "홍길동", Phone: "01012345678"})
			if err == nil {
				elsewhere++
			}
		}
		if elsewhere != lim.PhoneActive-lim.PhoneActiveInstitution {
			t.Errorf("one phone at a second institution: %d booked, want %d", elsewhere, lim.PhoneActive-lim.PhoneActiveInstitution)
		}
		wantKind(t, "phone flood overall", err, heydoctor.TooMany, "phone")

		// The owner of that phone on KakaoTalk still books: strangers fill only the
		// anonymous share.
		if err := try(BookRequest{Phone: "01012345678", KakaoKey: "owner", Channel: heydoctor.ChannelKakao}); err != nil {
			t.Errorf("owner on KakaoTalk after a web flood with their phone: %v", err)
		}

		// One address, many phones: the hourly share of the address runs out.
		ok, err = count(lim.AddrPerHour+5, func(i int) BookRequest {
			return BookRequest{Phone: fmt.Sprintf("0102222%04d", i), ClientAddr: "198.51.100.7"}
		})
		if ok != lim.AddrPerHour {
			t.Errorf("one address: %d booked, want %d", ok, lim.AddrPerHour)
		}
		wantKind(t, "address flood", err, heydoctor.TooMany, "")
		f.clock.Add(time.Hour)
		if err := try(BookRequest{Phone: "01033330000", ClientAddr: "198.51.100.7"}); err != nil {
			t.Errorf("an hour later: %v", err)
		}

		// One KakaoTalk user, many phones: the user's share of active bookings runs out.
		ok, err = count(lim.KakaoActive+5, func(i int) BookRequest {
			return BookRequest{Phone: fmt.Sprintf("0104444%04d", i), KakaoKey: "flooder", Channel: heydoctor.ChannelKakao}
		})
		if ok != lim.KakaoActive {
			t.Errorf("one KakaoTalk user: %d booked, want %d", ok, lim.KakaoActive)
		}
		wantKind(t, "kakao flood", err, heydoctor.TooMany, "")

		// Staff book for patients without limits.
		if err := try(BookRequest{Phone: "01012345678", Channel: heydoctor.ChannelStaff}); err != nil {
			t.Errorf("staff booking for a limited phone: %v", err)
		}
	})
}

// TestBookingQuotaRace has 40 goroutines book different slots with one phone at once:
// the count of active bookings is taken under a lock in the booking's transaction, so
// exactly the allowed number win on either database.
func TestBookingQuotaRace(t *testing.T) {
	withFixture(t, policyConfirm(), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		free, err := f.svc.DoctorSlots(ctx, f.doctorID, "2026-11-30", "2026-12-02")
		if err != nil || len(free) < 80 {
			t.Fatalf("slots: %d %v", len(free), err)
		}
		race := func(req func(i int) BookRequest) map[string]int {
			return storetest.Race(40, func(i int) error {
				_, _, err := f.svc.Book(ctx, req(i))
				return err
			}, heydoctor.TooMany)
		}
		lim := f.svc.Limits()
		got := race(func(i int) BookRequest {
			return BookRequest{DoctorID: f.doctorID, Start: free[i].Start, Name: fmt.Sprintf("환자%d", i), Phone: "01055556666"}
		})
		if d := cmp.Diff(map[string]int{"ok": lim.PhoneActiveInstitution, "too_many_requests": 40 - lim.PhoneActiveInstitution}, got); d != "" {
			t.Errorf("one phone: race mismatch (-want +got):\n%s", d)
		}
		// One KakaoTalk user with a different phone each time: the owner's lock holds.
		got = race(func(i int) BookRequest {
			return BookRequest{DoctorID: f.doctorID, Start: free[40+i].Start, Name: "홍길동", Phone: fmt.Sprintf("010777%05d", i),
				KakaoKey: "racer", Channel: heydoctor.ChannelKakao}
		})
		if d := cmp.Diff(map[string]int{"ok": lim.KakaoActive, "too_many_requests": 40 - lim.KakaoActive}, got); d != "" {
			t.Errorf("one KakaoTalk user: race mismatch (-want +got):\n%s", d)
		}
	})
}
