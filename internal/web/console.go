package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"heydoctor"
	"heydoctor/internal/booking"
	"heydoctor/internal/hours"
)

type loginPage struct {
	Next, Login, Error string
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "console_login", "직원 로그인", loginPage{Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	login := strings.TrimSpace(r.PostFormValue("login"))
	next := safeNext(r.PostFormValue("next"))
	cookie, err := s.login(r, login, r.PostFormValue("password"))
	if err != nil {
		k := heydoctor.KindOf(err)
		if k != heydoctor.Invalid && k != heydoctor.TooMany {
			return err
		}
		status := http.StatusUnauthorized
		if k == heydoctor.TooMany {
			status = http.StatusTooManyRequests
		}
		return s.render(w, r, status, "console_login", "직원 로그인", loginPage{Next: next, Login: login, Error: heydoctor.MessageOf(err)})
	}
	http.SetCookie(w, cookie)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.cfg.Store.DeleteSession(r.Context(), hashToken(c.Value)); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/console", MaxAge: -1, HttpOnly: true, Secure: s.isHTTPS(r), SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/console/login", http.StatusSeeOther)
	return nil
}

// consoleBase is what every console page shows.
type consoleBase struct {
	Staff       *heydoctor.Staff
	CSRF        string
	Institution *heydoctor.Institution
	Nav         string
	Flash       string
	Error       string
}

func (s *Server) consoleBase(r *http.Request, nav string) (consoleBase, error) {
	st, csrf := currentStaff(r.Context())
	in, err := s.cfg.Store.FindInstitutionByID(r.Context(), st.InstitutionID)
	if err != nil {
		return consoleBase{}, err
	}
	ok, bad := currentFlash(r.Context())
	return consoleBase{Staff: st, CSRF: csrf, Institution: in, Nav: nav, Flash: ok, Error: bad}, nil
}

type consoleRow struct {
	ID       int64
	Time     string
	End      string
	Doctor   string
	Name     string
	Phone    string
	Note     string
	Status   string
	Label    string
	Channel  string
	Actions  []string
	Upcoming bool
}

type dayPage struct {
	consoleBase
	Date, Prev, Next, Today string
	Doctor                  int64
	Doctors                 []*heydoctor.Doctor
	Rows                    []consoleRow
	Requested               int
	Version                 string
	ActionLabels            map[string]string
}

// actionsFor lists what staff may do next with a reservation.
func actionsFor(r *heydoctor.Reservation) []string {
	switch r.Status {
	case heydoctor.StatusRequested:
		return []string{"confirm", "reject", "cancel"}
	case heydoctor.StatusConfirmed:
		return []string{"attended", "no_show", "cancel"}
	}
	return nil
}

var actionLabels = map[string]string{"confirm": "확정", "reject": "거절", "attended": "방문 완료", "no_show": "미방문", "cancel": "취소"}

func (s *Server) dayData(r *http.Request) (*dayPage, error) {
	base, err := s.consoleBase(r, "day")
	if err != nil {
		return nil, err
	}
	today := heydoctor.DateOf(s.cfg.Now())
	day := today
	if v := r.URL.Query().Get("date"); v != "" {
		if day, err = heydoctor.ParseDate(v); err != nil {
			return nil, heydoctor.FieldError("date", "날짜 형식은 YYYY-MM-DD예요")
		}
	}
	p := &dayPage{consoleBase: base, Date: string(day), Prev: string(day.AddDays(-1)), Next: string(day.AddDays(1)), Today: string(today), ActionLabels: actionLabels}
	p.Doctor, _ = strconv.ParseInt(r.URL.Query().Get("doctor"), 10, 64)
	if p.Doctors, err = s.cfg.Store.ListDoctors(r.Context(), base.Staff.InstitutionID); err != nil {
		return nil, err
	}
	list, err := s.cfg.Booking.DayList(r.Context(), base.Staff, day, nil)
	if err != nil {
		return nil, err
	}
	var version strings.Builder
	for _, res := range list {
		if p.Doctor != 0 && res.DoctorID != p.Doctor {
			continue
		}
		row := consoleRow{ID: res.ID, Time: res.Start.In(heydoctor.KST).Format("15:04"), End: res.End.In(heydoctor.KST).Format("15:04"),
			Status: string(res.Status), Label: res.Status.Label(), Channel: string(res.Channel), Note: res.Note, Actions: actionsFor(res)}
		if res.Doctor != nil {
			row.Doctor = res.Doctor.Name
		}
		if res.Patient != nil {
			row.Name, row.Phone = res.Patient.Name, booking.FormatPhone(res.Patient.Phone)
		}
		if res.Status == heydoctor.StatusRequested {
			p.Requested++
		}
		p.Rows = append(p.Rows, row)
		fmt.Fprintf(&version, "%d:%s:%d;", res.ID, res.Status, res.Sequence)
	}
	p.Version = hashToken(version.String())[:16]
	return p, nil
}

