package chat

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"heydoctor"
	"heydoctor/internal/directory"
	"heydoctor/internal/hours"
	"heydoctor/internal/nearby"
	"heydoctor/internal/paths"
)

// call119 comes first in every emergency-room answer.
var call119 = Card{Title: "119에 전화하기", Description: "구급대가 가장 빠르게 도와줄 수 있어요. 응급실로 가는 중에도 119가 안내해 줘요.",
	Buttons: []Button{{Label: "119 전화", Kind: ButtonPhone, Value: "119"}}}

// nearestER widens the search step by step up to 50 km so that it never ends empty
// where there is an ER at all.
func (e *Engine) nearestER(st *state) ([]directory.Result, float64) {
	return e.dir.Widen(directory.Query{Query: nearby.Query{Lat: st.Lat, Lng: st.Lng, EROnly: true, Limit: 5}}, directory.ERRadiiM...)
}

func erIntro(st *state, results []directory.Result, radius float64) string {
	place := st.Place
	if place == "" {
		place = "현재 위치"
	}
	if len(results) == 0 {
		return fmt.Sprintf("%s에서 %.0fkm 안에 응급실 정보가 없어요. 지금 바로 119에 전화해 가까운 응급실 안내를 받으세요.", place, radius/1000)
	}
	return fmt.Sprintf("%s에서 가까운 응급실이에요 (%.0fkm 안). 출발 전에 전화로 진료 가능한지 확인하세요.", place, radius/1000)
}

// near shows open places of the chosen department around the user, asking where first.
func (e *Engine) near(ctx context.Context, st *state) (Reply, error) {
	if !st.hasLocation() {
		st.Step = stepLocation
		return Reply{Texts: []string{"어디 근처에서 찾을까요? 동네나 역, 구 이름을 적어 주세요. (예: 정왕동, 강남구, 시흥시)"}, Choices: []Choice{restartChoice}}, nil
	}
	st.Step = ""
	if st.Department == "er" {
		results, radius := e.nearestER(st)
		r := Reply{Texts: []string{erIntro(st, results, radius)}, Cards: append([]Card{call119}, e.institutionCards(ctx, st, results)...)}
		r.Choices = append(r.Choices, Choice{Label: "다른 동네", Value: choicePlace.with("-1")}, restartChoice)
		return r, nil
	}
	q := directory.Query{Query: nearby.Query{Lat: st.Lat, Lng: st.Lng, RadiusM: 5000, Limit: 5}}
	label := "병원"
	if st.Department != "" {
		q.Departments = []string{st.Department}
		if d, ok := heydoctor.LookupDepartment(st.Department); ok {
			label = d.Name
		}
	}
	open := q
	open.OpenAt = e.now()
	results := e.dir.Search(open)
	intro := fmt.Sprintf("%s 근처에서 지금 진료 중인 %s", st.Place, josa(label, "이에요.", "예요."))
	if len(results) == 0 {
		results = e.dir.Search(q)
		intro = fmt.Sprintf("%s 근처에서 지금 진료 중으로 확인된 %s 없어요. 가까운 곳을 보여 드릴게요. 진료 여부는 전화로 확인해 주세요.", st.Place, josa(label, "은", "는"))
	}
	if len(results) == 0 {
		return Reply{Texts: []string{fmt.Sprintf("%s 근처 5km 안에서 %s 찾지 못했어요. 다른 동네 이름을 적어 주세요.", st.Place, josa(label, "을", "를"))},
			Choices: []Choice{{Label: "다른 동네", Value: choicePlace.with("-1")}, restartChoice}}, nil
	}
	r := Reply{Texts: []string{intro + "\n진료시간은 변동될 수 있으니 방문 전 전화로 확인하세요."}, Cards: e.institutionCards(ctx, st, results)}
	r.Choices = append(e.queueChoices(ctx, results), Choice{Label: "다른 동네", Value: choicePlace.with("-1")}, restartChoice)
	return r, nil
}

