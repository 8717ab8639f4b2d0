package chat

import (
	"context"
	"fmt"
	"strings"

	"heydoctor"
	"heydoctor/internal/booking"
	"heydoctor/internal/paths"
)

// myReservations lists upcoming bookings made from KakaoTalk; the web asks for the code.
func (e *Engine) myReservations(ctx context.Context, in Input, st *state) (Reply, error) {
	st.Step = ""
	if in.Channel != heydoctor.ChannelKakao {
		r := Reply{Texts: []string{"예약번호와 전화번호로 예약을 확인하거나 취소할 수 있어요."}, Choices: []Choice{restartChoice}}
		if base := e.base(ctx); base != "" {
			r.Cards = []Card{{Title: "내 예약 확인", Buttons: []Button{{Label: "예약 확인", Kind: ButtonLink, Value: base + paths.Lookup()}}}}
		}
		return r, nil
	}
	list, err := e.booking.ListForKakao(ctx, in.UserKey)
	if err != nil {
		return e.bookingError(err), nil
	}
	link := Choice{Label: "다른 예약 불러오기", Value: choiceLink.value()}
	if len(list) == 0 {
		return Reply{Texts: []string{"이 카카오톡 계정으로 한 예약 중 다가오는 예약이 없어요. 홈페이지나 전화로 한 예약은 예약 번호와 전화번호로 불러올 수 있어요."},
			Choices: []Choice{link, restartChoice}}, nil
	}
	r := Reply{Texts: []string{"다가오는 예약이에요."}}
	for _, res := range list {
		title := res.Code
		if in, ok := e.dir.Get(res.InstitutionID); ok {
			title = in.Name
		}
		desc := kstTime(res.Start) + " · " + res.Status.Label()
		if res.Doctor != nil {
			desc += "\n" + res.Doctor.Name
		}
		desc += "\n예약번호 " + res.Code
		r.Cards = append(r.Cards, Card{Title: title, Description: desc, Buttons: []Button{{Label: "예약 취소", Kind: ButtonChoice, Value: choiceCancel.with(res.Code), Say: "예약 " + res.Code + " 취소할게요"}}})
	}
	r.Choices = []Choice{link, restartChoice}
	return r, nil
}

// cancelReservation cancels one of the KakaoTalk user's own reservations: the service
// checks the code is in the user's list.
func (e *Engine) cancelReservation(ctx context.Context, in Input, st *state, code string) (Reply, error) {
	if in.Channel != heydoctor.ChannelKakao {
		return e.myReservations(ctx, in, st)
	}
	res, err := e.booking.CancelForKakao(ctx, in.UserKey, code)
	if heydoctor.KindOf(err) == heydoctor.NotFound {
		return Reply{Texts: []string{"그 예약을 찾지 못했어요."}, Choices: []Choice{{Label: "내 예약", Value: choiceMine.value()}, restartChoice}}, nil
	}
	if err != nil {
		return e.bookingError(err), nil
	}
	return Reply{Texts: []string{fmt.Sprintf("예약(%s, %s)을 취소했어요.", code, kstTime(res.Start))}, Choices: []Choice{{Label: "내 예약", Value: choiceMine.value()}, restartChoice}}, nil
}

// startLink asks for the code of a reservation made on the website or by phone.
func (e *Engine) startLink(st *state) Reply {
	st.Step, st.LinkCode = stepLinkCode, ""
	return Reply{Texts: []string{"홈페이지나 전화로 한 예약을 불러올게요. 예약 번호를 적어 주세요. (예: ABCD2345)"}, Choices: []Choice{restartChoice}}
}

func (e *Engine) takeLinkCode(st *state, text string) Reply {
	code := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(text), " ", ""))
	if n := len(code); n < 4 || n > 16 || strings.IndexFunc(code, func(c rune) bool { return !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') }) >= 0 {
		return Reply{Texts: []string{"예약 번호를 다시 적어 주세요. 예약할 때 받은 영문과 숫자예요."}, Choices: []Choice{restartChoice}}
	}
	st.LinkCode, st.Step = code, stepLinkPhone
	return Reply{Texts: []string{"예약할 때 쓴 휴대전화 번호를 적어 주세요. (예: 010-1234-5678)"}, Choices: []Choice{restartChoice}}
}

// linkReservation adds a reservation made elsewhere to the user's list, on the proof of
// its code and phone. The phone is not kept.
func (e *Engine) linkReservation(ctx context.Context, in Input, st *state, text string) (Reply, error) {
	code := st.LinkCode
	st.LinkCode, st.Step = "", ""
	if in.Channel != heydoctor.ChannelKakao || code == "" {
		return e.myReservations(ctx, in, st)
	}
	if _, err := booking.NormalizePhone(text); err != nil {
		st.LinkCode, st.Step = code, stepLinkPhone
		return Reply{Texts: []string{"전화번호를 확인해 주세요. (예: 010-1234-5678)"}, Choices: []Choice{restartChoice}}, nil
	}
	if _, err := e.booking.LinkKakao(ctx, in.UserKey, code, text); err != nil {
		rep := e.bookingError(err)
		rep.Choices = append([]Choice{{Label: "다시 불러오기", Value: choiceLink.value()}}, rep.Choices...)
		return rep, nil
	}
	rep, err := e.myReservations(ctx, in, st)
	if err != nil {
		return Reply{}, err
	}
	rep.Texts = append([]string{"예약을 불러왔어요."}, rep.Texts...)
	return rep, nil
}
