package web

import (
	"html/template"
	"net/http"

	"heydoctor"
	"heydoctor/internal/hours"
)

type siteClosure struct {
	Date, Text, Note string
}

type siteDoctor struct {
	ID               int64
	Name, Department string
	IsRoom, Demo     bool
}

// siteDoctors are the doctors and rooms an institution's pages offer (booking.Service.PublicDoctors).
func (s *Server) siteDoctors(r *http.Request, in *heydoctor.Institution) ([]siteDoctor, error) {
	svc, err := s.siteBooking()
	if err != nil {
		return nil, err
	}
	list, err := svc.PublicDoctors(r.Context(), in)
	if err != nil {
		return nil, err
	}
	var doctors []siteDoctor
	for _, d := range list {
		sd := siteDoctor{ID: d.ID, Name: d.Name, IsRoom: d.IsRoom, Demo: d.Demo || in.Demo}
		if dep, ok := heydoctor.LookupDepartment(d.Department); ok {
			sd.Department = dep.Name
		}
		doctors = append(doctors, sd)
	}
	return doctors, nil
}

type siteInstitutionPage struct {
	In          *heydoctor.Institution
	KindName    string
	Badge       siteBadge
	Week        []dayHoursJSON
	HoursKnown  bool
	Closures    []siteClosure
	Departments []string
	Tel, ERTel  template.URL
	KakaoMap    string
	NaverMap    string
	Doctors     []siteDoctor
	Queue       bool // takes same-day check-ins (지금 접수)
}

// handleSiteInstitution is one place's page: status now, the week's hours with today
// marked, upcoming changed days, departments, where it is and how to call or book.
func (s *Server) handleSiteInstitution(w http.ResponseWriter, r *http.Request) error {
	in, err := s.findInstitution(r)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	p := &siteInstitutionPage{
		In: in, KindName: siteKindName(in.Kind),
		Badge:       siteBadgeFor(s.cfg.Directory.Status(in, now), in.Kind, now),
		Week:        weekRows(in.Hours, s.todayIndex(now)),
		HoursKnown:  in.Hours.Known(),
		Departments: departmentNames(in.Departments),
		Tel:         siteTel(in.Phone), ERTel: siteTel(in.ERPhone),
		KakaoMap: siteKakaoMapURL(in), NaverMap: siteNaverMapURL(in),
	}
	today := heydoctor.DateOf(now)
	for _, c := range s.cfg.Directory.Closures(in.ID) {
		if c.Date < today {
			continue
		}
		text := "휴진"
		if !c.Hours.IsZero() {
			text = hours.FormatSpan(c.Hours)
		}
		p.Closures = append(p.Closures, siteClosure{Date: siteDateLabel(c.Date), Text: text, Note: c.Note})
	}
	if p.Queue, err = s.takesCheckIns(r, in); err != nil {
		return err
	}
	if p.Doctors, err = s.siteDoctors(r, in); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "site_institution", in.Name, p)
}
