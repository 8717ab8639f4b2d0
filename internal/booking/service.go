// Package booking turns doctors' working plans into bookable slots and runs reservations
// through their lifecycle (requested → confirmed → attended | no_show; cancelled,
// rejected, rescheduled) for patients and for hospital staff. Every change is written in
// one transaction with its audit entry and its webhook events, so that what the staff
// console, the patient and the hospital's systems see never disagree.
package booking

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"heydoctor"
	"heydoctor/internal/hours"
)

// Limits on requests, so that a hostile client cannot make a query walk months of slots
// or store unbounded text.
const (
	maxRangeDays     = 31
	maxAlternatives  = 5
	alternativeDays  = 14
	maxNameRunes     = 50
	maxBookNoteRunes = 500
	maxReasonRunes   = 200
	maxIdemKey       = 128
	maxKakaoKey      = 128
	maxCodeLen       = 16
	// attendSlack lets reception mark a patient who arrived early as attended.
	attendSlack = 30 * time.Minute
)

// Service books, looks up and changes reservations. Set the hooks before first use.
type Service struct {
	store Store
	cal   *hours.Calendar
	now   func() time.Time
	log   *slog.Logger

	limits   Limits
	limiters limiters

	// OnTransition, when set, is called with the new status after every committed change,
	// for the heydoctor_reservation_transitions_total metric.
	OnTransition func(status string)
}

// NewService returns a Service. cal may be nil (no public holidays known); now is the
// clock, time.Now when nil.
func NewService(store Store, cal *hours.Calendar, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cal == nil {
		cal = &hours.Calendar{}
	}
	s := &Service{store: store, cal: cal, now: now, log: log}
	s.SetLimits(DefaultLimits)
	return s
}

// ConflictError is a taken slot. It wraps a heydoctor.Conflict error, so KindOf and
// MessageOf work on it, and carries the next free slots to offer instead.
type ConflictError struct {
	Err          *heydoctor.Error
	Alternatives []heydoctor.Slot
}

func (e *ConflictError) Error() string { return e.Err.Error() }
func (e *ConflictError) Unwrap() error { return e.Err }

// DoctorSlots is one doctor's or room's free slots.
type DoctorSlots struct {
	Doctor *heydoctor.Doctor `json:"doctor"`
	Slots  []heydoctor.Slot  `json:"slots"`
}

func (s *Service) transitioned(status heydoctor.ReservationStatus) {
	if s.OnTransition != nil {
		s.OnTransition(string(status))
	}
}

// bookableDoctor returns an active doctor of an onboarded, operating institution with
// its plan. Every refusal is the same NotFound, so callers cannot probe for inactive ones.
func (s *Service) bookableDoctor(ctx context.Context, doctorID int64) (*heydoctor.Doctor, *heydoctor.Institution, *heydoctor.Schedule, error) {
	notFound := &heydoctor.Error{Kind: heydoctor.NotFound, Field: "doctor_id", Message: "예약할 수 있는 의사나 진료실을 찾을 수 없어요"}
	if doctorID <= 0 {
		return nil, nil, nil, notFound
	}
	d, err := s.store.FindDoctorByID(ctx, doctorID)
	if err != nil {
		if heydoctor.KindOf(err) == heydoctor.NotFound {
			return nil, nil, nil, notFound.WithErr(err)
		}
		return nil, nil, nil, fmt.Errorf("find doctor %d: %w", doctorID, err)
	}
	inst, err := s.store.FindInstitutionByID(ctx, d.InstitutionID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("find institution %d: %w", d.InstitutionID, err)
	}
	if !d.Active || !inst.Onboarded || inst.Status == heydoctor.StatusClosed || inst.Status == heydoctor.StatusSuspended {
		return nil, nil, nil, notFound
	}
	sc, err := s.store.FindSchedule(ctx, doctorID)
	if err != nil {
		if heydoctor.KindOf(err) == heydoctor.NotFound {
			return nil, nil, nil, notFound.WithErr(err)
		}
		return nil, nil, nil, fmt.Errorf("find schedule %d: %w", doctorID, err)
	}
	d.Demo = d.Demo || inst.Demo
	return d, inst, sc, nil
}