// handleConsoleDay is the reception's day view; ?partial=1 returns only the list, which
// console.js fetches every few seconds so new requests appear without a reload.
func (s *Server) handleConsoleDay(w http.ResponseWriter, r *http.Request) error {
	p, err := s.dayData(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("partial") == "1" {
		return s.writeFragment(w, "console", "list", p, p.Version)
	}
	return s.render(w, r, http.StatusOK, "console", "예약 관리", p)
}

// writeFragment renders one template of a page alone, with its version in X-List-Version,
// for console.js to swap in when the list changed.
func (s *Server) writeFragment(w http.ResponseWriter, page, name string, data any, version string) error {
	var buf bytes.Buffer
	if err := s.pages.tmpl[page].ExecuteTemplate(&buf, name, data); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-List-Version", version)
	_, err := w.Write(buf.Bytes())
	return err
}

func (s *Server) handleConsoleAction(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	action := r.PathValue("action")
	back := "/console?date=" + url.QueryEscape(r.PostFormValue("date"))
	if d := r.PostFormValue("doctor"); d != "" && d != "0" {
		back += "&doctor=" + url.QueryEscape(d)
	}
	var res *heydoctor.Reservation
	if action == "reschedule" {
		start, perr := time.ParseInLocation("2006-01-02T15:04", r.PostFormValue("start"), heydoctor.KST)
		if perr != nil {
			err = heydoctor.FieldError("start", "새 시간을 YYYY-MM-DDTHH:MM으로 적어 주세요")
		} else {
			res, err = s.cfg.Booking.RescheduleByStaff(r.Context(), st, id, start)
		}
	} else {
		res, err = s.cfg.Booking.Transition(r.Context(), st, id, booking.Action(action), r.PostFormValue("reason"))
	}
	if err != nil {
		if k := heydoctor.KindOf(err); k == heydoctor.Internal || k == heydoctor.Unavailable {
			return err
		}
		s.redirectFlash(w, r, back, flashErr, heydoctor.MessageOf(err))
		return nil
	}
	msg := fmt.Sprintf("%s %s님 예약: %s", res.Start.In(heydoctor.KST).Format("15:04"), patientName(res), res.Status.Label())
	s.redirectFlash(w, r, back, flashOK, msg)
	return nil
}

func patientName(r *heydoctor.Reservation) string {
	if r.Patient != nil {
		return r.Patient.Name
	}
	return ""
}

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
	doctors, err := s.cfg.Store.ListDoctors(r.Context(), base.Staff.InstitutionID)
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

// consoleRedirectErr sends a refused form back to its page with the message; internal errors stay errors.
func (s *Server) consoleRedirectErr(w http.ResponseWriter, r *http.Request, back string, err error) error {
	if k := heydoctor.KindOf(err); k == heydoctor.Internal || k == heydoctor.Unavailable {
		return err
	}
	msg := heydoctor.MessageOf(err)
	if f := heydoctor.FieldOf(err); f != "" {
		msg = f + ": " + msg
	}
	s.redirectFlash(w, r, back, flashErr, msg)
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

func (s *Server) ownDoctor(r *http.Request) (*heydoctor.Doctor, error) {
	st, _ := currentStaff(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	d, err := s.cfg.Store.FindDoctorByID(r.Context(), id)
	if err != nil || d.InstitutionID != st.InstitutionID {
		return nil, heydoctor.Errorf(heydoctor.NotFound, "진료실을 찾을 수 없어요")
	}
	return d, nil
}

func (s *Server) handleConsoleDoctor(w http.ResponseWriter, r *http.Request) error {
	base, err := s.consoleBase(r, "doctors")
	if err != nil {
		return err
	}
	d, err := s.ownDoctor(r)
	if err != nil {
		return err
	}
	p := doctorPage{consoleBase: base, Doctor: d, Departments: heydoctor.Departments()}
	p.Schedule, err = s.cfg.Store.FindSchedule(r.Context(), d.ID)
	if err != nil && heydoctor.KindOf(err) != heydoctor.NotFound {
		return err
	}
	if p.Schedule == nil {
		p.Schedule = &heydoctor.Schedule{SlotMinutes: heydoctor.DefaultSlotMinutes, Capacity: heydoctor.DefaultCapacity,
			HorizonDays: heydoctor.DefaultHorizonDays, MinNoticeMinutes: heydoctor.DefaultMinNoticeMinutes}
	}
	p.PlanText = formatPlan(p.Schedule.Blocks)
	today := heydoctor.DateOf(s.cfg.Now())
	if p.Exceptions, err = s.cfg.Store.ListExceptions(r.Context(), d.ID, today, today.AddDays(365)); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "console_doctor", d.Name, p)
}

var weekdayKo = map[string]time.Weekday{"일": time.Sunday, "월": time.Monday, "화": time.Tuesday, "수": time.Wednesday, "목": time.Thursday, "금": time.Friday, "토": time.Saturday}

// formatPlan writes blocks one weekday a line: "월 0900-1230, 1330-1800".
func formatPlan(blocks []heydoctor.WorkBlock) string {
	var b strings.Builder
	for _, w := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		var spans []string
		for _, bl := range blocks {
			if bl.Weekday == w {
				spans = append(spans, bl.Start+"-"+bl.End)
			}
		}
		if len(spans) > 0 {
			fmt.Fprintf(&b, "%s %s\n", hours.DayName(heydoctor.DayIndex(w)), strings.Join(spans, ", "))
		}
	}
	return b.String()
}

// parsePlan reads the format formatPlan writes; mistakes name the line.
func parsePlan(text string) ([]heydoctor.WorkBlock, error) {
	var blocks []heydoctor.WorkBlock
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		day, rest, _ := strings.Cut(line, " ")
		w, ok := weekdayKo[strings.TrimSpace(day)]
		if !ok {
			return nil, heydoctor.FieldError("plan", "%d번째 줄: 요일(월~일)로 시작해야 해요", i+1)
		}
		for span := range strings.SplitSeq(rest, ",") {
			a, b, ok := strings.Cut(strings.TrimSpace(span), "-")
			if !ok {
				return nil, heydoctor.FieldError("plan", "%d번째 줄: 시간은 0900-1200처럼 적어 주세요", i+1)
			}
			blocks = append(blocks, heydoctor.WorkBlock{Weekday: w, Start: strings.TrimSpace(a), End: strings.TrimSpace(b)})
		}
	}
	return blocks, nil
}

