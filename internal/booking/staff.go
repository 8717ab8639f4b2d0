package booking

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"heydoctor"
	"heydoctor/internal/hours"
)

// Action is what staff do to a reservation.
type Action string

// Staff actions on reservations.
const (
	ActionConfirm  Action = "confirm"
	ActionReject   Action = "reject"
	ActionAttended Action = "attended"
	ActionNoShow   Action = "no_show"
	ActionCancel   Action = "cancel"
)

// ownReservation returns a reservation of the staff member's institution; any other is
// NotFound, so accounts cannot learn what other institutions hold.
func (s *Service) ownReservation(ctx context.Context, st *heydoctor.Staff, id int64) (*heydoctor.Reservation, error) {
	if id <= 0 {
		return nil, reservationNotFound()
	}
	r, err := s.store.FindReservationByID(ctx, id)
	if heydoctor.KindOf(err) == heydoctor.NotFound {
		return nil, reservationNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("find reservation %d: %w", id, err)
	}
	if r.InstitutionID != st.InstitutionID {
		return nil, reservationNotFound()
	}
	return r, nil
}

func checkReason(reason string, required bool) (string, error) {
	reason = strings.TrimSpace(reason)
	if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > maxReasonRunes {
		return "", heydoctor.FieldError("reason", "사유는 %d자까지 쓸 수 있어요", maxReasonRunes)
	}
	if required && reason == "" {
		return "", heydoctor.FieldError("reason", "거절하거나 취소하는 사유를 적어 주세요")
	}
	return reason, nil
}

// applyAction enforces the lifecycle on the current row.
func applyAction(r *heydoctor.Reservation, a Action, reason string, now time.Time) error {
	bad := func(what string) error {
		return &heydoctor.Error{Kind: heydoctor.Conflict, Field: "action", Message: fmt.Sprintf("%s 예약은 %s 수 없어요", statusLabel(r.Status), what)}
	}
	switch a {
	case ActionConfirm:
		if r.Status != heydoctor.StatusRequested {
			return bad("확정할")
		}
		r.Status = heydoctor.StatusConfirmed
	case ActionReject:
		if r.Status != heydoctor.StatusRequested {
			return bad("거절할")
		}
		r.Status, r.Reason = heydoctor.StatusRejected, reason
	case ActionCancel:
		if !r.Status.Active() {
			return bad("취소할")
		}
		r.Status, r.Reason = heydoctor.StatusCancelled, reason
	case ActionAttended:
		if r.Status != heydoctor.StatusConfirmed {
			return bad("내원 처리할")
		}
		if now.Before(r.Start.Add(-attendSlack)) {
			return &heydoctor.Error{Kind: heydoctor.Conflict, Field: "action", Message: fmt.Sprintf("내원 처리는 %s부터 할 수 있어요", kst(r.Start.Add(-attendSlack)))}
		}
		r.Status = heydoctor.StatusAttended
	case ActionNoShow:
		if r.Status != heydoctor.StatusConfirmed {
			return bad("노쇼 처리할")
		}
		if now.Before(r.Start) {
			return &heydoctor.Error{Kind: heydoctor.Conflict, Field: "action", Message: fmt.Sprintf("노쇼 처리는 예약 시간(%s)이 지난 뒤에 할 수 있어요", kst(r.Start))}
		}
		r.Status = heydoctor.StatusNoShow
	default:
		return heydoctor.FieldError("action", "알 수 없는 처리예요: %q", clip(string(a)))
	}
	return nil
}

func eventName(a Action) string {
	switch a {
	case ActionConfirm:
		return "reservation.confirmed"
	case ActionReject:
		return "reservation.rejected"
	case ActionCancel:
		return "reservation.cancelled"
	case ActionAttended:
		return "reservation.attended"
	default:
		return "reservation.no_show"
	}
}

// Transition applies a staff action to a reservation of the staff member's institution,
// with its audit entry and webhook event in the same transaction. Rejecting and
// cancelling need a reason, which the patient will see.
func (s *Service) Transition(ctx context.Context, st *heydoctor.Staff, reservationID int64, action Action, reason string) (*heydoctor.Reservation, error) {
	if err := Authorize(st, PermReservations); err != nil {
		return nil, err
	}
	switch action {
	case ActionConfirm, ActionReject, ActionAttended, ActionNoShow, ActionCancel:
	default:
		return nil, heydoctor.FieldError("action", "알 수 없는 처리예요: %q", clip(string(action)))
	}
	reason, err := checkReason(reason, action == ActionReject || action == ActionCancel)
	if err != nil {
		return nil, err
	}
	cur, err := s.ownReservation(ctx, st, reservationID)
	if err != nil {
		return nil, err
	}
	out, err := s.store.UpdateReservation(ctx, cur.ID, heydoctor.ReservationChange{
		Apply: func(r *heydoctor.Reservation) error {
			if r.InstitutionID != st.InstitutionID {
				return reservationNotFound()
			}
			return applyAction(r, action, reason, s.now())
		},
		Audit:    &heydoctor.AuditEntry{InstitutionID: st.InstitutionID, StaffID: st.ID, Action: "reservation." + string(action), Entity: "reservation"},
		Snapshot: snapshot,
		Event:    EventFor(eventName(action), cur.Doctor),
	})
	if err != nil {
		return nil, fmt.Errorf("%s reservation %d: %w", action, cur.ID, err)
	}
	s.transitioned(out.Status)
	return out, nil
}

