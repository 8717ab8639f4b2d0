package web

import (
	"net/http"
	"strconv"

	"heydoctor"
	"heydoctor/internal/hours"
)

type doctorsPage struct {
	consoleBase
	Doctors     []*heydoctor.Doctor
	Departments []heydoctor.Department
}

func (s *Server) handleConsoleDoctors(w http.ResponseWriter, r *http.Request) error {
	base, err := s.consoleBase(r, "doctors")
	if err != nil {
		return err
	}
	doctors, err := s.cfg.Booking.Doctors(r.Context(), base.Staff)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "console_doctors", "진료실·일정", doctorsPage{consoleBase: base, Doctors: doctors, Departments: heydoctor.Departments()})
}

func (s *Server) handleConsoleSaveDoctor(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	d := &heydoctor.Doctor{InstitutionID: st.InstitutionID, Name: r.PostFormValue("name"), IsRoom: r.PostFormValue("is_room") == "1",
		Active: r.PostFormValue("active") != "0"}
	if dep, ok := heydoctor.LookupDepartment(r.PostFormValue("department")); ok {
		d.Department = dep.Code
	}
	back := "/console/doctors"
	if v := r.PathValue("id"); v != "" {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		d.ID = id
		back = "/console/doctors/" + v
	}
	if err := s.cfg.Booking.SaveDoctor(r.Context(), st, d); err != nil {
		return s.consoleRedirectErr(w, r, back, err)
	}
	s.redirectFlash(w, r, "/console/doctors/"+strconv.FormatInt(d.ID, 10), flashOK, "저장했어요")
	return nil
}

type doctorPage struct {
	consoleBase
	Doctor      *heydoctor.Doctor
	Departments []heydoctor.Department
	Schedule    *heydoctor.Schedule
	PlanText    string
	Exceptions  []heydoctor.ScheduleException
}

// pathDoctor is the doctor or room {id} of the staff member's institution.
func (s *Server) pathDoctor(r *http.Request) (*heydoctor.Doctor, error) {
	st, _ := currentStaff(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.cfg.Booking.Doctor(r.Context(), st, id)
}

func (s *Server) handleConsoleDoctor(w http.ResponseWriter, r *http.Request) error {
	base, err := s.consoleBase(r, "doctors")
	if err != nil {
		return err
	}
	d, err := s.pathDoctor(r)
	if err != nil {
		return err
	}
	p := doctorPage{consoleBase: base, Doctor: d, Departments: heydoctor.Departments()}
	p.Schedule, err = s.cfg.Booking.Schedule(r.Context(), base.Staff, d.ID)
	if err != nil && heydoctor.KindOf(err) != heydoctor.NotFound {
		return err
	}
	if p.Schedule == nil {
		p.Schedule = &heydoctor.Schedule{SlotMinutes: heydoctor.DefaultSlotMinutes, Capacity: heydoctor.DefaultCapacity,
			HorizonDays: heydoctor.DefaultHorizonDays, MinNoticeMinutes: heydoctor.DefaultMinNoticeMinutes}
	}
	p.PlanText = hours.FormatPlan(p.Schedule.Blocks)
	today := heydoctor.DateOf(s.cfg.Now())
	if p.Exceptions, err = s.cfg.Booking.Exceptions(r.Context(), base.Staff, d.ID, today, today.AddDays(365)); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "console_doctor", d.Name, p)
}

func (s *Server) handleAPIConsoleDoctors(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	doctors, err := s.cfg.Booking.Doctors(r.Context(), st)
	if err != nil {
		return err
	}
	items := make([]doctorJSON, len(doctors))
	for i, d := range doctors {
		items[i] = toDoctorJSON(d)
	}
	return encode(w, http.StatusOK, map[string]any{"items": items})
}

type doctorInput struct {
	Name       string `json:"name"`
	Department string `json:"department"`
	IsRoom     bool   `json:"is_room"`
	Active     *bool  `json:"active"`
}

func (s *Server) handleAPISaveDoctor(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	in, err := decode[doctorInput](w, r)
	if err != nil {
		return err
	}
	d := &heydoctor.Doctor{InstitutionID: st.InstitutionID, Name: in.Name, IsRoom: in.IsRoom, Active: in.Active == nil || *in.Active}
	dep, ok := heydoctor.LookupDepartment(in.Department)
	if !ok {
		return heydoctor.FieldError("department", "알 수 없는 진료과예요: %q", in.Department)
	}
	d.Department = dep.Code
	status := http.StatusCreated
	if r.PathValue("id") != "" {
		if d.ID, err = pathID(r, "id"); err != nil {
			return err
		}
		status = http.StatusOK
	}
	if err := s.cfg.Booking.SaveDoctor(r.Context(), st, d); err != nil {
		return err
	}
	return encode(w, status, toDoctorJSON(d))
}
