package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"heydoctor"
)

var (
	siteSlotRE   = regexp.MustCompile(`name="start" value="([^"]+)"`)
	siteKeyRE    = regexp.MustCompile(`name="key" value="([^"]+)"`)
	siteCodeRE   = regexp.MustCompile(`<p class="code" id="code">([A-Z0-9]+)</p>`)
	siteDoctorRE = regexp.MustCompile(`name="doctor" value="(\d+)"`)
)

// match returns the first group of re in body or fails.
func match(tb testing.TB, re *regexp.Regexp, body string) string {
	tb.Helper()
	m := re.FindStringSubmatch(body)
	if m == nil {
		tb.Fatalf("no %s in body:\n%s", re, siteMain(body))
	}
	return m[1]
}

// siteMain cuts a page down to its <main> for readable failures.
func siteMain(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if i := strings.Index(body, "</main>"); i >= 0 {
		body = body[:i]
	}
	return body
}

// siteBookForm opens the booking page for the first room and returns the form's path,
// the room, the first free slot and the form's idempotency key.
func siteOpenBooking(tb testing.TB, e *siteEnv, in *heydoctor.Institution, date string) (path, doctor string, slots []string, key string) {
	tb.Helper()
	path = fmt.Sprintf("/hospitals/%d/book", in.ID)
	status, body, _ := e.get(tb, path)
	if status != http.StatusOK {
		tb.Fatalf("GET %s = %d", path, status)
	}
	doctor = match(tb, siteDoctorRE, body)
	status, body, _ = e.get(tb, path+"?doctor="+doctor+"&date="+date)
	if status != http.StatusOK {
		tb.Fatalf("GET %s?doctor=%s = %d", path, doctor, status)
	}
	for _, m := range siteSlotRE.FindAllStringSubmatch(body, -1) {
		slots = append(slots, m[1])
	}
	if len(slots) < 3 {
		tb.Fatalf("want at least 3 free slots, got %d:\n%s", len(slots), siteMain(body))
	}
	return path, doctor, slots, match(tb, siteKeyRE, body)
}

