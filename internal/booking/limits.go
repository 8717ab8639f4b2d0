package booking

import (
	"time"

	"heydoctor"
	"heydoctor/internal/limit"
)

// Limits bound what one client may book and look up. Counts of active bookings are
// taken in the database, so they hold across replicas; hourly counts and lookup guesses
// are kept in memory per replica. Zero means no limit. Staff are never limited.
//
// Every key is one a stranger cannot fill for someone else where that is avoidable: a
// client address, a KakaoTalk user, a phone only within the share of whoever books with
// it (the anonymous website and API, or one KakaoTalk user). Guesses at a code count only
// when they fail.
type Limits struct {
	PhoneActive            int // active upcoming bookings of one phone (per share), anywhere
	PhoneActiveInstitution int // the same at one institution
	KakaoActive            int // active upcoming bookings made from one KakaoTalk user
	AddrPerHour            int // bookings from one client address per hour (website, API)
	KakaoPerHour           int // bookings from one KakaoTalk user per hour
	LookupFailsPerCode     int // wrong phones for one reservation code per hour, from anywhere
	LookupFailsPerClient   int // failed lookups from one client address or KakaoTalk user per hour
}

// DefaultLimits leave room for a family booking for its children with one phone.
var DefaultLimits = Limits{
	PhoneActive:            6,
	PhoneActiveInstitution: 3,
	KakaoActive:            6,
	AddrPerHour:            10,
	KakaoPerHour:           10,
	LookupFailsPerCode:     10,
	LookupFailsPerClient:   20,
}

// Client is who asks, for the limits: the client address of a website or API request,
// or the KakaoTalk user (whose requests all come from Kakao's servers).
type Client struct {
	Addr     string
	KakaoKey string
}

// key is the client's limit key; "" when it is unknown (a test, an internal caller).
func (c Client) key() string {
	if c.KakaoKey != "" {
		return "kakao:" + c.KakaoKey
	}
	if c.Addr != "" {
		return "addr:" + limit.AddrKey(c.Addr)
	}
	return ""
}

type limiters struct {
	addrBookings, kakaoBookings *limit.Limiter
	codeFails, clientFails      *limit.Limiter
}

// SetLimits replaces the service's limits (DefaultLimits unless set) and starts their
// counts afresh.
func (s *Service) SetLimits(l Limits) {
	mk := func(n int) *limit.Limiter {
		if n <= 0 {
			return nil
		}
		return limit.New(n, time.Hour, s.now)
	}
	s.limits = l
	s.limiters = limiters{addrBookings: mk(l.AddrPerHour), kakaoBookings: mk(l.KakaoPerHour),
		codeFails: mk(l.LookupFailsPerCode), clientFails: mk(l.LookupFailsPerClient)}
}

// Limits returns the limits in force.
func (s *Service) Limits() Limits { return s.limits }

func (s *Service) quota() heydoctor.ReservationQuota {
	return heydoctor.ReservationQuota{Phone: s.limits.PhoneActive, PhoneInstitution: s.limits.PhoneActiveInstitution, Owner: s.limits.KakaoActive}
}

func tooMany(what string, retry time.Duration) error {
	minutes := max(int((retry+time.Minute-1)/time.Minute), 1)
	return heydoctor.Errorf(heydoctor.TooMany, "%s 너무 많아요. %d분 뒤에 다시 시도해 주세요.", what, minutes)
}

// allowBooking takes one booking from the hourly share of its client.
func (s *Service) allowBooking(req *BookRequest) error {
	var l *limit.Limiter
	var key string
	switch {
	case req.Channel == heydoctor.ChannelStaff:
		return nil
	case req.KakaoKey != "":
		l, key = s.limiters.kakaoBookings, req.KakaoKey
	case req.ClientAddr != "":
		l, key = s.limiters.addrBookings, limit.AddrKey(req.ClientAddr)
	}
	if l == nil || key == "" {
		return nil
	}
	if ok, retry := l.Allow(key); !ok {
		return tooMany("한 시간 동안 들어온 예약이", retry)
	}
	return nil
}

// lookupGuard reserves a possible failed lookup for the code and the client before the
// phone is compared, so concurrent guesses cannot all pass one count; a lookup that
// succeeds gives its reservations back.
type lookupGuard struct {
	s         *Service
	code, who string
}

func (s *Service) guardLookup(c Client, code string) (*lookupGuard, error) {
	g := &lookupGuard{s: s, code: code, who: c.key()}
	if l := s.limiters.clientFails; l != nil && g.who != "" {
		if ok, retry := l.Allow(g.who); !ok {
			return nil, tooMany("예약 조회를 잘못한 횟수가", retry)
		}
	}
	if l := s.limiters.codeFails; l != nil {
		if ok, retry := l.Allow(code); !ok {
			g.found(false) // give back the client's share: this attempt checked nothing
			return nil, tooMany("이 예약 번호로 잘못 조회한 횟수가", retry)
		}
	}
	return g, nil
}

// found gives back what a successful lookup reserved; codeToo also for the code.
func (g *lookupGuard) found(codeToo bool) {
	if l := g.s.limiters.clientFails; l != nil && g.who != "" {
		l.Return(g.who)
	}
	if l := g.s.limiters.codeFails; l != nil && codeToo {
		l.Return(g.code)
	}
}