// RescheduleByStaff moves a reservation of the staff member's institution to another
// slot of its doctor's plan, atomically. Staff may book inside the minimum notice.
func (s *Service) RescheduleByStaff(ctx context.Context, st *heydoctor.Staff, reservationID int64, newStart time.Time) (*heydoctor.Reservation, error) {
	if err := Authorize(st, PermReservations); err != nil {
		return nil, err
	}
	cur, err := s.ownReservation(ctx, st, reservationID)
	if err != nil {
		return nil, err
	}
	inst, err := s.store.FindInstitutionByID(ctx, st.InstitutionID)
	if err != nil {
		return nil, fmt.Errorf("find institution %d: %w", st.InstitutionID, err)
	}
	return s.reschedule(ctx, cur, inst, newStart, false,
		&heydoctor.AuditEntry{InstitutionID: st.InstitutionID, StaffID: st.ID, Action: "reservation.reschedule", Entity: "reservation"})
}

// DayList returns the reservations of the staff member's institution starting on one
// day (KST), optionally only some statuses.
func (s *Service) DayList(ctx context.Context, st *heydoctor.Staff, day heydoctor.Date, statuses []heydoctor.ReservationStatus) ([]*heydoctor.Reservation, error) {
	if err := Authorize(st, PermReservations); err != nil {
		return nil, err
	}
	if _, err := heydoctor.ParseDate(string(day)); err != nil {
		return nil, heydoctor.FieldError("day", "날짜 형식이 올바르지 않아요 (YYYY-MM-DD)")
	}
	if len(statuses) > 6 {
		return nil, heydoctor.FieldError("status", "상태는 6개까지 고를 수 있어요")
	}
	for _, x := range statuses {
		if !x.Valid() {
			return nil, heydoctor.FieldError("status", "알 수 없는 예약 상태예요: %q", clip(string(x)))
		}
	}
	list, err := s.store.ListReservations(ctx, heydoctor.ReservationFilter{InstitutionID: st.InstitutionID, From: day.Time(), To: day.AddDays(1).Time(),
		Statuses: statuses, Limit: 2000})
	if err != nil {
		return nil, fmt.Errorf("day list %s: %w", day, err)
	}
	return list, nil
}