// dayRange checks an availability range: real days, in order, at most maxRangeDays long.
func dayRange(from, to heydoctor.Date) error {
	if _, err := heydoctor.ParseDate(string(from)); err != nil {
		return heydoctor.FieldError("from", "시작 날짜 형식이 올바르지 않아요 (YYYY-MM-DD)")
	}
	if _, err := heydoctor.ParseDate(string(to)); err != nil {
		return heydoctor.FieldError("to", "끝 날짜 형식이 올바르지 않아요 (YYYY-MM-DD)")
	}
	if to < from {
		return heydoctor.FieldError("to", "끝 날짜가 시작 날짜보다 앞서요")
	}
	if from.AddDays(maxRangeDays-1) < to {
		return heydoctor.FieldError("to", "한 번에 %d일까지만 조회할 수 있어요", maxRangeDays)
	}
	return nil
}

// closuresBetween returns an institution's closures from one day to another, inclusive.
func (s *Service) closuresBetween(ctx context.Context, instID int64, from, to heydoctor.Date) ([]heydoctor.Closure, error) {
	all, err := s.store.ListClosures(ctx, instID, from)
	if err != nil {
		return nil, fmt.Errorf("list closures of %d: %w", instID, err)
	}
	var out []heydoctor.Closure
	for _, c := range all {
		if c.Date <= to {
			out = append(out, c)
		}
	}
	return out, nil
}

func (s *Service) freeSlots(ctx context.Context, sc *heydoctor.Schedule, instID int64, closures []heydoctor.Closure, from, to heydoctor.Date) ([]heydoctor.Slot, error) {
	exc, err := s.store.ListExceptions(ctx, sc.DoctorID, from, to)
	if err != nil {
		return nil, fmt.Errorf("list exceptions of %d: %w", sc.DoctorID, err)
	}
	if closures == nil {
		if closures, err = s.closuresBetween(ctx, instID, from, to); err != nil {
			return nil, err
		}
	}
	booked, err := s.store.BookedCounts(ctx, sc.DoctorID, from.Time(), to.AddDays(1).Time())
	if err != nil {
		return nil, fmt.Errorf("booked counts of %d: %w", sc.DoctorID, err)
	}
	return Slots(sc, exc, s.cal, closures, booked, from, to, s.now()), nil
}

// DoctorSlots returns a doctor's free slots between two days (KST, inclusive, at most 31 days).
func (s *Service) DoctorSlots(ctx context.Context, doctorID int64, from, to heydoctor.Date) ([]heydoctor.Slot, error) {
	if err := dayRange(from, to); err != nil {
		return nil, err
	}
	d, _, sc, err := s.bookableDoctor(ctx, doctorID)
	if err != nil {
		return nil, err
	}
	return s.freeSlots(ctx, sc, d.InstitutionID, nil, from, to)
}

// InstitutionSlots returns the free slots of every bookable doctor and room of an
// institution, optionally of one department (a D-code or a department name).
func (s *Service) InstitutionSlots(ctx context.Context, institutionID int64, department string, from, to heydoctor.Date) ([]DoctorSlots, error) {
	if err := dayRange(from, to); err != nil {
		return nil, err
	}
	if department != "" {
		dep, ok := lookupDepartment(department)
		if !ok {
			return nil, heydoctor.FieldError("department", "알 수 없는 진료과예요: %q", clip(department))
		}
		department = dep.Code
	}
	inst, err := s.store.FindInstitutionByID(ctx, institutionID)
	if err != nil {
		return nil, fmt.Errorf("find institution %d: %w", institutionID, err)
	}
	if !inst.Onboarded {
		return nil, &heydoctor.Error{Kind: heydoctor.NotFound, Field: "institution_id", Message: "이 기관은 아직 온라인 예약을 받지 않아요"}
	}
	doctors, err := s.store.ListDoctors(ctx, institutionID)
	if err != nil {
		return nil, fmt.Errorf("list doctors of %d: %w", institutionID, err)
	}
	closures, err := s.closuresBetween(ctx, institutionID, from, to)
	if err != nil {
		return nil, err
	}
	if closures == nil {
		closures = []heydoctor.Closure{}
	}
	var out []DoctorSlots
	for _, d := range doctors {
		if !d.Active || (department != "" && d.Department != department) {
			continue
		}
		sc, err := s.store.FindSchedule(ctx, d.ID)
		if heydoctor.KindOf(err) == heydoctor.NotFound {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("find schedule %d: %w", d.ID, err)
		}
		slots, err := s.freeSlots(ctx, sc, institutionID, closures, from, to)
		if err != nil {
			return nil, err
		}
		out = append(out, DoctorSlots{Doctor: d, Slots: slots})
	}
	return out, nil
}

