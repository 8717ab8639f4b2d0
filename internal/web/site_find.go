package web

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"heydoctor"
	"heydoctor/internal/directory"
	"heydoctor/internal/nearby"
	"heydoctor/internal/paths"
)

// Limits on the search form, so that a hostile query costs nothing.
const (
	siteMaxPlaceRunes = 50
	siteMaxQuery      = 2 << 10
	sitePlaces        = 10
)

// legacySlugs maps the original HeyDoctor's /categories/{slug}/sughospital URLs, still in
// old KakaoTalk messages and search results, to department codes.
var legacySlugs = map[string]string{
	"nae":   "D001", // 내과
	"so":    "D002", // 소아청소년과
	"ebi":   "D013", // 이비인후과
	"jeong": "D008", // 정형외과
	"pi":    "D005", // 피부과
	"an":    "D012", // 안과
	"san":   "D011", // 산부인과
}

// siteSearchForm is what the patient chose, echoed back into the forms.
type siteSearchForm struct {
	Lat, Lng   string
	Place      string // the name of the picked place, for "near 시흥시 정왕동"
	Q          string // the place name being looked up
	Department string
	Kind       string
	Open       bool
	ER         bool
	NearMe     bool // ask for the browser's location on load
}

// values is the form as query parameters, without the location. The filters are spelled
// as the JSON API spells them (open_at=now, er=true); parseSiteSearch also reads the
// site's older spelling (open=now or open=1, er=1 or er=on), which old links still carry.
func (f siteSearchForm) values(fixedDept bool) url.Values {
	v := url.Values{}
	if f.Department != "" && !fixedDept {
		v.Set("department", f.Department)
	}
	if f.Kind != "" {
		v.Set("kind", f.Kind)
	}
	if f.Open {
		v.Set("open_at", "now")
	}
	if f.ER {
		v.Set("er", "true")
	}
	return v
}

type sitePlaceLink struct {
	Name, Detail, Href string
}

type siteResult struct {
	ID                 int64
	Name, TypeName     string
	Address, Phone     string
	Tel                template.URL
	Distance           string
	Badge              siteBadge
	Departments        string
	Demo, ER, Bookable bool
	Queue              bool // takes same-day check-ins (지금 접수)
}

// siteMapData feeds static/map.js through a JSON block; the list stays the source of truth.
type siteMapData struct {
	Provider string        `json:"provider"` // kakao or leaflet
	Key      string        `json:"key,omitempty"`
	Lat      float64       `json:"lat"`
	Lng      float64       `json:"lng"`
	Items    []siteMapItem `json:"items"`
}

type siteMapItem struct {
	Name   string  `json:"name"`
	Lat    float64 `json:"lat"`
	Lng    float64 `json:"lng"`
	Status string  `json:"status"`
	Text   string  `json:"text"`
	URL    string  `json:"url"`
}

type siteSearchPage struct {
	Heading     string
	Action      string
	FixedDept   *heydoctor.Department
	Form        siteSearchForm
	Errors      siteFieldErrors
	Departments []heydoctor.Department
	Places      []sitePlaceLink
	PlaceAsked  bool
	HasLocation bool
	Results     []siteResult
	Map         *siteMapData
	Hidden      url.Values // filters carried by the place form
	DemoHref    string
	ER          bool // an emergency-room search: 119 is shown first
	RadiusKm    int  // how far the results reach
}

func (s *Server) handleSiteHospitals(w http.ResponseWriter, r *http.Request) error {
	return s.siteSearch(w, r, nil)
}

// handleSiteDepartment is a department's own page: the results filtered by it, at a
// stable URL the chatbot links to. Names and aliases redirect to the D-code URL.
func (s *Server) handleSiteDepartment(w http.ResponseWriter, r *http.Request) error {
	raw := r.PathValue("code")
	d, ok := heydoctor.LookupDepartment(raw)
	if !ok || len(raw) > 64 {
		return heydoctor.Errorf(heydoctor.NotFound, "그런 진료과는 없어요")
	}
	if raw != d.Code {
		return siteRedirect(w, r, "/departments/"+d.Code, http.StatusMovedPermanently)
	}
	return s.siteSearch(w, r, &d)
}

