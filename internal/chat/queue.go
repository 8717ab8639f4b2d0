package chat

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"heydoctor"
	"heydoctor/internal/booking"
	"heydoctor/internal/directory"
	"heydoctor/internal/paths"
	"heydoctor/internal/queue"
)

// Queue is the part of the same-day check-in service the chat uses.
type Queue interface {
	Available(ctx context.Context, in *heydoctor.Institution) (queue.Availability, error)
	CheckIn(ctx context.Context, req queue.CheckInRequest) (*queue.View, error)
	ListForKakao(ctx context.Context, kakaoKey string) ([]*queue.View, error)
	Cancel(ctx context.Context, code, phone string) (*queue.View, error)
}

// Steps of the check-in flow.
const (
	stepQueueName    = "q_name"
	stepQueuePhone   = "q_phone"
	stepQueueConfirm = "q_confirm"
)

// maxQueueChoices is how many "지금 접수" quick replies follow the open-clinics cards.
const maxQueueChoices = 2

func (e *Engine) takeQueueName(st *state, text string) Reply {
	name := strings.TrimSpace(text)
	if n := utf8.RuneCountInString(name); n < 1 || n > 30 || strings.ContainsAny(name, "0123456789") {
		return Reply{Texts: []string{"진료받을 분의 이름을 다시 적어 주세요. (숫자 없이 30자 이내)"}, Choices: []Choice{restartChoice}}
	}
	st.Name, st.Step = name, stepQueuePhone
	return Reply{Texts: []string{"연락받을 휴대전화 번호를 적어 주세요. (예: 010-1234-5678)\n내 순서를 확인할 때 써요. 주민등록번호는 받지 않아요."}, Choices: []Choice{restartChoice}}
}

func (e *Engine) takeQueuePhone(st *state, text string) Reply {
	phone, err := booking.NormalizePhone(text)
	if err != nil {
		return Reply{Texts: []string{"전화번호를 확인해 주세요. (예: 010-1234-5678)"}, Choices: []Choice{restartChoice}}
	}
	st.Phone, st.Step = phone, stepQueueConfirm
	name := ""
	if inst, ok := e.dir.Get(st.Inst); ok {
		name = inst.Name
	}
	return Reply{Texts: []string{fmt.Sprintf("오늘 진료 순서를 받을까요?\n• %s\n• %s님, %s", name, st.Name, booking.FormatPhone(phone))},
		Choices: []Choice{{Label: "접수하기", Value: choiceQueueConfirm.value()}, restartChoice}}
}

// queueChoices offers check-in ("지금 접수") for the listed places that take check-ins now.
func (e *Engine) queueChoices(ctx context.Context, results []directory.Result) []Choice {
	if e.Queue == nil {
		return nil
	}
	var out []Choice
	for _, res := range results {
		in := res.Institution
		words := strings.Fields(in.Name)
		if !in.Onboarded || len(words) == 0 {
			continue
		}
		a, err := e.Queue.Available(ctx, in)
		if err != nil {
			e.log.WarnContext(ctx, "queue availability", "institution", in.ID, "err", err)
			continue
		}
		if !a.Open {
			continue
		}
		// Quick replies hold 14 characters: the name's last word ("스마트허브병원") says enough.
		out = append(out, Choice{Label: "접수 " + truncate(words[len(words)-1], 11), Value: choiceQueue.withID(in.ID)})
		if len(out) == maxQueueChoices {
			break
		}
	}
	return out
}

func (e *Engine) queueStart(ctx context.Context, st *state, id int64) (Reply, error) {
	in, ok := e.dir.Get(id)
	if !ok || !in.Onboarded {
		return Reply{Texts: []string{"이 병원은 모바일 접수를 받지 않아요."}, Choices: []Choice{restartChoice}}, nil
	}
	a, err := e.Queue.Available(ctx, in)
	if err != nil {
		return e.bookingError(err), nil
	}
	if !a.Open {
		return Reply{Texts: []string{a.Reason}, Choices: []Choice{restartChoice}}, nil
	}
	st.Inst, st.Step = id, stepQueueName
	demo := ""
	if in.Demo {
		demo = " (데모 접수예요. 실제 병원 대기열에는 들어가지 않아요.)"
	}
	return Reply{Texts: []string{fmt.Sprintf("%s 오늘 진료 순서를 받아 드릴게요. 지금 %d명이 기다리고 있어요.%s\n진료받을 분의 이름을 적어 주세요. 아이라면 아이 이름을 적어 주세요.", in.Name, a.Waiting, demo)},
		Choices: []Choice{restartChoice}}, nil
}