func (e *Engine) institutionCards(ctx context.Context, st *state, results []directory.Result) []Card {
	var cards []Card
	for _, res := range results {
		in := res.Institution
		title := in.Name
		if in.Demo {
			title += " (데모)"
		}
		desc := fmt.Sprintf("%s · %s\n%s", formatDistance(res.DistanceM), statusText(in, res.Status), in.Address)
		c := Card{Title: title, Description: desc}
		if in.Phone != "" {
			c.Buttons = append(c.Buttons, Button{Label: "전화", Kind: ButtonPhone, Value: in.Phone})
		}
		if in.Onboarded {
			c.Buttons = append(c.Buttons, Button{Label: "예약", Kind: ButtonChoice, Value: choiceBook.withID(in.ID), Say: in.Name + " 예약할게요"})
		}
		c.Buttons = append(c.Buttons, Button{Label: "지도", Kind: ButtonLink, Value: paths.KakaoMap(in.Name, in.Lat, in.Lng)})
		if base := e.base(ctx); len(c.Buttons) < 3 && base != "" {
			c.Buttons = append(c.Buttons, Button{Label: "자세히", Kind: ButtonLink, Value: base + paths.Hospital(in.ID)})
		}
		cards = append(cards, c)
	}
	return cards
}

func formatDistance(m float64) string {
	if m < 1000 {
		return fmt.Sprintf("%.0fm", m)
	}
	return fmt.Sprintf("%.1fkm", m/1000)
}

func statusText(in *heydoctor.Institution, s hours.Status) string {
	label := s.State.LabelFor(in.Kind)
	switch {
	case s.State == hours.Open && !s.ClosesAt.IsZero():
		return label + " · " + s.ClosesAt.In(heydoctor.KST).Format("15:04") + "까지"
	case s.State == hours.Closed && !s.OpensAt.IsZero():
		return label + " · " + kstTime(s.OpensAt) + " 시작"
	}
	return label
}

// findPlace turns a typed place name into a location, offering candidates when several match.
func (e *Engine) findPlace(ctx context.Context, st *state, text string) (Reply, error) {
	place, places, ok := e.dir.ResolvePlace(text, 5)
	if len(places) == 0 {
		return Reply{Texts: []string{fmt.Sprintf("'%s'(을)를 찾지 못했어요. 동이나 구 이름으로 다시 적어 주세요. (예: 정왕동, 강남구)", truncate(text, 20))}, Choices: []Choice{restartChoice}}, nil
	}
	if ok {
		st.Lat, st.Lng, st.Place = place.Lat, place.Lng, place.Name
		return e.near(ctx, st)
	}
	st.Questions = nil
	r := Reply{Texts: []string{fmt.Sprintf("'%s'(이)라는 곳이 여러 군데 있어요. 어느 곳인가요?", truncate(text, 20))}}
	for i, p := range places {
		st.Questions = append(st.Questions, fmt.Sprintf("%s|%f|%f", p.Name, p.Lat, p.Lng))
		r.Choices = append(r.Choices, Choice{Label: truncate(p.Name, 14), Value: choicePlace.with(strconv.Itoa(i))})
	}
	r.Choices = append(r.Choices, restartChoice)
	return r, nil
}

func (e *Engine) pickPlace(ctx context.Context, st *state, i int) (Reply, error) {
	if i < 0 || i >= len(st.Questions) {
		st.Lat, st.Lng, st.Place, st.Questions = 0, 0, "", nil
		return e.near(ctx, st)
	}
	parts := strings.Split(st.Questions[i], "|")
	if len(parts) == 3 {
		st.Place = parts[0]
		st.Lat, _ = strconv.ParseFloat(parts[1], 64)
		st.Lng, _ = strconv.ParseFloat(parts[2], 64)
	}
	st.Questions = nil
	return e.near(ctx, st)
}
