package web

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"heydoctor"
	"heydoctor/internal/directory"
	"heydoctor/internal/hours"
	"heydoctor/internal/nearby"
)

func (s *Server) handleDepartments(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	return encode(w, http.StatusOK, map[string][]heydoctor.Department{"items": heydoctor.Departments()})
}

// institutionJSON is one place in API results.
type institutionJSON struct {
	ID          int64    `json:"id"`
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	TypeName    string   `json:"type_name,omitempty"`
	Address     string   `json:"address"`
	Phone       string   `json:"phone"`
	Lat         float64  `json:"lat"`
	Lng         float64  `json:"lng"`
	DistanceM   *int     `json:"distance_m,omitempty"`
	Departments []string `json:"departments"`
	ER          bool     `json:"er"`
	OpenStatus  string   `json:"open_status"`
	ClosesAt    *string  `json:"closes_at"`
	OpensAt     *string  `json:"opens_at"`
	Onboarded   bool     `json:"onboarded"`
	Demo        bool     `json:"demo"`
}

func statusJSON(st hours.Status) (status string, closes, opens *string) {
	status = "unknown"
	switch st.State {
	case hours.Open:
		status = "open"
		if !st.ClosesAt.IsZero() {
			v := st.ClosesAt.In(heydoctor.KST).Format(time.RFC3339)
			closes = &v
		}
	case hours.Closed:
		status = "closed"
		if !st.OpensAt.IsZero() {
			v := st.OpensAt.In(heydoctor.KST).Format(time.RFC3339)
			opens = &v
		}
	}
	return status, closes, opens
}

func departmentNames(codes []string) []string {
	names := make([]string, 0, len(codes))
	for _, c := range codes {
		if d, ok := heydoctor.LookupDepartment(c); ok {
			names = append(names, d.Name)
		}
	}
	return names
}

func toInstitutionJSON(in *heydoctor.Institution, distance float64, withDistance bool, st hours.Status) institutionJSON {
	j := institutionJSON{ID: in.ID, Name: in.Name, Kind: string(in.Kind), TypeName: in.TypeName, Address: in.Address, Phone: in.Phone,
		Lat: in.Lat, Lng: in.Lng, Departments: departmentNames(in.Departments), ER: in.ER, Onboarded: in.Onboarded, Demo: in.Demo}
	if withDistance {
		d := int(math.Round(distance))
		j.DistanceM = &d
	}
	j.OpenStatus, j.ClosesAt, j.OpensAt = statusJSON(st)
	return j
}

// searchParams parses and checks the query of a nearby search. Every mistake names its parameter.
func (s *Server) searchParams(q url.Values) (directory.Query, error) {
	var dq directory.Query
	lat, err := floatParam(q, "lat", true)
	if err != nil {
		return dq, err
	}
	lng, err := floatParam(q, "lng", true)
	if err != nil {
		return dq, err
	}
	if !heydoctor.InKorea(lat, lng) {
		return dq, heydoctor.FieldError("lat", "한국 안의 위치가 아니에요 (위도 33~39, 경도 124~132)")
	}
	dq.Lat, dq.Lng = lat, lng
	if v := q.Get("radius_m"); v != "" {
		radius, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(radius) || radius <= 0 {
			return dq, heydoctor.FieldError("radius_m", "0보다 큰 미터 값이어야 해요")
		}
		dq.RadiusM = min(radius, nearby.MaxRadiusM)
	}
	for _, v := range splitParam(q, "department") {
		d, ok := heydoctor.LookupDepartment(v)
		if !ok {
			return dq, heydoctor.FieldError("department", "알 수 없는 진료과예요: %q", v)
		}
		dq.Departments = append(dq.Departments, d.Code)
	}
	for _, v := range splitParam(q, "kind") {
		k := heydoctor.InstitutionKind(v)
		if !k.Valid() {
			return dq, heydoctor.FieldError("kind", "hospital, clinic, pharmacy 중 하나여야 해요: %q", v)
		}
		dq.Kinds = append(dq.Kinds, k)
	}
	switch v := strings.ToLower(q.Get("er")); v {
	case "", "0", "false", "no":
	case "1", "true", "yes":
		dq.EROnly = true
	default:
		return dq, heydoctor.FieldError("er", "true 또는 false여야 해요")
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return dq, heydoctor.FieldError("limit", "1 이상의 정수여야 해요")
		}
		dq.Limit = min(n, nearby.MaxLimit)
	}
	switch v := q.Get("open_at"); v {
	case "":
	case "now":
		dq.OpenAt = s.cfg.Now()
	default:
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return dq, heydoctor.FieldError("open_at", "now 또는 RFC3339 시각(예: 2026-12-25T10:00:00+09:00)이어야 해요")
		}
		dq.OpenAt = t
	}
	return dq, nil
}