func formInt(r *http.Request, name string) (int, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, heydoctor.FieldError(name, "숫자를 적어 주세요")
	}
	return n, nil
}

func (s *Server) handleConsoleSchedule(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	d, err := s.ownDoctor(r)
	if err != nil {
		return err
	}
	back := "/console/doctors/" + strconv.FormatInt(d.ID, 10)
	sc := &heydoctor.Schedule{DoctorID: d.ID, OpenOnHolidays: r.PostFormValue("holidays") == "1"}
	if sc.Blocks, err = parsePlan(r.PostFormValue("plan")); err == nil {
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
	d, err := s.ownDoctor(r)
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
			a, b, ok := strings.Cut(r.PostFormValue("hours"), "-")
			if !ok {
				return s.consoleRedirectErr(w, r, back, heydoctor.FieldError("hours", "0900-1300처럼 적어 주세요"))
			}
			e.Blocks = []heydoctor.WorkBlock{{Weekday: day.Weekday(), Start: strings.TrimSpace(a), End: strings.TrimSpace(b)}}
		}
		err = s.cfg.Booking.SetException(r.Context(), st, e)
	}
	if err != nil {
		return s.consoleRedirectErr(w, r, back, err)
	}
	s.redirectFlash(w, r, back, flashOK, "저장했어요")
	return nil
}

type settingsPage struct {
	consoleBase
	Closures []heydoctor.Closure
	Days     []dayHoursJSON
}

func (s *Server) handleConsoleSettings(w http.ResponseWriter, r *http.Request) error {
	base, err := s.consoleBase(r, "settings")
	if err != nil {
		return err
	}
	p := settingsPage{consoleBase: base, Days: weekRows(base.Institution.Hours, -1)}
	if p.Closures, err = s.cfg.Store.ListClosures(r.Context(), base.Staff.InstitutionID, heydoctor.DateOf(s.cfg.Now())); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "console_settings", "휴진·진료시간", p)
}