// checkStart checks that start is a slot of the plan that may be booked now, and returns
// its end. Patients must also respect the minimum notice and the booking horizon; staff
// may book a walk-in a few minutes ahead.
func (s *Service) checkStart(ctx context.Context, d *heydoctor.Doctor, sc *heydoctor.Schedule, start time.Time, patient bool) (time.Time, error) {
	now := s.now()
	if start.IsZero() {
		return time.Time{}, heydoctor.FieldError("start", "예약할 시간을 골라 주세요")
	}
	if start.Before(now) {
		return time.Time{}, heydoctor.FieldError("start", "이미 지난 시간(%s)은 예약할 수 없어요", kst(start))
	}
	if patient {
		notice := time.Duration(sc.MinNoticeMinutes) * time.Minute
		if start.Before(now.Add(notice)) {
			return time.Time{}, heydoctor.FieldError("start", "예약은 진료 시작 %d분 전까지만 할 수 있어요", sc.MinNoticeMinutes)
		}
		if start.After(horizonEnd(sc, now)) {
			return time.Time{}, heydoctor.FieldError("start", "예약은 오늘부터 %d일 안에서만 할 수 있어요", sc.HorizonDays)
		}
	} else if start.After(now.Add(maxHorizonDays * 24 * time.Hour)) {
		return time.Time{}, heydoctor.FieldError("start", "%d일보다 먼 날짜는 예약할 수 없어요", maxHorizonDays)
	}
	day := heydoctor.DateOf(start)
	exc, err := s.store.ListExceptions(ctx, d.ID, day, day)
	if err != nil {
		return time.Time{}, fmt.Errorf("list exceptions of %d: %w", d.ID, err)
	}
	closures, err := s.closuresBetween(ctx, d.InstitutionID, day, day)
	if err != nil {
		return time.Time{}, err
	}
	end, ok := planSlotAt(sc, exc, s.cal, closures, start)
	if !ok {
		return time.Time{}, heydoctor.FieldError("start", "%s은(는) 진료 시간표에 있는 예약 시간이 아니에요. 예약 가능한 시간 중에서 골라 주세요", kst(start))
	}
	return end, nil
}

// alternatives returns up to maxAlternatives free slots after start, for a Conflict.
func (s *Service) alternatives(ctx context.Context, sc *heydoctor.Schedule, instID int64, start time.Time) []heydoctor.Slot {
	from := heydoctor.DateOf(start)
	slots, err := s.freeSlots(ctx, sc, instID, nil, from, from.AddDays(alternativeDays-1))
	if err != nil {
		s.log.WarnContext(ctx, "alternatives", "doctor", sc.DoctorID, "err", err)
		return nil
	}
	var out []heydoctor.Slot
	for _, sl := range slots {
		if sl.Start.After(start) {
			out = append(out, sl)
			if len(out) == maxAlternatives {
				break
			}
		}
	}
	return out
}

func (s *Service) conflict(ctx context.Context, err error, sc *heydoctor.Schedule, instID int64, start time.Time) error {
	var de *heydoctor.Error
	if !errors.As(err, &de) || de.Kind != heydoctor.Conflict {
		return err
	}
	ce := &heydoctor.Error{Kind: heydoctor.Conflict, Field: "start", Message: de.Message, Err: err}
	return &ConflictError{Err: ce, Alternatives: s.alternatives(ctx, sc, instID, start)}
}

