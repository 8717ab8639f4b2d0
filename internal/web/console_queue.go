package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"heydoctor"
	"heydoctor/internal/booking"
	"heydoctor/internal/queue"
)

// queueRow is one ticket on reception's board.
type queueRow struct {
	ID        int64
	Number    int
	Place     int // 1-based place among the waiting
	Name      string
	Child     string
	Phone     string
	Note      string
	WalkIn    bool
	Channel   string
	Status    string
	Label     string
	Skips     int
	Reason    string
	CheckedIn string
	Actions   []queue.Action
	Labels    map[queue.Action]string
	CSRF      string
}

type queueBoardPage struct {
	consoleBase
	Board        *queue.Board
	Now          []queueRow
	Waiting      []queueRow
	Finished     []queueRow
	ActionLabels map[queue.Action]string
	PredictedEnd string
	PerVisit     int
	Version      string
}

func toQueueRow(t *heydoctor.Ticket, place int) queueRow {
	row := queueRow{ID: t.ID, Number: t.Number, Place: place, Name: t.Name, Child: t.ChildName, Phone: booking.FormatPhone(t.Phone), Note: t.Note,
		WalkIn: t.Kind == heydoctor.TicketWalkIn, Channel: string(t.Channel), Status: string(t.Status), Label: t.Status.Label(), Skips: t.Skips,
		Reason: t.Reason, CheckedIn: t.CreatedAt.In(heydoctor.KST).Format("15:04"), Actions: queue.Actions(t)}
	return row
}

func (s *Server) queueBoard(r *http.Request) (*queueBoardPage, error) {
	svc, err := s.queueService()
	if err != nil {
		return nil, err
	}
	base, err := s.consoleBase(r, "queue")
	if err != nil {
		return nil, err
	}
	b, err := svc.Board(r.Context(), base.Staff)
	if err != nil {
		return nil, err
	}
	p := &queueBoardPage{consoleBase: base, Board: b, ActionLabels: queue.ActionLabels, Version: b.Version,
		PredictedEnd: b.PredictedEnd.In(heydoctor.KST).Format("15:04"), PerVisit: int(b.PerVisit.Minutes())}
	row := func(t *heydoctor.Ticket, place int) queueRow {
		r := toQueueRow(t, place)
		r.Labels, r.CSRF = queue.ActionLabels, base.CSRF
		return r
	}
	for _, t := range b.Now {
		p.Now = append(p.Now, row(t, 0))
	}
	for i, t := range b.Waiting {
		p.Waiting = append(p.Waiting, row(t, i+1))
	}
	for _, t := range b.Finished {
		p.Finished = append(p.Finished, toQueueRow(t, 0))
	}
	return p, nil
}