func toJSON(v any) string {
	if v == nil {
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// audit describes a staff change that is not a reservation; the store writes it in the
// transaction of the change, so the two commit together.
func (s *Service) audit(st *heydoctor.Staff, action, entity string, id int64, before, after any) *heydoctor.AuditEntry {
	return &heydoctor.AuditEntry{InstitutionID: st.InstitutionID, StaffID: st.ID, Action: action, Entity: entity, EntityID: id,
		Before: toJSON(before), After: toJSON(after), At: s.now().UTC()}
}

// ownDoctor returns a doctor of the staff member's institution.
func (s *Service) ownDoctor(ctx context.Context, st *heydoctor.Staff, id int64) (*heydoctor.Doctor, error) {
	notFound := &heydoctor.Error{Kind: heydoctor.NotFound, Field: "doctor_id", Message: "의사나 진료실을 찾을 수 없어요"}
	if id <= 0 {
		return nil, notFound
	}
	d, err := s.store.FindDoctorByID(ctx, id)
	if heydoctor.KindOf(err) == heydoctor.NotFound {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("find doctor %d: %w", id, err)
	}
	if d.InstitutionID != st.InstitutionID {
		return nil, notFound
	}
	return d, nil
}

// SaveDoctor creates (ID 0) or updates a doctor or room of the admin's institution.
func (s *Service) SaveDoctor(ctx context.Context, st *heydoctor.Staff, d *heydoctor.Doctor) error {
	if err := Authorize(st, PermDoctors); err != nil {
		return err
	}
	d.Name = strings.TrimSpace(d.Name)
	if n := utf8.RuneCountInString(d.Name); n == 0 || n > maxNameRunes || !utf8.ValidString(d.Name) || strings.IndexFunc(d.Name, unicode.IsControl) >= 0 {
		return heydoctor.FieldError("name", "이름은 1자에서 %d자 사이로 적어 주세요", maxNameRunes)
	}
	dep, ok := lookupDepartment(d.Department)
	if !ok {
		return heydoctor.FieldError("department", "알 수 없는 진료과예요: %q", clip(d.Department))
	}
	d.Department, d.InstitutionID = dep.Code, st.InstitutionID
	if d.ID == 0 {
		if err := s.store.CreateDoctor(ctx, d, s.audit(st, "doctor.create", "doctor", d.ID, nil, d)); err != nil {
			return fmt.Errorf("create doctor: %w", err)
		}
		return nil
	}
	before, err := s.ownDoctor(ctx, st, d.ID)
	if err != nil {
		return err
	}
	d.Demo = before.Demo
	if err := s.store.UpdateDoctor(ctx, d, s.audit(st, "doctor.update", "doctor", d.ID, before, d)); err != nil {
		return fmt.Errorf("update doctor %d: %w", d.ID, err)
	}
	return nil
}

// SaveSchedule replaces the working plan of a doctor of the admin's institution.
// Existing reservations are kept even when the new plan no longer has their slot.
func (s *Service) SaveSchedule(ctx context.Context, st *heydoctor.Staff, sc *heydoctor.Schedule) error {
	if err := Authorize(st, PermSchedules); err != nil {
		return err
	}
	if _, err := s.ownDoctor(ctx, st, sc.DoctorID); err != nil {
		return err
	}
	if err := ValidateSchedule(sc); err != nil {
		return err
	}
	before, err := s.store.FindSchedule(ctx, sc.DoctorID)
	if err != nil && heydoctor.KindOf(err) != heydoctor.NotFound {
		return fmt.Errorf("find schedule %d: %w", sc.DoctorID, err)
	}
	var b any
	if before != nil {
		b = before
	}
	if err := s.store.SetSchedule(ctx, sc, s.audit(st, "schedule.update", "doctor", sc.DoctorID, b, sc)); err != nil {
		return fmt.Errorf("set schedule %d: %w", sc.DoctorID, err)
	}
	return nil
}

// SetException records a leave day or an extra working day for a doctor of the staff
// member's institution.
func (s *Service) SetException(ctx context.Context, st *heydoctor.Staff, e *heydoctor.ScheduleException) error {
	if err := Authorize(st, PermExceptions); err != nil {
		return err
	}
	if _, err := s.ownDoctor(ctx, st, e.DoctorID); err != nil {
		return err
	}
	if err := ValidateException(e); err != nil {
		return err
	}
	if err := s.store.SetException(ctx, e, s.audit(st, "exception.set", "doctor", e.DoctorID, nil, e)); err != nil {
		return fmt.Errorf("set exception %d %s: %w", e.DoctorID, e.Date, err)
	}
	return nil
}

// DeleteException removes a doctor's exception on a day.
func (s *Service) DeleteException(ctx context.Context, st *heydoctor.Staff, doctorID int64, day heydoctor.Date) error {
	if err := Authorize(st, PermExceptions); err != nil {
		return err
	}
	if _, err := s.ownDoctor(ctx, st, doctorID); err != nil {
		return err
	}
	if _, err := heydoctor.ParseDate(string(day)); err != nil {
		return heydoctor.FieldError("date", "날짜 형식이 올바르지 않아요 (YYYY-MM-DD)")
	}
	if err := s.store.DeleteException(ctx, doctorID, day, s.audit(st, "exception.delete", "doctor", doctorID, map[string]string{"date": string(day)}, nil)); err != nil {
		return fmt.Errorf("delete exception %d %s: %w", doctorID, day, err)
	}
	return nil
}

// checkSpan accepts an empty span (no hours) or a valid HHMM pair with open before close.
func checkSpan(field string, sp *heydoctor.Span) error {
	if sp.IsZero() {
		return nil
	}
	o, err1 := hours.NormalizeHHMM(sp.Open)
	c, err2 := hours.NormalizeHHMM(sp.Close)
	if err1 != nil || err2 != nil {
		return heydoctor.FieldError(field, "시간은 HHMM 형식으로 여는 시각과 닫는 시각을 모두 적어 주세요")
	}
	sp.Open, sp.Close = o, c
	return nil
}

// SetClosure closes the staff member's institution on a day, or sets other hours that day.
func (s *Service) SetClosure(ctx context.Context, st *heydoctor.Staff, c heydoctor.Closure) error {
	if err := Authorize(st, PermClosures); err != nil {
		return err
	}
	if _, err := heydoctor.ParseDate(string(c.Date)); err != nil {
		return heydoctor.FieldError("date", "날짜 형식이 올바르지 않아요 (YYYY-MM-DD)")
	}
	if err := checkSpan("hours", &c.Hours); err != nil {
		return err
	}
	if !c.Hours.IsZero() && c.Hours.Open >= c.Hours.Close {
		return heydoctor.FieldError("hours", "여는 시각이 닫는 시각보다 앞서야 해요")
	}
	if !utf8.ValidString(c.Note) || utf8.RuneCountInString(c.Note) > maxNoteRunes {
		return heydoctor.FieldError("note", "메모는 %d자까지 쓸 수 있어요", maxNoteRunes)
	}
	c.InstitutionID = st.InstitutionID
	if err := s.store.SetClosure(ctx, c, s.audit(st, "closure.set", "institution", st.InstitutionID, nil, c)); err != nil {
		return fmt.Errorf("set closure %s: %w", c.Date, err)
	}
	return nil
}

// DeleteClosure removes a closure of the staff member's institution.
func (s *Service) DeleteClosure(ctx context.Context, st *heydoctor.Staff, day heydoctor.Date) error {
	if err := Authorize(st, PermClosures); err != nil {
		return err
	}
	if _, err := heydoctor.ParseDate(string(day)); err != nil {
		return heydoctor.FieldError("date", "날짜 형식이 올바르지 않아요 (YYYY-MM-DD)")
	}
	if err := s.store.DeleteClosure(ctx, st.InstitutionID, day, s.audit(st, "closure.delete", "institution", st.InstitutionID, map[string]string{"date": string(day)}, nil)); err != nil {
		return fmt.Errorf("delete closure %s: %w", day, err)
	}
	return nil
}

// UpdateHours replaces the published weekly hours of the admin's institution.
func (s *Service) UpdateHours(ctx context.Context, st *heydoctor.Staff, h heydoctor.OpeningHours) error {
	if err := Authorize(st, PermHours); err != nil {
		return err
	}
	for i := range h.Day {
		if err := checkSpan(fmt.Sprintf("hours[%d]", i), &h.Day[i]); err != nil {
			return err
		}
	}
	inst, err := s.store.FindInstitutionByID(ctx, st.InstitutionID)
	if err != nil {
		return fmt.Errorf("find institution %d: %w", st.InstitutionID, err)
	}
	if err := s.store.UpdateInstitutionHours(ctx, st.InstitutionID, h, s.audit(st, "hours.update", "institution", st.InstitutionID, inst.Hours, h)); err != nil {
		return fmt.Errorf("update hours of %d: %w", st.InstitutionID, err)
	}
	return nil
}

// FloodMinimum is how many active upcoming bookings of one phone at one institution the
// console shows as a possible flood.
const FloodMinimum = 3

// Floods returns the phones holding many active upcoming bookings at the staff member's
// institution, most first, so that reception can see a flood and cancel it at once.
func (s *Service) Floods(ctx context.Context, st *heydoctor.Staff) ([]heydoctor.PhoneCount, error) {
	if err := Authorize(st, PermReservations); err != nil {
		return nil, err
	}
	list, err := s.store.PhoneFloods(ctx, st.InstitutionID, FloodMinimum, 50)
	if err != nil {
		return nil, fmt.Errorf("phone floods of %d: %w", st.InstitutionID, err)
	}
	return list, nil
}

// CancelPhone cancels every active upcoming booking that patients made with one phone at
// the staff member's institution, each in its own transaction with its audit entry and
// webhook event, and returns how many it cancelled. Bookings staff made are kept.
func (s *Service) CancelPhone(ctx context.Context, st *heydoctor.Staff, phone, reason string) (int, error) {
	if err := Authorize(st, PermReservations); err != nil {
		return 0, err
	}
	digits, err := NormalizePhone(phone)
	if err != nil {
		return 0, err
	}
	if reason, err = checkReason(reason, true); err != nil {
		return 0, err
	}
	list, err := s.store.ListReservations(ctx, heydoctor.ReservationFilter{InstitutionID: st.InstitutionID, Phone: digits, From: s.now(),
		Statuses: []heydoctor.ReservationStatus{heydoctor.StatusRequested, heydoctor.StatusConfirmed}, Limit: 2000})
	if err != nil {
		return 0, fmt.Errorf("list bookings of a phone: %w", err)
	}
	n := 0
	for _, r := range list {
		if r.Channel == heydoctor.ChannelStaff {
			continue
		}
		if _, err := s.Transition(ctx, st, r.ID, ActionCancel, reason); err != nil {
			if heydoctor.KindOf(err) == heydoctor.Conflict {
				continue // changed meanwhile
			}
			return n, err
		}
		n++
	}
	return n, nil
}