// BookRequest is a patient's booking.
type BookRequest struct {
	DoctorID       int64
	Start          time.Time
	Name           string
	Phone          string
	Note           string
	KakaoKey       string // the KakaoTalk user who books (Kakao channel only): the reservation's owner
	IdempotencyKey string
	Channel        heydoctor.Channel
	ClientAddr     string // the client address of a website or API request, for the hourly limit
}

// Validate checks the patient's fields and normalises the name and phone in place.
func (r *BookRequest) Validate() error {
	r.Name = strings.TrimSpace(r.Name)
	n := utf8.RuneCountInString(r.Name)
	switch {
	case !utf8.ValidString(r.Name) || n == 0:
		return heydoctor.FieldError("name", "이름을 입력해 주세요")
	case n > maxNameRunes:
		return heydoctor.FieldError("name", "이름은 %d자까지 쓸 수 있어요", maxNameRunes)
	case strings.IndexFunc(r.Name, func(c rune) bool { return !unicode.IsDigit(c) && !unicode.IsSpace(c) && !unicode.IsPunct(c) }) < 0:
		return heydoctor.FieldError("name", "이름에는 글자가 있어야 해요")
	case strings.IndexFunc(r.Name, unicode.IsControl) >= 0:
		return heydoctor.FieldError("name", "이름에 쓸 수 없는 문자가 있어요")
	}
	phone, err := NormalizePhone(r.Phone)
	if err != nil {
		return err
	}
	r.Phone = phone
	if !utf8.ValidString(r.Note) || utf8.RuneCountInString(r.Note) > maxBookNoteRunes {
		return heydoctor.FieldError("note", "증상 메모는 %d자까지 쓸 수 있어요", maxBookNoteRunes)
	}
	if len(r.IdempotencyKey) > maxIdemKey {
		return heydoctor.FieldError("idempotency_key", "중복 방지 키는 %d자까지 쓸 수 있어요", maxIdemKey)
	}
	if len(r.KakaoKey) > maxKakaoKey {
		return heydoctor.FieldError("kakao_key", "카카오 사용자 키가 너무 길어요")
	}
	switch r.Channel {
	case "":
		r.Channel = heydoctor.ChannelWeb
	case heydoctor.ChannelWeb, heydoctor.ChannelKakao, heydoctor.ChannelStaff, heydoctor.ChannelAPI:
	default:
		return heydoctor.FieldError("channel", "알 수 없는 예약 경로예요")
	}
	if r.Channel != heydoctor.ChannelKakao {
		r.KakaoKey = "" // only Kakao vouches for a KakaoTalk user key
	}
	return nil
}

// lookupDepartment finds a department by code, name or alias, refusing huge input.
func lookupDepartment(s string) (heydoctor.Department, bool) {
	if len(s) > 64 {
		return heydoctor.Department{}, false
	}
	return heydoctor.LookupDepartment(s)
}

// scopedKey ties an idempotency key to the patient's phone: the store's key is unique
// across all reservations, and two patients who happen to send the same key must never
// get each other's reservation.
func scopedKey(phone, key string) string {
	if key == "" {
		return ""
	}
	h := sha256.Sum256([]byte(phone + "\x00" + key))
	return "k1:" + hex.EncodeToString(h[:])
}