// handleSiteLegacy keeps the original service's department links working.
func (s *Server) handleSiteLegacy(w http.ResponseWriter, r *http.Request) error {
	code, ok := legacySlugs[r.PathValue("slug")]
	if !ok {
		return heydoctor.Errorf(heydoctor.NotFound, "페이지를 찾을 수 없어요")
	}
	return siteRedirect(w, r, "/departments/"+code, http.StatusMovedPermanently)
}

// siteRedirect redirects to path, keeping the query string.
func siteRedirect(w http.ResponseWriter, r *http.Request, path string, code int) error {
	if r.URL.RawQuery != "" && len(r.URL.RawQuery) <= siteMaxQuery {
		path += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, path, code)
	return nil
}

// parseSiteSearch reads the results page's query. It never fails: mistakes are collected
// per field so the page can show them next to the inputs, with what was typed kept.
func parseSiteSearch(q url.Values, fixed *heydoctor.Department) (siteSearchForm, siteFieldErrors) {
	f := siteSearchForm{
		Lat: strings.TrimSpace(q.Get("lat")), Lng: strings.TrimSpace(q.Get("lng")),
		Place: strings.TrimSpace(q.Get("place")), Q: strings.TrimSpace(q.Get("q")),
		Department: strings.TrimSpace(q.Get("department")), Kind: strings.TrimSpace(q.Get("kind")),
		Open: q.Get("open_at") == "now" || q.Get("open") == "now" || q.Get("open") == "1", NearMe: q.Get("near") == "me",
	}
	errs := siteFieldErrors{}
	switch strings.ToLower(q.Get("er")) {
	case "", "0", "false":
	case "1", "true", "on":
		f.ER = true
	default:
		errs["er"] = "응급실 조건이 올바르지 않아요"
	}
	if fixed != nil {
		f.Department = fixed.Code
	} else if f.Department != "" {
		if d, ok := heydoctor.LookupDepartment(f.Department); ok {
			f.Department = d.Code
		} else {
			errs["department"] = "알 수 없는 진료과예요. 목록에서 골라 주세요"
		}
	}
	if f.Kind != "" && !heydoctor.InstitutionKind(f.Kind).Valid() {
		errs["kind"] = "병원, 의원, 약국 중에서 골라 주세요"
	}
	for _, p := range []*string{&f.Q, &f.Place} {
		if !utf8.ValidString(*p) || utf8.RuneCountInString(*p) > siteMaxPlaceRunes {
			errs["q"] = fmt.Sprintf("장소 이름은 %d자까지 쓸 수 있어요", siteMaxPlaceRunes)
			*p = ""
		}
	}
	if f.Lat != "" || f.Lng != "" {
		lat, err1 := strconv.ParseFloat(f.Lat, 64)
		lng, err2 := strconv.ParseFloat(f.Lng, 64)
		if err1 != nil || err2 != nil || !heydoctor.InKorea(lat, lng) {
			errs["location"] = "위치를 알 수 없어요. 장소 이름으로 찾거나 내 위치를 다시 써 주세요"
			if len(f.Lat) > 32 {
				f.Lat = f.Lat[:32]
			}
			if len(f.Lng) > 32 {
				f.Lng = f.Lng[:32]
			}
		}
	}
	return f, errs
}

