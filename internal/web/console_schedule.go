package web

import (
	"net/http"
	"strconv"

	"heydoctor"
	"heydoctor/internal/hours"
)

func (s *Server) handleConsoleSchedule(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	d, err := s.pathDoctor(r)
	if err != nil {
		return err
	}
	back := "/console/doctors/" + strconv.FormatInt(d.ID, 10)
	sc := &heydoctor.Schedule{DoctorID: d.ID, OpenOnHolidays: r.PostFormValue("holidays") == "1"}
	if sc.Blocks, err = hours.ParsePlan(r.PostFormValue("plan")); err == nil {
		for name, dst := range map[string]*int{"slot_minutes": &sc.SlotMinutes, "capacity": &sc.Capacity, "horizon_days": &sc.HorizonDays, "min_notice_minutes": &sc.MinNoticeMinutes} {
			if *dst, err = formInt(r, name); err != nil {
				break
			}
		}
	}
	if err == nil {
		err = s.cfg.Booking.SaveSchedule(r.Context(), st, sc)
	}
	if err != nil {
		return s.consoleRedirectErr(w, r, back, err)
	}
	s.redirectFlash(w, r, back, flashOK, "일정을 저장했어요")
	return nil
}

func (s *Server) handleConsoleException(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	d, err := s.pathDoctor(r)
	if err != nil {
		return err
	}
	back := "/console/doctors/" + strconv.FormatInt(d.ID, 10)
	day, err := heydoctor.ParseDate(r.PostFormValue("date"))
	if err != nil {
		return s.consoleRedirectErr(w, r, back, heydoctor.FieldError("date", "날짜를 골라 주세요"))
	}
	if r.PostFormValue("delete") == "1" {
		err = s.cfg.Booking.DeleteException(r.Context(), st, d.ID, day)
	} else {
		e := &heydoctor.ScheduleException{DoctorID: d.ID, Date: day, Closed: r.PostFormValue("hours") == "", Note: r.PostFormValue("note")}
		if !e.Closed {
			sp, err := hours.ParseSpan(r.PostFormValue("hours"))
			if err != nil {
				return s.consoleRedirectErr(w, r, back, heydoctor.FieldError("hours", "0900-1300처럼 적어 주세요"))
			}
			e.Blocks = []heydoctor.WorkBlock{{Weekday: day.Weekday(), Start: sp.Open, End: sp.Close}}
		}
		err = s.cfg.Booking.SetException(r.Context(), st, e)
	}
	if err != nil {
		return s.consoleRedirectErr(w, r, back, err)
	}
	s.redirectFlash(w, r, back, flashOK, "저장했어요")
	return nil
}

type scheduleJSON struct {
	Blocks           []heydoctor.WorkBlock `json:"blocks"`
	SlotMinutes      int                   `json:"slot_minutes"`
	Capacity         int                   `json:"capacity"`
	HorizonDays      int                   `json:"horizon_days"`
	MinNoticeMinutes int                   `json:"min_notice_minutes"`
	OpenOnHolidays   bool                  `json:"open_on_holidays"`
}

func toScheduleJSON(sc *heydoctor.Schedule) scheduleJSON {
	return scheduleJSON{Blocks: sc.Blocks, SlotMinutes: sc.SlotMinutes, Capacity: sc.Capacity,
		HorizonDays: sc.HorizonDays, MinNoticeMinutes: sc.MinNoticeMinutes, OpenOnHolidays: sc.OpenOnHolidays}
}

func (s *Server) handleAPIGetSchedule(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sc, err := s.cfg.Booking.Schedule(r.Context(), st, id)
	if err != nil {
		return err
	}
	return encode(w, http.StatusOK, toScheduleJSON(sc))
}

func (s *Server) handleAPIPutSchedule(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in, err := decode[scheduleJSON](w, r)
	if err != nil {
		return err
	}
	sc := &heydoctor.Schedule{DoctorID: id, Blocks: in.Blocks, SlotMinutes: in.SlotMinutes, Capacity: in.Capacity,
		HorizonDays: in.HorizonDays, MinNoticeMinutes: in.MinNoticeMinutes, OpenOnHolidays: in.OpenOnHolidays}
	if err := s.cfg.Booking.SaveSchedule(r.Context(), st, sc); err != nil {
		return err
	}
	return encode(w, http.StatusOK, toScheduleJSON(sc))
}

type exceptionJSON struct {
	Closed bool                  `json:"closed"`
	Blocks []heydoctor.WorkBlock `json:"blocks"`
	Note   string                `json:"note"`
}

// pathDoctorDay reads the room id and the day of /console/api/doctors/{id}/exceptions/{date}.
func pathDoctorDay(r *http.Request) (int64, heydoctor.Date, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, "", err
	}
	day, err := pathDate(r)
	return id, day, err
}

func (s *Server) handleAPIPutException(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	id, day, err := pathDoctorDay(r)
	if err != nil {
		return err
	}
	in, err := decode[exceptionJSON](w, r)
	if err != nil {
		return err
	}
	e := &heydoctor.ScheduleException{DoctorID: id, Date: day, Closed: in.Closed || len(in.Blocks) == 0, Blocks: in.Blocks, Note: in.Note}
	if err := s.cfg.Booking.SetException(r.Context(), st, e); err != nil {
		return err
	}
	return encode(w, http.StatusOK, exceptionJSON{Closed: e.Closed, Blocks: e.Blocks, Note: e.Note})
}

func (s *Server) handleAPIDeleteException(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	id, day, err := pathDoctorDay(r)
	if err != nil {
		return err
	}
	if err := s.cfg.Booking.DeleteException(r.Context(), st, id, day); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