// Book reserves a slot for a patient. The status is requested or confirmed by the
// institution's policy. A retry with the same idempotency key (and phone) returns the
// first reservation with created false. A taken slot returns a *ConflictError.
func (s *Service) Book(ctx context.Context, req BookRequest) (r *heydoctor.Reservation, created bool, err error) {
	if err := req.Validate(); err != nil {
		return nil, false, err
	}
	d, inst, sc, err := s.bookableDoctor(ctx, req.DoctorID)
	if err != nil {
		return nil, false, err
	}
	end, err := s.checkStart(ctx, d, sc, req.Start, req.Channel != heydoctor.ChannelStaff)
	if err != nil {
		return nil, false, err
	}
	if err := s.allowBooking(&req); err != nil {
		return nil, false, err
	}
	status := heydoctor.StatusConfirmed
	if inst.Booking.RequireConfirmation {
		status = heydoctor.StatusRequested
	}
	r = &heydoctor.Reservation{InstitutionID: d.InstitutionID, DoctorID: d.ID, Start: req.Start.UTC(), End: end.UTC(),
		Status: status, Channel: req.Channel, Note: req.Note, IdempotencyKey: scopedKey(req.Phone, req.IdempotencyKey), OwnerKey: ownerKey(req.KakaoKey)}
	p := &heydoctor.Patient{Name: req.Name, Phone: req.Phone}
	created, err = s.store.CreateReservation(ctx, r, p, sc.Capacity, EventFor("reservation.created", d), s.quota())
	if err != nil {
		return nil, false, s.conflict(ctx, fmt.Errorf("book doctor %d at %s: %w", d.ID, kst(req.Start), err), sc, inst.ID, req.Start)
	}
	if !created {
		prev, err := s.store.FindReservationByID(ctx, r.ID)
		if err != nil {
			return nil, false, fmt.Errorf("idempotent retry %d: %w", r.ID, err)
		}
		prev.Institution = inst
		return prev, false, nil
	}
	r.Patient, r.Doctor, r.Institution = p, d, inst
	s.transitioned(r.Status)
	return r, true, nil
}

// ownerKey is the owner of a reservation booked by a KakaoTalk user.
func ownerKey(kakaoKey string) string {
	if kakaoKey == "" {
		return ""
	}
	return "kakao:" + kakaoKey
}

// Lookup finds a reservation by its code and the patient's phone number. A wrong phone
// number and an unknown code get the same NotFound, so codes cannot be probed; failed
// lookups are limited per code and per client (TooMany).
func (s *Service) Lookup(ctx context.Context, c Client, code, phone string) (*heydoctor.Reservation, error) {
	digits, err := NormalizePhone(phone)
	if err != nil {
		return nil, err
	}
	notFound := &heydoctor.Error{Kind: heydoctor.NotFound, Field: "code", Message: "예약 번호와 전화번호가 맞는 예약을 찾을 수 없어요"}
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" || len(code) > maxCodeLen {
		return nil, notFound
	}
	for _, c := range code {
		if !strings.ContainsRune("ABCDEFGHJKMNPQRSTUVWXYZ23456789", c) {
			return nil, notFound
		}
	}
	guard, err := s.guardLookup(c, code)
	if err != nil {
		return nil, err
	}
	r, err := s.lookup(ctx, code, digits, notFound)
	if err == nil {
		guard.found(true)
	} else if heydoctor.KindOf(err) != heydoctor.NotFound {
		guard.found(true) // a broken store is not a guess
	}
	return r, err
}

func (s *Service) lookup(ctx context.Context, code, digits string, notFound *heydoctor.Error) (*heydoctor.Reservation, error) {
	r, err := s.store.FindReservationByCode(ctx, code)
	if heydoctor.KindOf(err) == heydoctor.NotFound {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("find reservation by code: %w", err)
	}
	if r.Patient == nil || subtle.ConstantTimeCompare([]byte(r.Patient.Phone), []byte(digits)) != 1 {
		return nil, notFound
	}
	if r.Institution, err = s.store.FindInstitutionByID(ctx, r.InstitutionID); err != nil {
		return nil, fmt.Errorf("find institution %d: %w", r.InstitutionID, err)
	}
	return r, nil
}

// patientDeadline checks that a patient may still change r: it is active and its start is
// at least the institution's cancellation window away.
func (s *Service) patientDeadline(r *heydoctor.Reservation, inst *heydoctor.Institution, verb string) error {
	if !r.Status.Active() {
		return heydoctor.Errorf(heydoctor.Conflict, "이미 %s 예약이라 %s 수 없어요", statusLabel(r.Status), verb)
	}
	window := time.Duration(max(inst.Booking.CancelWindowMinutes, 0)) * time.Minute
	deadline := r.Start.Add(-window)
	if s.now().After(deadline) {
		return heydoctor.Errorf(heydoctor.Forbidden, "온라인으로는 %s까지만 %s 수 있어요. 병원에 전화해 주세요", kst(deadline), verb)
	}
	return nil
}

