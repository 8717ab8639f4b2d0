package chat

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"heydoctor"
	"heydoctor/internal/booking"
	"heydoctor/internal/hours"
	"heydoctor/internal/paths"
)

// bookInstitution starts a booking at an onboarded institution: pick a doctor or room.
func (e *Engine) bookInstitution(ctx context.Context, st *state, id int64) (Reply, error) {
	in, ok := e.dir.Get(id)
	if !ok || !in.Onboarded {
		return Reply{Texts: []string{"이 병원은 아직 HeyDoctor 예약을 받지 않아요. 전화로 문의해 주세요."}, Choices: []Choice{restartChoice}}, nil
	}
	doctors, err := e.store.ListDoctors(ctx, id)
	if err != nil {
		return Reply{}, err
	}
	st.Inst = id
	r := Reply{Texts: []string{in.Name + " 예약이에요. 진료실을 골라 주세요."}}
	for _, d := range doctors {
		if !d.Active {
			continue
		}
		if st.Department != "" && d.Department != st.Department && len(doctors) > 1 && hasDept(doctors, st.Department) {
			continue
		}
		r.Choices = append(r.Choices, Choice{Label: truncate(d.Name, 14), Value: choiceDoctor.withID(d.ID)})
		if len(r.Choices) == 9 {
			break
		}
	}
	if len(r.Choices) == 0 {
		r.Texts = []string{"지금 예약을 받는 진료실이 없어요. 전화로 문의해 주세요."}
	}
	r.Choices = append(r.Choices, restartChoice)
	return r, nil
}

func hasDept(ds []*heydoctor.Doctor, code string) bool {
	for _, d := range ds {
		if d.Active && d.Department == code {
			return true
		}
	}
	return false
}

// bookDoctor offers the days with free slots in the next two weeks; a day is picked by a
// tap or by typing it ("내일", "12월 3일").
func (e *Engine) bookDoctor(ctx context.Context, st *state, doctorID int64, hint string) (Reply, error) {
	st.Doctor, st.Day = doctorID, ""
	today := heydoctor.DateOf(e.now())
	slots, err := e.booking.DoctorSlots(ctx, doctorID, today, today.AddDays(13))
	if err != nil {
		return e.bookingError(err), nil
	}
	text := "언제가 좋으세요? 예약 가능한 날이에요. \"내일\", \"12월 3일\"처럼 적어도 돼요."
	if hint != "" {
		text = hint + "\n" + text
	}
	r := Reply{Texts: []string{text}}
	seen := map[heydoctor.Date]bool{}
	for _, s := range slots {
		d := heydoctor.DateOf(s.Start)
		if seen[d] {
			continue
		}
		seen[d] = true
		t := d.Time()
		r.Choices = append(r.Choices, Choice{Label: fmt.Sprintf("%d/%d(%s)", t.Month(), t.Day(), hours.DayName(heydoctor.DayIndex(t.Weekday()))), Value: choiceDay.with(string(d))})
		if len(r.Choices) == 9 {
			break
		}
	}
	if len(r.Choices) == 0 {
		r.Texts = []string{"앞으로 2주 동안 예약 가능한 시간이 없어요. 병원에 전화로 문의해 주세요."}
	} else {
		st.Step = stepDay
	}
	r.Choices = append(r.Choices, restartChoice)
	return r, nil
}

// slotPage is how many slots one reply offers: with "더 늦은 시간", "다른 날" and
// "처음으로" it fills Kakao's ten quick replies.
const slotPage = 7