func floatParam(q url.Values, name string, required bool) (float64, error) {
	v := q.Get(name)
	if v == "" {
		if required {
			return 0, heydoctor.FieldError(name, "값이 필요해요")
		}
		return 0, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, heydoctor.FieldError(name, "숫자여야 해요: %q", v)
	}
	return f, nil
}

func splitParam(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		for p := range strings.SplitSeq(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func (s *Server) handleInstitutions(w http.ResponseWriter, r *http.Request) error {
	q, err := s.searchParams(r.URL.Query())
	if err != nil {
		return err
	}
	results := s.cfg.Directory.Search(q)
	items := make([]institutionJSON, len(results))
	for i, res := range results {
		items[i] = toInstitutionJSON(res.Institution, res.DistanceM, true, res.Status)
	}
	return encode(w, http.StatusOK, map[string]any{"items": items})
}

// dayHoursJSON is one row of an institution's week.
type dayHoursJSON struct {
	Day   string `json:"day"`
	Open  string `json:"open,omitempty"`
	Close string `json:"close,omitempty"`
	Text  string `json:"text"`
	Today bool   `json:"today,omitempty"`
}

// weekRows returns Monday..Sunday and the holiday row with today marked (the holiday row
// when today is a public holiday).
func weekRows(h heydoctor.OpeningHours, today int) []dayHoursJSON {
	rows := make([]dayHoursJSON, 8)
	for i, span := range h.Day {
		text := hours.FormatSpan(span)
		switch {
		case text == "" && (!h.Known() || span.Unknown):
			text = "정보 없음"
		case text == "":
			text = "휴진"
		case i < len(h.Lunch) && hours.FormatSpan(h.Lunch[i]) != "":
			text += " (점심 " + hours.FormatSpan(h.Lunch[i]) + ")"
		}
		rows[i] = dayHoursJSON{Day: hours.DayName(i), Open: span.Open, Close: span.Close, Text: text, Today: i == today}
	}
	return rows
}

// todayIndex is the OpeningHours index for now: the holiday row on public holidays.
func (s *Server) todayIndex(now time.Time) int {
	d := heydoctor.DateOf(now)
	if _, ok := s.cfg.Directory.Calendar().IsHoliday(d); ok {
		return heydoctor.Holiday
	}
	return heydoctor.DayIndex(d.Weekday())
}

func (s *Server) findInstitution(r *http.Request) (*heydoctor.Institution, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, heydoctor.Errorf(heydoctor.NotFound, "의료기관을 찾을 수 없어요")
	}
	svc, err := s.siteBooking()
	if err != nil {
		return nil, err
	}
	// The directory keeps only what lists show; a detail page reads the full record.
	return svc.Institution(r.Context(), id)
}

func (s *Server) handleInstitution(w http.ResponseWriter, r *http.Request) error {
	in, err := s.findInstitution(r)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	body := struct {
		institutionJSON
		Hours    []dayHoursJSON      `json:"hours"`
		Closures []heydoctor.Closure `json:"closures,omitempty"`
		Doctors  []doctorJSON        `json:"doctors,omitempty"`
		Notice   string              `json:"notice"`
	}{
		institutionJSON: toInstitutionJSON(in, 0, false, s.cfg.Directory.Status(in, now)),
		Hours:           weekRows(in.Hours, s.todayIndex(now)),
		Closures:        s.cfg.Directory.Closures(in.ID),
		Notice:          "진료시간은 변동될 수 있으니 방문 전 전화로 확인하세요.",
	}
	doctors, err := s.cfg.Booking.PublicDoctors(r.Context(), in)
	if err != nil {
		return err
	}
	for _, d := range doctors {
		body.Doctors = append(body.Doctors, toDoctorJSON(d))
	}
	return encode(w, http.StatusOK, body)
}

type doctorJSON struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Department string `json:"department"`
	IsRoom     bool   `json:"is_room"`
	Demo       bool   `json:"demo"`
}

func toDoctorJSON(d *heydoctor.Doctor) doctorJSON {
	j := doctorJSON{ID: d.ID, Name: d.Name, IsRoom: d.IsRoom, Demo: d.Demo}
	if dep, ok := heydoctor.LookupDepartment(d.Department); ok {
		j.Department = dep.Name
	}
	return j
}

func (s *Server) handlePlaces(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		return heydoctor.FieldError("q", "장소 이름을 입력해 주세요")
	}
	if len([]rune(q)) > 50 {
		return heydoctor.FieldError("q", "50자 이하로 입력해 주세요")
	}
	places := s.cfg.Directory.Places(q, 10)
	if places == nil {
		places = []directory.Place{}
	}
	return encode(w, http.StatusOK, map[string]any{"items": places})
}