// handleConsoleQueue is reception's queue board; ?partial=1 returns only the board,
// which console.js fetches every few seconds so new check-ins appear without a reload.
func (s *Server) handleConsoleQueue(w http.ResponseWriter, r *http.Request) error {
	p, err := s.queueBoard(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("partial") == "1" {
		return s.writeFragment(w, "console_queue", "list", p, p.Version)
	}
	return s.render(w, r, http.StatusOK, "console_queue", "접수 대기열", p)
}

type tvRow struct {
	Number int
	Name   string
}

type queueTVPage struct {
	Institution *heydoctor.Institution
	Now         []tvRow
	Next        []tvRow
	Waiting     int
}

// tvRows is how many waiting tickets the waiting-room screen lists.
const tvRows = 8

// handleConsoleQueueTV is the waiting-room screen: numbers and masked names only, never
// a phone number or a reason. Reception opens it on the screen's browser.
func (s *Server) handleConsoleQueueTV(w http.ResponseWriter, r *http.Request) error {
	svc, st, err := s.queueStaff(r)
	if err != nil {
		return err
	}
	b, err := svc.Board(r.Context(), st)
	if err != nil {
		return err
	}
	p := &queueTVPage{Institution: b.Institution, Waiting: len(b.Waiting)}
	for _, t := range b.Now {
		p.Now = append(p.Now, tvRow{t.Number, heydoctor.MaskName(t.DisplayName())})
	}
	for i, t := range b.Waiting {
		if i == tvRows {
			break
		}
		p.Next = append(p.Next, tvRow{t.Number, heydoctor.MaskName(t.DisplayName())})
	}
	return s.render(w, r, http.StatusOK, "console_queue_tv", "대기 화면", p)
}

// queueDone redirects back to the board with a message, or with the error for a user error.
func (s *Server) queueDone(w http.ResponseWriter, r *http.Request, msg string, err error) error {
	if err != nil {
		return s.consoleRedirectErr(w, r, "/console/queue", err)
	}
	http.Redirect(w, r, "/console/queue?ok="+url.QueryEscape(msg), http.StatusSeeOther)
	return nil
}

// queueStaff returns the check-in service and the signed-in staff member.
func (s *Server) queueStaff(r *http.Request) (*queue.Service, *heydoctor.Staff, error) {
	svc, err := s.queueService()
	if err != nil {
		return nil, nil, err
	}
	st, _ := currentStaff(r.Context())
	return svc, st, nil
}

func ticketLabel(t *heydoctor.Ticket) string {
	return fmt.Sprintf("%d번 %s님", t.Number, t.DisplayName())
}

func (s *Server) handleConsoleQueueNext(w http.ResponseWriter, r *http.Request) error {
	svc, st, err := s.queueStaff(r)
	if err != nil {
		return err
	}
	t, err := svc.CallNext(r.Context(), st)
	if err != nil {
		return s.queueDone(w, r, "", err)
	}
	return s.queueDone(w, r, ticketLabel(t)+" 호출", nil)
}

func (s *Server) handleConsoleWalkIn(w http.ResponseWriter, r *http.Request) error {
	svc, st, err := s.queueStaff(r)
	if err != nil {
		return err
	}
	t, err := svc.AddWalkIn(r.Context(), st, queue.CheckInRequest{Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"),
		ChildName: r.PostFormValue("child_name"), Note: r.PostFormValue("note")})
	if err != nil {
		return s.queueDone(w, r, "", err)
	}
	return s.queueDone(w, r, ticketLabel(t)+" 현장 접수", nil)
}

func (s *Server) handleConsoleQueuePause(w http.ResponseWriter, r *http.Request) error {
	svc, st, err := s.queueStaff(r)
	if err != nil {
		return err
	}
	paused := r.PostFormValue("paused") == "1"
	if _, err := svc.SetPaused(r.Context(), st, paused); err != nil {
		return s.queueDone(w, r, "", err)
	}
	msg := "모바일 접수를 다시 받아요"
	if paused {
		msg = "모바일 접수를 멈췄어요 (현장 접수는 계속돼요)"
	}
	return s.queueDone(w, r, msg, nil)
}

func (s *Server) handleConsoleQueueSettings(w http.ResponseWriter, r *http.Request) error {
	svc, st, err := s.queueStaff(r)
	if err != nil {
		return err
	}
	qs := heydoctor.QueueSettings{Enabled: r.PostFormValue("enabled") == "1", Paused: r.PostFormValue("paused") == "1",
		CutOff: r.PostFormValue("cutoff")}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"daily_cap", &qs.DailyCap}, {"skip_back", &qs.SkipBack}, {"soon_ahead", &qs.SoonAhead}} {
		if *f.dst, err = formInt(r, f.name); err != nil {
			return s.queueDone(w, r, "", err)
		}
	}
	if _, err := svc.SaveSettings(r.Context(), st, qs); err != nil {
		return s.queueDone(w, r, "", err)
	}
	return s.queueDone(w, r, "접수 설정을 저장했어요", nil)
}

func (s *Server) handleConsoleQueueMove(w http.ResponseWriter, r *http.Request) error {
	svc, st, err := s.queueStaff(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v := strings.TrimSpace(r.PostFormValue("place"))
	place, perr := strconv.Atoi(v)
	if perr != nil || len(v) > 4 {
		return s.queueDone(w, r, "", heydoctor.FieldError("place", "옮길 순서를 숫자로 적어 주세요"))
	}
	t, err := svc.Move(r.Context(), st, id, place, r.PostFormValue("reason"))
	if err != nil {
		return s.queueDone(w, r, "", err)
	}
	return s.queueDone(w, r, fmt.Sprintf("%s을(를) %d번째로 옮겼어요", ticketLabel(t), place), nil)
}

func (s *Server) handleConsoleQueueAction(w http.ResponseWriter, r *http.Request) error {
	svc, st, err := s.queueStaff(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := svc.Act(r.Context(), st, id, queue.Action(r.PathValue("action")), r.PostFormValue("reason"))
	if err != nil {
		return s.queueDone(w, r, "", err)
	}
	return s.queueDone(w, r, ticketLabel(t)+": "+t.Status.Label(), nil)
}