// CancelByPatient cancels a reservation found by code and phone, inside the institution's
// cancellation window only.
func (s *Service) CancelByPatient(ctx context.Context, c Client, code, phone, reason string) (*heydoctor.Reservation, error) {
	reason = strings.TrimSpace(reason)
	if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > maxReasonRunes {
		return nil, heydoctor.FieldError("reason", "취소 사유는 %d자까지 쓸 수 있어요", maxReasonRunes)
	}
	if reason == "" {
		reason = "환자 취소"
	}
	cur, err := s.Lookup(ctx, c, code, phone)
	if err != nil {
		return nil, err
	}
	return s.cancelByPatient(ctx, cur, reason)
}

func (s *Service) cancelByPatient(ctx context.Context, cur *heydoctor.Reservation, reason string) (*heydoctor.Reservation, error) {
	inst := cur.Institution
	if err := s.patientDeadline(cur, inst, "취소할"); err != nil {
		return nil, err
	}
	out, err := s.store.UpdateReservation(ctx, cur.ID, heydoctor.ReservationChange{
		Apply: func(r *heydoctor.Reservation) error {
			if err := s.patientDeadline(r, inst, "취소할"); err != nil {
				return err
			}
			r.Status, r.Reason = heydoctor.StatusCancelled, reason
			return nil
		},
		Audit:    &heydoctor.AuditEntry{InstitutionID: inst.ID, Action: "patient.cancel", Entity: "reservation"},
		Snapshot: snapshot,
		Event:    EventFor("reservation.cancelled", cur.Doctor),
	})
	if err != nil {
		return nil, fmt.Errorf("cancel reservation %d: %w", cur.ID, err)
	}
	out.Institution = inst
	s.transitioned(out.Status)
	return out, nil
}

// RescheduleByPatient moves a reservation to another slot in one transaction: the new
// slot is claimed and the old one released together, or nothing changes. Under a
// confirmation policy the moved reservation waits for staff again.
func (s *Service) RescheduleByPatient(ctx context.Context, c Client, code, phone string, newStart time.Time) (*heydoctor.Reservation, error) {
	cur, err := s.Lookup(ctx, c, code, phone)
	if err != nil {
		return nil, err
	}
	inst := cur.Institution
	if err := s.patientDeadline(cur, inst, "바꿀"); err != nil {
		return nil, err
	}
	return s.reschedule(ctx, cur, inst, newStart, true, &heydoctor.AuditEntry{InstitutionID: inst.ID, Action: "patient.reschedule", Entity: "reservation"})
}

func (s *Service) reschedule(ctx context.Context, cur *heydoctor.Reservation, inst *heydoctor.Institution, newStart time.Time, patient bool, audit *heydoctor.AuditEntry) (*heydoctor.Reservation, error) {
	d, _, sc, err := s.bookableDoctor(ctx, cur.DoctorID)
	if err != nil {
		return nil, err
	}
	if newStart.Equal(cur.Start) {
		return nil, heydoctor.FieldError("start", "지금 예약과 같은 시간이에요. 다른 시간을 골라 주세요")
	}
	end, err := s.checkStart(ctx, d, sc, newStart, patient)
	if err != nil {
		return nil, err
	}
	out, err := s.store.UpdateReservation(ctx, cur.ID, heydoctor.ReservationChange{
		Apply: func(r *heydoctor.Reservation) error {
			if r.InstitutionID != inst.ID {
				return reservationNotFound()
			}
			if patient {
				if err := s.patientDeadline(r, inst, "바꿀"); err != nil {
					return err
				}
			} else if !r.Status.Active() {
				return heydoctor.Errorf(heydoctor.Conflict, "이미 %s 예약이라 시간을 바꿀 수 없어요", statusLabel(r.Status))
			}
			r.Start, r.End = newStart.UTC(), end.UTC()
			if patient && inst.Booking.RequireConfirmation {
				r.Status = heydoctor.StatusRequested
			}
			return nil
		},
		Capacity: sc.Capacity,
		Audit:    audit,
		Snapshot: snapshot,
		Event:    EventFor("reservation.rescheduled", d),
	})
	if err != nil {
		return nil, s.conflict(ctx, fmt.Errorf("reschedule reservation %d: %w", cur.ID, err), sc, inst.ID, newStart)
	}
	out.Institution = inst
	s.transitioned(out.Status)
	return out, nil
}