func (s *Server) handleConsoleClosure(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	day, err := heydoctor.ParseDate(r.PostFormValue("date"))
	if err != nil {
		return s.consoleRedirectErr(w, r, "/console/settings", heydoctor.FieldError("date", "날짜를 골라 주세요"))
	}
	if r.PostFormValue("delete") == "1" {
		err = s.cfg.Booking.DeleteClosure(r.Context(), st, day)
	} else {
		c := heydoctor.Closure{InstitutionID: st.InstitutionID, Date: day, Note: r.PostFormValue("note")}
		if h := strings.TrimSpace(r.PostFormValue("hours")); h != "" {
			a, b, _ := strings.Cut(h, "-")
			c.Hours = heydoctor.Span{Open: strings.TrimSpace(a), Close: strings.TrimSpace(b)}
		}
		err = s.cfg.Booking.SetClosure(r.Context(), st, c)
	}
	if err != nil {
		return s.consoleRedirectErr(w, r, "/console/settings", err)
	}
	s.refreshDirectory(r)
	s.redirectFlash(w, r, "/console/settings", flashOK, "저장했어요")
	return nil
}

func (s *Server) handleConsoleHours(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	var h heydoctor.OpeningHours
	for i := range h.Day {
		h.Day[i] = heydoctor.Span{Open: strings.TrimSpace(r.PostFormValue(fmt.Sprintf("open%d", i))), Close: strings.TrimSpace(r.PostFormValue(fmt.Sprintf("close%d", i)))}
	}
	if err := s.cfg.Booking.UpdateHours(r.Context(), st, h); err != nil {
		return s.consoleRedirectErr(w, r, "/console/settings", err)
	}
	s.refreshDirectory(r)
	s.redirectFlash(w, r, "/console/settings", flashOK, "진료시간을 저장했어요")
	return nil
}

// refreshDirectory makes this replica show a staff edit at once; others follow within a poll.
func (s *Server) refreshDirectory(r *http.Request) {
	if err := s.cfg.Directory.Refresh(r.Context()); err != nil {
		s.log.Warn("directory refresh after staff edit", "err", err)
	}
}

// Console JSON API.

func (s *Server) handleAPIConsoleReservations(w http.ResponseWriter, r *http.Request) error {
	p, err := s.dayData(r)
	if err != nil {
		return err
	}
	return encode(w, http.StatusOK, map[string]any{"date": p.Date, "version": p.Version, "requested": p.Requested, "items": p.Rows})
}

type actionJSON struct {
	Reason string `json:"reason"`
}

func (s *Server) handleAPIConsoleAction(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req actionJSON
	if r.ContentLength != 0 {
		if req, err = decode[actionJSON](w, r); err != nil {
			return err
		}
	}
	res, err := s.cfg.Booking.Transition(r.Context(), st, id, booking.Action(r.PathValue("action")), req.Reason)
	if err != nil {
		return err
	}
	return encode(w, http.StatusOK, toReservationJSON(res))
}

func (s *Server) handleAPIConsoleReschedule(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	req, err := decode[rescheduleJSON](w, r)
	if err != nil {
		return err
	}
	start, _ := time.Parse(time.RFC3339, req.Start)
	res, err := s.cfg.Booking.RescheduleByStaff(r.Context(), st, id, start)
	if err != nil {
		return conflictWithAlternatives(w, err)
	}
	return encode(w, http.StatusOK, toReservationJSON(res))
}

func (s *Server) handleAPIConsoleDoctors(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	doctors, err := s.cfg.Store.ListDoctors(r.Context(), st.InstitutionID)
	if err != nil {
		return err
	}
	items := make([]doctorJSON, len(doctors))
	for i, d := range doctors {
		items[i] = toDoctorJSON(d)
	}
	return encode(w, http.StatusOK, map[string]any{"items": items})
}

func (s *Server) handleAPIConsoleAudit(w http.ResponseWriter, r *http.Request) error {
	st, _ := currentStaff(r.Context())
	if err := booking.Authorize(st, booking.PermAudit); err != nil {
		return err
	}
	list, err := s.cfg.Store.ListAudit(r.Context(), st.InstitutionID, 200)
	if err != nil {
		return err
	}
	return encode(w, http.StatusOK, map[string]any{"items": list})
}