func (s *Server) siteSearch(w http.ResponseWriter, r *http.Request, fixed *heydoctor.Department) error {
	if len(r.URL.RawQuery) > siteMaxQuery {
		return heydoctor.Errorf(heydoctor.Invalid, "검색 조건이 너무 길어요")
	}
	form, errs := parseSiteSearch(r.URL.Query(), fixed)
	p := &siteSearchPage{Heading: "가까운 병원 찾기", Action: "/hospitals", FixedDept: fixed, Form: form, Errors: errs,
		Departments: heydoctor.Departments()}
	title := "병원 찾기"
	if fixed != nil {
		p.Heading = fixed.Name + " 찾기"
		p.Action = "/departments/" + fixed.Code
		title = fixed.Name
	}
	p.Hidden = form.values(fixed != nil)
	demo := form.values(fixed != nil)
	demo.Set("lat", "37.3400")
	demo.Set("lng", "126.7335")
	demo.Set("place", "한국공학대학교")
	p.DemoHref = p.Action + "?" + demo.Encode()

	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusBadRequest
		return s.render(w, r, status, "site_results", title, p)
	}
	if form.Lat == "" && form.Lng == "" {
		if form.Q != "" {
			// A name that says exactly one place (정왕동, 안산시 단원구) goes straight to its results.
			if pl, _, ok := s.cfg.Directory.ResolvePlace(form.Q, sitePlaces); ok && pl.Exact {
				v := form.values(fixed != nil)
				v.Set("lat", strconv.FormatFloat(pl.Lat, 'f', 5, 64))
				v.Set("lng", strconv.FormatFloat(pl.Lng, 'f', 5, 64))
				v.Set("place", pl.Name)
				http.Redirect(w, r, p.Action+"?"+v.Encode(), http.StatusSeeOther)
				return nil
			}
			p.PlaceAsked = true
			for _, pl := range s.cfg.Directory.Places(form.Q, sitePlaces) {
				v := form.values(fixed != nil)
				v.Set("lat", strconv.FormatFloat(pl.Lat, 'f', 5, 64))
				v.Set("lng", strconv.FormatFloat(pl.Lng, 'f', 5, 64))
				v.Set("place", pl.Name)
				detail := "병원·약국"
				if pl.Kind == "area" {
					detail = fmt.Sprintf("지역 · 의료기관 %d곳", pl.Count)
				}
				p.Places = append(p.Places, sitePlaceLink{Name: pl.Name, Detail: detail, Href: p.Action + "?" + v.Encode()})
			}
		}
		return s.render(w, r, status, "site_results", title, p)
	}

	// The page's filters are spelled as the API's, so the API's parser reads them.
	values := form.values(false)
	values.Set("lat", form.Lat)
	values.Set("lng", form.Lng)
	dq, err := s.searchParams(values)
	if err != nil {
		if !errs.add(err) {
			return err
		}
		return s.render(w, r, http.StatusBadRequest, "site_results", title, p)
	}
	p.HasLocation = true
	now := s.cfg.Now()
	dq.At = now
	var results []directory.Result
	radius := dq.RadiusM
	if radius <= 0 {
		radius = nearby.DefaultRadiusM
	}
	if dq.EROnly {
		// An ER search never ends empty where there is an ER within 50 km, and 119 comes first.
		p.ER = true
		results, radius = s.cfg.Directory.Widen(dq, directory.ERRadiiM...)
	} else {
		results = s.cfg.Directory.Search(dq)
	}
	p.RadiusKm = int(math.Round(radius / 1000))
	p.Map = &siteMapData{Provider: "leaflet", Lat: dq.Lat, Lng: dq.Lng, Items: []siteMapItem{}}
	if s.cfg.KakaoJSKey != "" {
		p.Map.Provider, p.Map.Key = "kakao", s.cfg.KakaoJSKey
	}
	for _, res := range results {
		item := siteResultFor(res, now)
		if item.Queue, err = s.takesCheckIns(r, res.Institution); err != nil {
			return err
		}
		p.Results = append(p.Results, item)
		if res.Institution.HasLocation() {
			p.Map.Items = append(p.Map.Items, siteMapItem{Name: res.Institution.Name, Lat: res.Institution.Lat, Lng: res.Institution.Lng,
				Status: item.Badge.Class, Text: item.Badge.Text, URL: paths.Hospital(res.Institution.ID)})
		}
	}
	return s.render(w, r, status, "site_results", title, p)
}

func siteResultFor(res directory.Result, now time.Time) siteResult {
	in := res.Institution
	deps := departmentNames(in.Departments)
	if len(deps) > 6 {
		deps = append(deps[:6:6], fmt.Sprintf("외 %d개", len(in.Departments)-6))
	}
	return siteResult{ID: in.ID, Name: in.Name, TypeName: in.TypeName, Address: in.Address, Phone: in.Phone, Tel: siteTel(in.Phone),
		Distance: siteDistance(res.DistanceM), Badge: siteBadgeFor(res.Status, in.Kind, now), Departments: strings.Join(deps, ", "),
		Demo: in.Demo, ER: in.ER, Bookable: in.Onboarded}
}