func checkKakaoKey(kakaoKey string) error {
	if kakaoKey == "" || len(kakaoKey) > maxKakaoKey {
		return heydoctor.FieldError("kakao_key", "카카오 사용자 키가 올바르지 않아요")
	}
	return nil
}

// ListForKakao returns a KakaoTalk user's upcoming active reservations: those it made and
// those it linked with their code and phone, never others made with the same name and
// phone.
func (s *Service) ListForKakao(ctx context.Context, kakaoKey string) ([]*heydoctor.Reservation, error) {
	if err := checkKakaoKey(kakaoKey); err != nil {
		return nil, err
	}
	list, err := s.store.ListReservations(ctx, heydoctor.ReservationFilter{Owner: ownerKey(kakaoKey), From: s.now(),
		Statuses: []heydoctor.ReservationStatus{heydoctor.StatusRequested, heydoctor.StatusConfirmed}, Limit: 20})
	if err != nil {
		return nil, fmt.Errorf("list reservations for kakao: %w", err)
	}
	return list, nil
}

// LinkKakao adds a reservation made elsewhere (the website, another account) to a
// KakaoTalk user's list, on proof: its code and phone, limited like any lookup.
func (s *Service) LinkKakao(ctx context.Context, kakaoKey, code, phone string) (*heydoctor.Reservation, error) {
	if err := checkKakaoKey(kakaoKey); err != nil {
		return nil, err
	}
	r, err := s.Lookup(ctx, Client{KakaoKey: kakaoKey}, code, phone)
	if err != nil {
		return nil, err
	}
	if err := s.store.LinkReservation(ctx, ownerKey(kakaoKey), r.ID); err != nil {
		return nil, fmt.Errorf("link reservation %d: %w", r.ID, err)
	}
	return r, nil
}

// CancelForKakao cancels one of the reservations in a KakaoTalk user's list; any other
// code is NotFound.
func (s *Service) CancelForKakao(ctx context.Context, kakaoKey, code string) (*heydoctor.Reservation, error) {
	list, err := s.ListForKakao(ctx, kakaoKey)
	if err != nil {
		return nil, err
	}
	for _, r := range list {
		if r.Code != code {
			continue
		}
		if r.Institution, err = s.store.FindInstitutionByID(ctx, r.InstitutionID); err != nil {
			return nil, fmt.Errorf("find institution %d: %w", r.InstitutionID, err)
		}
		return s.cancelByPatient(ctx, r, "카카오톡에서 취소")
	}
	return nil, &heydoctor.Error{Kind: heydoctor.NotFound, Field: "code", Message: "그 예약을 찾지 못했어요"}
}

func reservationNotFound() *heydoctor.Error {
	return &heydoctor.Error{Kind: heydoctor.NotFound, Field: "reservation_id", Message: "예약을 찾을 수 없어요"}
}

// kst formats an instant for Korean messages.
func kst(t time.Time) string {
	k := t.In(heydoctor.KST)
	return fmt.Sprintf("%d월 %d일(%s) %02d:%02d", int(k.Month()), k.Day(), weekdayName(k.Weekday())[:3], k.Hour(), k.Minute())
}

func statusLabel(st heydoctor.ReservationStatus) string {
	switch st {
	case heydoctor.StatusRequested:
		return "확정을 기다리는"
	case heydoctor.StatusConfirmed:
		return "확정된"
	case heydoctor.StatusAttended:
		return "진료를 마친"
	case heydoctor.StatusNoShow:
		return "노쇼 처리된"
	case heydoctor.StatusCancelled:
		return "취소된"
	case heydoctor.StatusRejected:
		return "거절된"
	}
	return "처리된"
}
