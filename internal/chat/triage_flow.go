package chat

import (
	"context"
	"strconv"
	"strings"

	"heydoctor"
	"heydoctor/internal/triage"
)

// answerQuestion adds the tapped answer to the last follow-up question to the
// description and analyzes it again.
func (e *Engine) answerQuestion(ctx context.Context, in Input, st *state, i int) (Reply, error) {
	st.Text = strings.TrimSpace(st.Text + " " + st.Questions[i])
	st.Questions = nil
	return e.analyze(ctx, in, st, st.Text)
}

// analyze runs triage on the description so far and answers by intent.
func (e *Engine) analyze(ctx context.Context, in Input, st *state, text string) (Reply, error) {
	res := e.triage.Analyze(text)
	st.Step, st.Questions = "", nil
	switch res.Intent {
	case triage.IntentGreeting:
		return e.welcome(), nil
	case triage.IntentHelp:
		return e.help(), nil
	case triage.IntentMyReservations:
		return e.myReservations(ctx, in, st)
	case triage.IntentBooking:
		if st.Department != "" && st.Department != "er" {
			return e.near(ctx, st)
		}
		return Reply{Texts: []string{"예약을 도와드릴게요. 어느 진료과로 예약할까요? 증상을 적어 주시면 맞는 진료과를 골라 드려요."}, Choices: departmentChoices()}, nil
	case triage.IntentEmergency:
		return e.emergency(ctx, st, res), nil
	case triage.IntentDiseaseInfo:
		r := Reply{Texts: []string{res.Answer + "\n\n" + res.Disclaimer}}
		if len(res.Departments) > 0 {
			st.Department = res.Departments[0].Code
			r.Choices = append(r.Choices, Choice{Label: "근처 " + res.Departments[0].Name, Value: choiceNear.value()})
		}
		r.Choices = append(r.Choices, restartChoice)
		return r, nil
	case triage.IntentUnknown:
		// A place name typed after the question has scrolled away (강남구) is still a place.
		if place, _, ok := e.dir.ResolveArea(text, 5); ok && st.Department != "" {
			st.Lat, st.Lng, st.Place = place.Lat, place.Lng, place.Name
			return e.near(ctx, st)
		}
		r := Reply{Texts: []string{res.Answer}}
		if res.Question != nil && st.Asked < maxQuestions {
			st.Step = stepQuestion
			st.Asked++
			for i, c := range res.Question.Choices {
				st.Questions = append(st.Questions, c.Append)
				r.Choices = append(r.Choices, Choice{Label: c.Label, Value: choiceQuestion.with(strconv.Itoa(i))})
			}
		}
		r.Choices = append(r.Choices, Choice{Label: "도움말", Value: choiceHelp.value()}, restartChoice)
		return r, nil
	}
	if res.Level.IsEmergency() {
		return e.emergency(ctx, st, res), nil
	}
	if res.Question != nil && (st.Asked < maxQuestions || len(res.Departments) == 0) {
		// One question instead of a guess when the text is not enough (where it hurts,
		// which of two close departments), never more than maxQuestions per description.
		if st.Asked >= maxQuestions {
			return Reply{Texts: []string{res.Answer}, Choices: departmentChoices()}, nil
		}
		st.Step = stepQuestion
		st.Asked++
		r := Reply{Texts: []string{res.Question.Text}}
		for i, c := range res.Question.Choices {
			st.Questions = append(st.Questions, c.Append)
			r.Choices = append(r.Choices, Choice{Label: c.Label, Value: choiceQuestion.with(strconv.Itoa(i))})
		}
		r.Choices = append(r.Choices, restartChoice)
		return r, nil
	}
	r := Reply{Texts: []string{res.Answer + "\n\n" + res.Disclaimer}}
	for i, d := range res.Departments {
		if i == 0 {
			st.Department = d.Code
			r.Choices = append(r.Choices, Choice{Label: "근처 " + d.Name + " 찾기", Value: choiceNear.value()})
			continue
		}
		if i < 3 {
			r.Choices = append(r.Choices, Choice{Label: d.Name, Value: choiceDept.with(d.Code)})
		}
	}
	r.Choices = append(r.Choices, restartChoice)
	return r, nil
}

func departmentChoices() []Choice {
	var cs []Choice
	for _, code := range []string{"D001", "D002", "D013", "D008", "D005", "D012", "D011", "D022"} {
		d, _ := heydoctor.LookupDepartment(code)
		cs = append(cs, Choice{Label: d.Name, Value: choiceDept.with(code)})
	}
	return append(cs, restartChoice)
}

// emergency answers an emergency level: what to do now, no department, ER cards when the
// location is known, crisis lines for suicidal intent.
func (e *Engine) emergency(ctx context.Context, st *state, res triage.Result) Reply {
	st.Department = "er"
	r := Reply{Texts: []string{res.Answer + "\n\n" + res.Disclaimer}}
	if res.Crisis {
		r.Cards = []Card{{Title: "지금 바로 이야기할 수 있는 곳", Description: "자살예방상담전화 109(예전 1393이 109로 통합됐어요), 정신건강위기상담 1577-0199, 청소년 1388. 24시간 연결돼요.",
			Buttons: []Button{{Label: "109 전화", Kind: ButtonPhone, Value: "109"}, {Label: "1577-0199 전화", Kind: ButtonPhone, Value: "15770199"}, {Label: "119 전화", Kind: ButtonPhone, Value: "119"}}}}
		r.Choices = []Choice{restartChoice}
		return r
	}
	r.Cards = []Card{call119}
	if st.hasLocation() {
		results, radius := e.nearestER(st)
		r.Texts = append(r.Texts, erIntro(st, results, radius))
		r.Cards = append(r.Cards, e.institutionCards(ctx, st, results)...)
	} else {
		// Typing a place name now (강남구) must find ERs, not fall into symptom analysis.
		st.Step = stepLocation
		r.Texts = append(r.Texts, "가까운 응급실을 찾으려면 위치를 보내 주시거나 동네나 구 이름을 적어 주세요. (예: 정왕동, 강남구)")
		r.Choices = append(r.Choices, Choice{Label: "근처 응급실 찾기", Value: choiceER.value()})
	}
	r.Choices = append(r.Choices, restartChoice)
	return r
}
