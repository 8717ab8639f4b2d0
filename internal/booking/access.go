package booking

import (
	"context"
	"fmt"

	"heydoctor"
)

// The console's reads. Each checks that the staff account is live and may read what it
// asks for, and reads only its own institution: another institution's doctor is
// NotFound, the same as one that does not exist.

// StaffInstitution returns the staff member's institution.
func (s *Service) StaffInstitution(ctx context.Context, st *heydoctor.Staff) (*heydoctor.Institution, error) {
	if err := Authorize(st, PermConsole); err != nil {
		return nil, err
	}
	in, err := s.store.FindInstitutionByID(ctx, st.InstitutionID)
	if err != nil {
		return nil, fmt.Errorf("find institution %d: %w", st.InstitutionID, err)
	}
	return in, nil
}

// Doctor returns a doctor or room of the staff member's institution.
func (s *Service) Doctor(ctx context.Context, st *heydoctor.Staff, id int64) (*heydoctor.Doctor, error) {
	if err := Authorize(st, PermConsole); err != nil {
		return nil, err
	}
	return s.ownDoctor(ctx, st, id)
}

// Doctors lists the doctors and rooms of the staff member's institution.
func (s *Service) Doctors(ctx context.Context, st *heydoctor.Staff) ([]*heydoctor.Doctor, error) {
	if err := Authorize(st, PermConsole); err != nil {
		return nil, err
	}
	list, err := s.store.ListDoctors(ctx, st.InstitutionID)
	if err != nil {
		return nil, fmt.Errorf("list doctors of %d: %w", st.InstitutionID, err)
	}
	return list, nil
}

// Schedule returns the working plan of a doctor of the staff member's institution, or
// NotFound when it has none yet.
func (s *Service) Schedule(ctx context.Context, st *heydoctor.Staff, doctorID int64) (*heydoctor.Schedule, error) {
	if _, err := s.Doctor(ctx, st, doctorID); err != nil {
		return nil, err
	}
	sc, err := s.store.FindSchedule(ctx, doctorID)
	if err != nil {
		return nil, fmt.Errorf("find schedule %d: %w", doctorID, err)
	}
	return sc, nil
}

// Exceptions lists the exceptions of a doctor of the staff member's institution from
// one day to another.
func (s *Service) Exceptions(ctx context.Context, st *heydoctor.Staff, doctorID int64, from, to heydoctor.Date) ([]heydoctor.ScheduleException, error) {
	if _, err := s.Doctor(ctx, st, doctorID); err != nil {
		return nil, err
	}
	list, err := s.store.ListExceptions(ctx, doctorID, from, to)
	if err != nil {
		return nil, fmt.Errorf("list exceptions of %d: %w", doctorID, err)
	}
	return list, nil
}

// Closures lists the staff member's institution's closures from a day on.
func (s *Service) Closures(ctx context.Context, st *heydoctor.Staff, from heydoctor.Date) ([]heydoctor.Closure, error) {
	if err := Authorize(st, PermConsole); err != nil {
		return nil, err
	}
	list, err := s.store.ListClosures(ctx, st.InstitutionID, from)
	if err != nil {
		return nil, fmt.Errorf("list closures of %d: %w", st.InstitutionID, err)
	}
	return list, nil
}

// Audit returns the latest audit entries of the admin's institution, newest first.
func (s *Service) Audit(ctx context.Context, st *heydoctor.Staff, limit int) ([]heydoctor.AuditEntry, error) {
	if err := Authorize(st, PermAudit); err != nil {
		return nil, err
	}
	list, err := s.store.ListAudit(ctx, st.InstitutionID, limit)
	if err != nil {
		return nil, fmt.Errorf("list audit of %d: %w", st.InstitutionID, err)
	}
	return list, nil
}