// bookDay offers the free slots of day from the time from ("HHMM", empty for the start
// of the day), a page at a time, and takes a typed time ("오후 3시") for any slot of the
// day, so the afternoon is as reachable as the morning.
func (e *Engine) bookDay(ctx context.Context, st *state, day, from, hint string) (Reply, error) {
	d, err := heydoctor.ParseDate(day)
	if err != nil || st.Doctor == 0 {
		return e.bookDoctor(ctx, st, st.Doctor, "")
	}
	fromMin := 0
	if from != "" {
		if m, ok := parseClock(from); ok {
			fromMin = m
		}
	}
	slots, err := e.booking.DoctorSlots(ctx, st.Doctor, d, d)
	if err != nil {
		return e.bookingError(err), nil
	}
	st.Day, st.Step = string(d), stepSlot
	label := kstTime(d.Time())
	label = label[:strings.Index(label, ")")+1]
	text := fmt.Sprintf("%s 예약 가능한 시간이에요. \"오후 3시\"처럼 원하는 시간을 적어도 돼요.", label)
	if hint != "" {
		text = hint + "\n" + text
	}
	r := Reply{Texts: []string{text}}
	shown := 0
	for _, s := range slots {
		t := s.Start.In(heydoctor.KST)
		if t.Hour()*60+t.Minute() < fromMin {
			continue
		}
		if shown == slotPage {
			r.Choices = append(r.Choices, Choice{Label: "더 늦은 시간", Value: choiceDay.with(string(d) + "@" + t.Format("1504"))})
			break
		}
		r.Choices = append(r.Choices, Choice{Label: t.Format("15:04"), Value: choiceSlot.withID(s.Start.Unix())})
		shown++
	}
	if shown == 0 {
		r.Texts = []string{"그날은 남은 시간이 없어요. 다른 날을 골라 주세요."}
		if hint != "" {
			r.Texts = []string{hint + "\n그 뒤로는 남은 시간이 없어요. 다른 날을 골라 주세요."}
		}
	}
	r.Choices = append(r.Choices, Choice{Label: "다른 날", Value: choiceDoctor.withID(st.Doctor)}, restartChoice)
	return r, nil
}

// typedWhen reads what someone types while days or slots are offered: a time of the
// offered day, or another day. Anything else asks again instead of starting over.
func (e *Engine) typedWhen(ctx context.Context, st *state, text string) (Reply, error) {
	today := heydoctor.DateOf(e.now())
	if st.Step == stepSlot && st.Day != "" {
		if m, ok := parseClock(text); ok {
			d, _ := heydoctor.ParseDate(st.Day)
			slots, err := e.booking.DoctorSlots(ctx, st.Doctor, d, d)
			if err != nil {
				return e.bookingError(err), nil
			}
			for _, s := range slots {
				t := s.Start.In(heydoctor.KST)
				if t.Hour()*60+t.Minute() == m {
					return e.pickSlot(st, s.Start.Unix()), nil
				}
			}
			hhmm := fmt.Sprintf("%02d%02d", m/60, m%60)
			return e.bookDay(ctx, st, st.Day, hhmm, fmt.Sprintf("%02d:%02d에는 예약할 수 없어요. 그 뒤로 가능한 시간이에요.", m/60, m%60))
		}
	}
	if d, ok := parseDay(text, today); ok {
		if d > today.AddDays(13) {
			return e.bookDoctor(ctx, st, st.Doctor, "2주 안의 날만 예약할 수 있어요.")
		}
		return e.bookDay(ctx, st, string(d), "", "")
	}
	if st.Step == stepSlot && st.Day != "" {
		return e.bookDay(ctx, st, st.Day, "", "시간을 알아듣지 못했어요.")
	}
	return e.bookDoctor(ctx, st, st.Doctor, "날짜를 알아듣지 못했어요.")
}

// pickSlot takes a chosen slot and asks for the patient's name.
func (e *Engine) pickSlot(st *state, at int64) Reply {
	st.Start, st.Step, st.Day = at, stepName, ""
	return Reply{Texts: []string{fmt.Sprintf("%s로 예약할게요. 예약하실 분의 이름을 적어 주세요.", kstTime(time.Unix(at, 0)))}, Choices: []Choice{restartChoice}}
}

func (e *Engine) takeName(st *state, text string) Reply {
	name := strings.TrimSpace(text)
	if n := utf8.RuneCountInString(name); n < 1 || n > 30 || strings.ContainsAny(name, "0123456789") {
		return Reply{Texts: []string{"이름을 다시 적어 주세요. (숫자 없이 30자 이내)"}, Choices: []Choice{restartChoice}}
	}
	st.Name, st.Step = name, stepPhone
	return Reply{Texts: []string{"연락받을 휴대전화 번호를 적어 주세요. (예: 010-1234-5678)\n주민등록번호는 받지 않아요."}, Choices: []Choice{restartChoice}}
}