func (e *Engine) confirmCheckIn(ctx context.Context, in Input, st *state) (Reply, error) {
	req := queue.CheckInRequest{InstitutionID: st.Inst, Name: st.Name, Phone: st.Phone, Channel: in.Channel}
	if in.Channel == heydoctor.ChannelKakao {
		req.KakaoKey = in.UserKey
	}
	v, err := e.Queue.CheckIn(ctx, req)
	st.Name, st.Phone, st.Step = "", "", "" // never keep personal details longer than the check-in needs
	if err != nil {
		if heydoctor.KindOf(err) == heydoctor.TooMany {
			return Reply{Texts: []string{heydoctor.MessageOf(err)}, Choices: []Choice{restartChoice}}, nil
		}
		return e.bookingError(err), nil
	}
	st.Ticket = v.Ticket.Code
	return Reply{Texts: []string{"접수했어요.\n" + ticketText(v)}, Cards: e.ticketCards(ctx, in, v),
		Choices: []Choice{{Label: "내 순서", Value: choiceMyQueue.value()}, restartChoice}}, nil
}

// ticketText is a ticket in a few lines, with "곧 차례예요" when few are ahead.
func ticketText(v *queue.View) string {
	t := v.Ticket
	var b strings.Builder
	name := ""
	if v.Institution != nil {
		name = v.Institution.Name
		if v.Institution.Demo {
			name += " (데모)"
		}
	}
	fmt.Fprintf(&b, "%s 접수 번호 %d번 · %s", name, t.Number, t.Status.Label())
	if t.Status == heydoctor.TicketWaiting {
		fmt.Fprintf(&b, "\n내 앞에 %d명 · 예상 대기 %s", v.Ahead, v.Estimate.Label())
	}
	if v.Soon {
		b.WriteString("\n곧 차례예요!")
	}
	if v.Message != "" {
		b.WriteString("\n" + v.Message)
	}
	return b.String()
}

// ticketCards link to the status page; on KakaoTalk they also cancel.
func (e *Engine) ticketCards(ctx context.Context, in Input, v *queue.View) []Card {
	c := Card{Title: fmt.Sprintf("접수 번호 %d번", v.Ticket.Number), Description: "접수할 때 쓴 전화번호로 내 순서를 볼 수 있어요."}
	if base := e.base(ctx); base != "" {
		c.Buttons = append(c.Buttons, Button{Label: "내 순서 보기", Kind: ButtonLink, Value: base + paths.Ticket(v.Ticket.Code)})
	}
	if in.Channel == heydoctor.ChannelKakao && (v.Ticket.Status == heydoctor.TicketWaiting || v.Ticket.Status == heydoctor.TicketCalled) {
		c.Buttons = append(c.Buttons, Button{Label: "접수 취소", Kind: ButtonChoice, Value: choiceQueueCancel.with(v.Ticket.Code)})
	}
	return []Card{c}
}

// myQueue shows today's tickets: on KakaoTalk all of the user's, on the web the one made
// in this conversation (the page asks for the phone).
func (e *Engine) myQueue(ctx context.Context, in Input, st *state) (Reply, error) {
	st.Step = ""
	if in.Channel != heydoctor.ChannelKakao {
		base := e.base(ctx)
		if st.Ticket == "" || base == "" {
			return Reply{Texts: []string{"이 대화에서 접수한 순서가 없어요. 접수할 때 받은 링크에서 내 순서를 볼 수 있어요."}, Choices: []Choice{restartChoice}}, nil
		}
		return Reply{Texts: []string{"접수할 때 쓴 전화번호로 내 순서를 확인하거나 취소할 수 있어요."},
			Cards:   []Card{{Title: "내 순서", Buttons: []Button{{Label: "내 순서 보기", Kind: ButtonLink, Value: base + paths.Ticket(st.Ticket)}}}},
			Choices: []Choice{restartChoice}}, nil
	}
	list, err := e.Queue.ListForKakao(ctx, in.UserKey)
	if err != nil {
		return e.bookingError(err), nil
	}
	if len(list) == 0 {
		return Reply{Texts: []string{"오늘 카카오톡으로 접수한 순서가 없어요."}, Choices: []Choice{restartChoice}}, nil
	}
	r := Reply{Texts: []string{"오늘 접수한 순서예요."}}
	for _, v := range list {
		cards := e.ticketCards(ctx, in, v)
		cards[0].Description = ticketText(v)
		r.Cards = append(r.Cards, cards...)
	}
	r.Choices = []Choice{{Label: "새로 고침", Value: choiceMyQueue.value()}, restartChoice}
	return r, nil
}

func (e *Engine) cancelTicket(ctx context.Context, in Input, st *state, code string) (Reply, error) {
	if in.Channel != heydoctor.ChannelKakao {
		return e.myQueue(ctx, in, st)
	}
	list, err := e.Queue.ListForKakao(ctx, in.UserKey)
	if err != nil {
		return e.bookingError(err), nil
	}
	for _, v := range list {
		if v.Ticket.Code == code {
			if _, err := e.Queue.Cancel(ctx, code, v.Ticket.Phone); err != nil {
				return e.bookingError(err), nil
			}
			return Reply{Texts: []string{fmt.Sprintf("접수 번호 %d번을 취소했어요.", v.Ticket.Number)}, Choices: []Choice{{Label: "내 순서", Value: choiceMyQueue.value()}, restartChoice}}, nil
		}
	}
	return Reply{Texts: []string{"그 접수를 찾지 못했어요."}, Choices: []Choice{{Label: "내 순서", Value: choiceMyQueue.value()}, restartChoice}}, nil
}