func TestSiteBookingFlow(t *testing.T) {
	t.Parallel()
	e := newSiteEnv(t)
	in := siteDemoHospital(t, e)
	path, doctor, slots, key := siteOpenBooking(t, e, in, "2026-11-26")
	form := url.Values{"doctor": {doctor}, "start": {slots[0]}, "name": {"김하나"}, "phone": {"010-1234-5678"}, "note": {"기침이 나요"}, "key": {key}}

	status, body, h := e.post(t, path, form)
	if status != http.StatusOK {
		t.Fatalf("book = %d:\n%s", status, siteMain(body))
	}
	code := match(t, siteCodeRE, body)
	mustContain(t, body, "예약을 신청했어요", "병원 확인 대기 중", "2026년 11월 26일 (목)", "캘린더에 저장", `name="phone" value="01012345678"`)
	if got := h.Get("Cache-Control"); got != "no-store" {
		t.Errorf("confirmation Cache-Control = %q, want no-store", got)
	}

	t.Run("double submit books once", func(t *testing.T) {
		status, body, _ := e.post(t, path, form)
		if status != http.StatusOK {
			t.Fatalf("resubmit = %d", status)
		}
		if got := match(t, siteCodeRE, body); got != code {
			t.Errorf("resubmit code = %s, want %s", got, code)
		}
	})

	t.Run("second patient cannot take the slot", func(t *testing.T) {
		other := url.Values{"doctor": {doctor}, "start": {slots[0]}, "name": {"이둘"}, "phone": {"010-2222-3333"}, "key": {"another-form-key-0001"}}
		status, body, _ := e.post(t, path, other)
		if status != http.StatusConflict {
			t.Fatalf("status = %d, want 409", status)
		}
		mustContain(t, body, "방금 다른 분이 이 시간을 예약했어요", `value="이둘"`, `value="010-2222-3333"`)
		if len(siteSlotRE.FindAllString(body, -1)) == 0 {
			t.Error("no alternative times offered")
		}
		if strings.Contains(body, `value="`+slots[0]+`"`) {
			t.Error("the taken slot is offered again")
		}
	})

	t.Run("lookup", func(t *testing.T) {
		status, body, _ := e.post(t, "/reservations/lookup", url.Values{"code": {strings.ToLower(code)}, "phone": {"01012345678"}})
		if status != http.StatusOK {
			t.Fatalf("lookup = %d:\n%s", status, siteMain(body))
		}
		mustContain(t, body, code, "병원 확인 대기 중", in.Name, "시간 바꾸기", "예약 취소하기")
	})

	t.Run("ics", func(t *testing.T) {
		resp, err := e.client.PostForm(e.ts.URL+"/reservations/ics", url.Values{"code": {code}, "phone": {"010 1234 5678"}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b := new(strings.Builder)
		fmt.Fprint(b, readAll(t, resp))
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("ics = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if got, want := resp.Header.Get("Content-Disposition"), `attachment; filename="heydoctor-`+code+`.ics"`; got != want {
			t.Errorf("Content-Disposition = %q, want %q", got, want)
		}
		mustContain(t, b.String(), "BEGIN:VCALENDAR", "UID:"+code)
		mustNotContain(t, b.String(), "김하나", "01012345678")
	})

	t.Run("reschedule", func(t *testing.T) {
		cur := url.Values{"code": {code}, "phone": {"01012345678"}, "date": {"2026-11-27"}}
		status, body, _ := e.post(t, "/reservations/lookup", cur)
		if status != http.StatusOK {
			t.Fatalf("lookup with date = %d", status)
		}
		next := match(t, siteSlotRE, body)
		cur.Set("start", next)
		status, body, _ = e.post(t, "/reservations/reschedule", cur)
		if status != http.StatusOK {
			t.Fatalf("reschedule = %d:\n%s", status, siteMain(body))
		}
		mustContain(t, body, "예약 시간을 2026년 11월 27일 (금)")
		cur.Del("start")
		status, body, _ = e.post(t, "/reservations/reschedule", cur)
		if status != http.StatusBadRequest {
			t.Errorf("reschedule without start = %d, want 400", status)
		}
		mustContain(t, body, "바꿀 시간을 골라 주세요")
	})

	t.Run("cancel", func(t *testing.T) {
		status, body, _ := e.post(t, "/reservations/cancel", url.Values{"code": {code}, "phone": {"01012345678"}, "reason": {"다 나았어요"}})
		if status != http.StatusOK {
			t.Fatalf("cancel = %d:\n%s", status, siteMain(body))
		}
		mustContain(t, body, "예약을 취소했어요", "취소됨")
		mustNotContain(t, body, "예약 취소하기")
		status, body, _ = e.post(t, "/reservations/cancel", url.Values{"code": {code}, "phone": {"01012345678"}})
		if status != http.StatusConflict {
			t.Errorf("second cancel = %d, want 409", status)
		}
		mustContain(t, body, "이미 취소된 예약")
	})
}

func readAll(tb testing.TB, resp *http.Response) string {
	tb.Helper()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

func TestSiteBookingValidation(t *testing.T) {
	t.Parallel()
	e := newSiteEnv(t)
	in := siteDemoHospital(t, e)
	path, doctor, slots, key := siteOpenBooking(t, e, in, "")
	others, err := e.store.ListInstitutions(context.Background(), heydoctor.InstitutionFilter{Onboarded: true})
	if err != nil {
		t.Fatal(err)
	}
	var foreign string
	for _, o := range others {
		if o.ID != in.ID {
			ds, _ := e.store.ListDoctors(context.Background(), o.ID)
			foreign = fmt.Sprint(ds[0].ID)
			break
		}
	}
	good := func() url.Values {
		return url.Values{"doctor": {doctor}, "start": {slots[1]}, "name": {"박세나"}, "phone": {"010-5555-6666"}, "note": {"허리가 아파요"}, "key": {key}}
	}
	tests := []struct {
		name   string
		change func(url.Values)
		status int
		want   []string
	}{
		{"no name", func(v url.Values) { v.Set("name", " ") }, 400, []string{`aria-invalid="true"`, `id="name-err"`, "이름을 입력해 주세요", `value="010-5555-6666"`, "허리가 아파요"}},
		{"bad phone", func(v url.Values) { v.Set("phone", "12345") }, 400, []string{`id="phone-err"`, `value="12345"`, `value="박세나"`}},
		{"no time", func(v url.Values) { v.Del("start") }, 400, []string{`id="start-err"`, "예약할 시간을 골라 주세요", `value="박세나"`}},
		{"forged time", func(v url.Values) { v.Set("start", "tomorrow") }, 400, []string{"예약할 시간을 다시 골라 주세요"}},
		{"off-plan time", func(v url.Values) { v.Set("start", "2026-11-25T03:07:00Z") }, 400, []string{`id="start-err"`, "예약 시간이 아니에요"}},
		{"room of another hospital", func(v url.Values) { v.Set("doctor", foreign) }, 400, []string{`id="doctor-err"`, "이 병원에서 예약할 수 있는"}},
		{"long note", func(v url.Values) { v.Set("note", strings.Repeat("아", 501)) }, 400, []string{`id="note-err"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := good()
			tc.change(v)
			status, body, _ := e.post(t, path, v)
			if status != tc.status {
				t.Errorf("status = %d, want %d", status, tc.status)
			}
			mustContain(t, body, tc.want...)
			mustNotContain(t, body, `class="code"`)
		})
	}

	t.Run("bad query on the booking page", func(t *testing.T) {
		status, body, _ := e.get(t, path+"?doctor=abc&date=2026-13-40")
		if status != 400 {
			t.Errorf("status = %d, want 400", status)
		}
		mustContain(t, body, `id="doctor-err"`, `id="date-err"`)
	})
	t.Run("hospital without online booking", func(t *testing.T) {
		list, _ := e.store.ListInstitutions(context.Background(), heydoctor.InstitutionFilter{NameQuery: "요양병원", Limit: 1})
		status, body, _ := e.get(t, fmt.Sprintf("/hospitals/%d/book", list[0].ID))
		if status != 404 {
			t.Errorf("status = %d, want 404", status)
		}
		mustContain(t, body, "온라인 예약을 받지 않아요")
	})
	t.Run("oversized body", func(t *testing.T) {
		v := good()
		v.Set("note", strings.Repeat("a", 70<<10))
		status, _, _ := e.post(t, path, v)
		if status != http.StatusRequestEntityTooLarge {
			t.Errorf("status = %d, want 413", status)
		}
	})
	t.Run("lookup errors", func(t *testing.T) {
		tests := []struct {
			name   string
			form   url.Values
			status int
			want   []string
		}{
			{"empty", url.Values{}, 400, []string{`id="code-err"`, `id="phone-err"`}},
			{"unknown", url.Values{"code": {"ZZZZ2222"}, "phone": {"010-1111-2222"}}, 404, []string{"맞는 예약을 찾을 수 없어요", `value="ZZZZ2222"`, `value="010-1111-2222"`}},
			{"bad phone", url.Values{"code": {"ABCD"}, "phone": {"hello"}}, 400, []string{`id="phone-err"`, `value="hello"`}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				status, body, _ := e.post(t, "/reservations/lookup", tc.form)
				if status != tc.status {
					t.Errorf("status = %d, want %d", status, tc.status)
				}
				mustContain(t, body, tc.want...)
			})
		}
	})
}

func TestSiteChat(t *testing.T) {
	t.Parallel()
	e := newSiteEnv(t)
	status, body, h := e.get(t, "/chat")
	if status != 200 {
		t.Fatalf("GET /chat = %d", status)
	}
	mustContain(t, body, "증상 상담", `id="chat-form"`, "/static/chat.")
	if c := h.Get("Set-Cookie"); !strings.Contains(c, "hd_chat=") || !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") {
		t.Errorf("Set-Cookie = %q", c)
	}
	tests := []struct {
		name   string
		form   url.Values
		status int
		want   []string
	}{
		{"symptom", url.Values{"text": {"어제부터 목이 아프고 열이 나요"}}, 200, []string{`class="me"`, "어제부터 목이 아프고 열이 나요", `class="bot"`}},
		{"choice", url.Values{"choice": {"help"}, "label": {"도움말"}}, 200, []string{"도움말", "이렇게 쓸 수 있어요"}},
		{"empty", url.Values{"text": {"  "}}, 400, []string{`id="text-err"`, "적어 주세요"}},
		{"too long", url.Values{"text": {strings.Repeat("가", 1001)}}, 400, []string{"1000자까지"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := e.post(t, "/chat", tc.form)
			if status != tc.status {
				t.Errorf("status = %d, want %d\n%s", status, tc.status, siteMain(body))
			}
			mustContain(t, body, tc.want...)
		})
	}
}