func (e *Engine) takePhone(st *state, text string) Reply {
	phone, err := booking.NormalizePhone(text)
	if err != nil {
		return Reply{Texts: []string{"전화번호를 확인해 주세요. (예: 010-1234-5678)"}, Choices: []Choice{restartChoice}}
	}
	st.Phone, st.Step = phone, stepConfirm
	inst := ""
	if in, ok := e.dir.Get(st.Inst); ok {
		inst = in.Name
	}
	return Reply{
		Texts:   []string{fmt.Sprintf("이대로 예약할까요?\n• %s\n• %s\n• %s님, %s", inst, kstTime(time.Unix(st.Start, 0)), st.Name, booking.FormatPhone(phone))},
		Choices: []Choice{{Label: "예약하기", Value: choiceConfirm.value()}, restartChoice},
	}
}

func (e *Engine) confirmBooking(ctx context.Context, in Input, st *state) (Reply, error) {
	kakaoKey := ""
	if in.Channel == heydoctor.ChannelKakao {
		kakaoKey = in.UserKey
	}
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s|%s|%d|%d|%s", in.Channel, in.UserKey, st.Doctor, st.Start, st.Phone)))
	req := booking.BookRequest{DoctorID: st.Doctor, Start: time.Unix(st.Start, 0).UTC(), Name: st.Name, Phone: st.Phone, KakaoKey: kakaoKey,
		IdempotencyKey: "chat-" + hex.EncodeToString(sum[:12]), Channel: in.Channel, ClientAddr: in.ClientAddr}
	r, _, err := e.booking.Book(ctx, req)
	st.Name, st.Phone, st.Step = "", "", "" // never keep personal details longer than the booking needs
	if err != nil {
		var ce *booking.ConflictError
		if errors.As(err, &ce) {
			rep := Reply{Texts: []string{"아쉽게도 방금 다른 분이 그 시간을 예약했어요. 다른 시간을 골라 주세요."}}
			for _, s := range ce.Alternatives {
				rep.Choices = append(rep.Choices, Choice{Label: kstShort(s.Start), Value: choiceSlot.withID(s.Start.Unix())})
			}
			rep.Choices = append(rep.Choices, restartChoice)
			return rep, nil
		}
		return e.bookingError(err), nil
	}
	status := "예약을 요청했어요. 병원에서 확인하면 확정돼요."
	if r.Status == heydoctor.StatusConfirmed {
		status = "예약이 확정됐어요."
	}
	text := fmt.Sprintf("%s\n예약번호: %s\n%s\n예약번호와 전화번호로 확인하거나 취소할 수 있어요.", status, r.Code, kstTime(r.Start))
	rep := Reply{Texts: []string{text}, Choices: []Choice{{Label: "내 예약", Value: choiceMine.value()}, restartChoice}}
	if base := e.base(ctx); base != "" {
		rep.Cards = []Card{{Title: "예약 확인", Description: "예약번호 " + r.Code, Buttons: []Button{{Label: "예약 확인", Kind: ButtonLink, Value: base + paths.Lookup()}}}}
	}
	return rep, nil
}

func kstShort(t time.Time) string {
	t = t.In(heydoctor.KST)
	return fmt.Sprintf("%d/%d %s", t.Month(), t.Day(), t.Format("15:04"))
}

// bookingError explains a refused booking step in the user's words.
func (e *Engine) bookingError(err error) Reply {
	switch heydoctor.KindOf(err) {
	case heydoctor.Invalid, heydoctor.NotFound, heydoctor.Conflict, heydoctor.Forbidden, heydoctor.TooMany:
		return Reply{Texts: []string{heydoctor.MessageOf(err)}, Choices: []Choice{restartChoice}}
	}
	e.log.Error("chat booking step failed", "err", err)
	return Reply{Texts: []string{"예약 처리 중 문제가 생겼어요. 잠시 후 다시 시도해 주세요."}, Choices: []Choice{restartChoice}}
}
