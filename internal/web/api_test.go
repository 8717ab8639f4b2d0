package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"heydoctor"
	"heydoctor/internal/chat"
	"heydoctor/internal/kakao"
)

// apiEnv is the site environment with the KakaoTalk endpoint mounted too.
type apiEnv struct {
	*siteEnv
	api *httptest.Server
}

func newAPIEnv(tb testing.TB) *apiEnv {
	tb.Helper()
	e := newSiteEnv(tb)
	return &apiEnv{siteEnv: e, api: e.ts}
}

// do sends a request and decodes a JSON answer into out (when not nil).
func (e *apiEnv) do(tb testing.TB, method, path, body string, hdr map[string]string, out any) (int, string) {
	tb.Helper()
	req, err := http.NewRequest(method, e.api.URL+path, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			tb.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	return resp.StatusCode, string(b)
}

func TestAPIInstitutionParameters(t *testing.T) {
	e := newAPIEnv(t)
	tests := []struct {
		query, field string
	}{
		{"lng=126.7", "lat"},
		{"lat=abc&lng=126.7", "lat"},
		{"lat=51.5&lng=-0.12", "lat"},
		{"lat=37.34&lng=126.73&radius_m=-5", "radius_m"},
		{"lat=37.34&lng=126.73&department=마법과", "department"},
		{"lat=37.34&lng=126.73&kind=spa", "kind"},
		{"lat=37.34&lng=126.73&open_at=tomorrow", "open_at"},
		{"lat=37.34&lng=126.73&er=maybe", "er"},
		{"lat=37.34&lng=126.73&limit=0", "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			code, body := e.do(t, "GET", "/api/v1/institutions?"+tt.query, "", nil, nil)
			if code != 400 || !strings.Contains(body, `"field":"`+tt.field+`"`) {
				t.Errorf("got %d %s; want 400 naming %s", code, body, tt.field)
			}
		})
	}
	var res struct {
		Items []institutionJSON `json:"items"`
	}
	code, _ := e.do(t, "GET", "/api/v1/institutions?lat=37.34&lng=126.7335&radius_m=999999&limit=1000&department=소아과", "", nil, &res)
	if code != 200 || len(res.Items) == 0 || len(res.Items) > 100 {
		t.Fatalf("capped search = %d, %d items", code, len(res.Items))
	}
	for i, it := range res.Items {
		if i > 0 && *it.DistanceM < *res.Items[i-1].DistanceM {
			t.Errorf("not sorted by distance at %d", i)
		}
		if !contains(it.Departments, "소아청소년과") {
			t.Errorf("%s lacks the department filter: %v", it.Name, it.Departments)
		}
	}
	// Open now at 10:00 on a Wednesday: the demo hospitals have published hours in this env.
	code, _ = e.do(t, "GET", "/api/v1/institutions?lat=37.34&lng=126.7335&open_at=now&department=D001", "", nil, &res)
	if code != 200 || len(res.Items) == 0 {
		t.Fatalf("open now = %d, %d items", code, len(res.Items))
	}
	for _, it := range res.Items {
		if it.OpenStatus != "open" || it.ClosesAt == nil {
			t.Errorf("%s returned by open_at=now with status %s", it.Name, it.OpenStatus)
		}
	}
	var detail map[string]any
	if code, _ := e.do(t, "GET", fmt.Sprintf("/api/v1/institutions/%d", res.Items[0].ID), "", nil, &detail); code != 200 || detail["notice"] == nil || detail["hours"] == nil {
		t.Errorf("detail = %d %v", code, detail)
	}
	if code, _ := e.do(t, "GET", "/api/v1/institutions/999999", "", nil, nil); code != 404 {
		t.Errorf("unknown institution = %d", code)
	}
	var places struct {
		Items []map[string]any `json:"items"`
	}
	if code, _ := e.do(t, "GET", "/api/v1/places?q=정왕동", "", nil, &places); code != 200 || len(places.Items) == 0 {
		t.Errorf("places = %d %v", code, places)
	}
	if code, body := e.do(t, "GET", "/api/v1/places", "", nil, nil); code != 400 || !strings.Contains(body, `"field":"q"`) {
		t.Errorf("places without q = %d %s", code, body)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// firstSlot returns a demo room and its first free slot.
func firstSlot(t *testing.T, e *apiEnv) (int64, string) {
	t.Helper()
	doctors, err := e.store.ListDoctors(context.Background(), 0)
	if err != nil || len(doctors) == 0 {
		t.Fatalf("doctors: %v", err)
	}
	var slots struct {
		Items []slotJSON `json:"items"`
	}
	code, body := e.do(t, "GET", fmt.Sprintf("/api/v1/doctors/%d/slots?from=2026-11-26&to=2026-11-27", doctors[0].ID), "", nil, &slots)
	if code != 200 || len(slots.Items) == 0 {
		t.Fatalf("slots = %d %s", code, body)
	}
	return doctors[0].ID, slots.Items[0].Start
}

func TestAPIBookingLifecycle(t *testing.T) {
	e := newAPIEnv(t)
	doctor, start := firstSlot(t, e)
	body := fmt.Sprintf(`{"doctor_id":%d,"start":%q,"name":"김하나","phone":"010-1234-5678","note":"기침"}`, doctor, start)
	var r reservationJSON
	code, raw := e.do(t, "POST", "/api/v1/reservations", body, map[string]string{"Idempotency-Key": "k1"}, &r)
	if code != 201 || r.Code == "" || r.Status != "requested" {
		t.Fatalf("book = %d %s", code, raw)
	}
	var again reservationJSON
	if code, _ := e.do(t, "POST", "/api/v1/reservations", body, map[string]string{"Idempotency-Key": "k1"}, &again); code != 200 || again.Code != r.Code {
		t.Errorf("retry = %d %q, want 200 %q", code, again.Code, r.Code)
	}
	other := fmt.Sprintf(`{"doctor_id":%d,"start":%q,"name":"이둘","phone":"01099998888"}`, doctor, start)
	code, raw = e.do(t, "POST", "/api/v1/reservations", other, map[string]string{"Idempotency-Key": "k2"}, nil)
	if code != 409 || !strings.Contains(raw, `"alternatives":[{`) {
		t.Errorf("taken slot = %d %s", code, raw)
	}
	for _, bad := range []struct{ body, field string }{
		{fmt.Sprintf(`{"doctor_id":%d,"start":%q,"name":"박셋","phone":"12345"}`, doctor, start), "phone"},
		{fmt.Sprintf(`{"doctor_id":%d,"start":"2020-01-01T09:00:00+09:00","name":"박셋","phone":"01011112222"}`, doctor), "start"},
		{fmt.Sprintf(`{"doctor_id":%d,"start":"soon","name":"박셋","phone":"01011112222"}`, doctor), "start"},
		{`{"doctor_id":0}`, "doctor_id"},
		{`{"doctor_id":1,"surprise":true}`, "surprise"},
	} {
		code, raw := e.do(t, "POST", "/api/v1/reservations", bad.body, nil, nil)
		if code < 400 || code >= 500 || (bad.field != "start" && !strings.Contains(raw, `"field":"`+bad.field+`"`)) {
			t.Errorf("bad booking %s = %d %s; want a 4xx naming %s", bad.body, code, raw, bad.field)
		}
	}
	phone := map[string]string{"X-Phone": "010-1234-5678"}
	var got reservationJSON
	if code, raw := e.do(t, "GET", "/api/v1/reservations/"+r.Code, "", phone, &got); code != 200 || got.Name != "김하나" || got.Institution == nil {
		t.Errorf("lookup = %d %s", code, raw)
	}
	if code, _ := e.do(t, "GET", "/api/v1/reservations/"+r.Code, "", map[string]string{"X-Phone": "010-0000-0000"}, nil); code != 404 {
		t.Errorf("wrong phone = %d, want 404", code)
	}
	req, _ := http.NewRequest("GET", e.api.URL+"/api/v1/reservations/"+r.Code+"/ics", nil)
	req.Header.Set("X-Phone", "01012345678")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	ics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") || !strings.Contains(string(ics), "TZID=Asia/Seoul") || !strings.Contains(string(ics), "SEQUENCE:0") {
		t.Errorf("ics = %s\n%s", resp.Header.Get("Content-Type"), ics)
	}
	// Reschedule to the next slot, then cancel.
	next, _ := time.Parse(time.RFC3339, start)
	var moved reservationJSON
	code, raw = e.do(t, "PATCH", "/api/v1/reservations/"+r.Code, fmt.Sprintf(`{"phone":"01012345678","start":%q}`, next.Add(15*time.Minute).Format(time.RFC3339)), nil, &moved)
	if code != 200 || moved.Sequence != 1 {
		t.Errorf("reschedule = %d %s", code, raw)
	}
	var cancelled reservationJSON
	if code, raw := e.do(t, "DELETE", "/api/v1/reservations/"+r.Code, "", phone, &cancelled); code != 200 || cancelled.Status != "cancelled" {
		t.Errorf("cancel = %d %s", code, raw)
	}
	// The first slot is free again.
	if code, raw := e.do(t, "POST", "/api/v1/reservations", other, map[string]string{"Idempotency-Key": "k3"}, nil); code != 201 {
		t.Errorf("freed slot = %d %s", code, raw)
	}
}

// kakaoTurn sends one KakaoTalk turn (text, or a tapped choice) and returns the validated response.
func kakaoTurn(t *testing.T, e *apiEnv, user, text, choice string) kakao.Response {
	t.Helper()
	extra := "{}"
	if choice != "" {
		extra = fmt.Sprintf(`{"choice":%q}`, choice)
	}
	body := fmt.Sprintf(`{"bot":{"id":"bot1"},"userRequest":{"utterance":%q,"user":{"id":%q,"type":"botUserKey","properties":{}}},"action":{"name":"skill","params":{},"detailParams":{},"clientExtra":%s}}`,
		text, user, extra)
	req, _ := http.NewRequest("POST", e.api.URL+"/kakao/skill", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(kakao.SecretHeader, "test-secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out kakao.Response
	if resp.StatusCode != 200 || json.Unmarshal(raw, &out) != nil {
		t.Fatalf("kakao turn %q = %d %s", text, resp.StatusCode, raw)
	}
	if err := kakao.Validate(out); err != nil {
		t.Fatalf("invalid kakao response for %q: %v\n%s", text, err, raw)
	}
	return out
}

func responseText(r kakao.Response) string {
	b, _ := json.Marshal(r)
	return string(b)
}

// choiceValue finds the value of a quick reply or card button whose label has label in it.
func choiceValue(t *testing.T, r kakao.Response, label string) string {
	t.Helper()
	raw := responseText(r)
	var generic map[string]any
	json.Unmarshal([]byte(raw), &generic)
	var found string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if l, _ := x["label"].(string); found == "" && strings.Contains(l, label) {
				if extra, ok := x["extra"].(map[string]any); ok {
					found, _ = extra["choice"].(string)
				}
				if found == "" {
					if mt, _ := x["messageText"].(string); strings.Contains(mt, " #") {
						found = mt[strings.LastIndex(mt, " #")+2:]
					}
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(generic)
	if found == "" {
		t.Fatalf("no choice labelled %q in %s", label, raw)
	}
	return found
}

func TestKakaoBookingFlow(t *testing.T) {
	e := newAPIEnv(t)
	user := "kakao-user-1"
	r := kakaoTurn(t, e, user, "아침부터 열이 나고 기침이 심해요", "")
	if !strings.Contains(responseText(r), "내과") || !strings.Contains(responseText(r), "진단이 아니에요") {
		t.Fatalf("symptom turn: %s", responseText(r))
	}
	r = kakaoTurn(t, e, user, "근처 내과 찾기", choiceValue(t, r, "근처"))
	if !strings.Contains(responseText(r), "어디 근처") {
		t.Fatalf("location question: %s", responseText(r))
	}
	r = kakaoTurn(t, e, user, "정왕동", "")
	if !strings.Contains(responseText(r), "센트럴병원") || !strings.Contains(responseText(r), "데모") {
		t.Fatalf("nearby cards: %s", responseText(r))
	}
	r = kakaoTurn(t, e, user, "예약", choiceValue(t, r, "예약"))
	r = kakaoTurn(t, e, user, "내과", choiceValue(t, r, "내과"))
	r = kakaoTurn(t, e, user, "날짜", choiceValue(t, r, "11/26"))
	r = kakaoTurn(t, e, user, "시간", choiceValue(t, r, ":"))
	if !strings.Contains(responseText(r), "이름") {
		t.Fatalf("name question: %s", responseText(r))
	}
	kakaoTurn(t, e, user, "김카카오", "")
	r = kakaoTurn(t, e, user, "010-2222-3333", "")
	if !strings.Contains(responseText(r), "010-2222-3333") {
		t.Fatalf("confirmation: %s", responseText(r))
	}
	r = kakaoTurn(t, e, user, "예약하기", choiceValue(t, r, "예약하기"))
	if !strings.Contains(responseText(r), "예약번호") {
		t.Fatalf("booking done: %s", responseText(r))
	}
	// The conversation no longer keeps the name or phone.
	conv, err := e.store.GetConversation(context.Background(), heydoctor.ChannelKakao, user)
	if err != nil || strings.Contains(string(conv.State), "01022223333") || strings.Contains(string(conv.State), "김카카오") {
		t.Errorf("conversation state keeps personal details: %s %v", conv.State, err)
	}
	r = kakaoTurn(t, e, user, "내 예약", "")
	if !strings.Contains(responseText(r), "확인 대기") {
		t.Fatalf("my reservations: %s", responseText(r))
	}
	r = kakaoTurn(t, e, user, "예약 취소", choiceValue(t, r, "취소"))
	if !strings.Contains(responseText(r), "취소했어요") {
		t.Fatalf("cancel: %s", responseText(r))
	}
	// Restart works at any point.
	r = kakaoTurn(t, e, user, "처음으로", "")
	if !strings.Contains(responseText(r), "HeyDoctor") {
		t.Errorf("restart: %s", responseText(r))
	}
}

func TestKakaoHostileInput(t *testing.T) {
	e := newAPIEnv(t)
	for _, text := range []string{"", strings.Repeat("아", 5000), "😀😀😀", "hello there", "\x00\xff\xfe", `{"a":1}`} {
		r := kakaoTurn(t, e, "hostile-user", text, "")
		if len(r.Template.Outputs) == 0 {
			t.Errorf("no output for %q", text)
		}
	}
	// A forged choice is treated as text, never trusted.
	kakaoTurn(t, e, "hostile-user", "x", "cancel:ABCDEFGH")
	// Wrong secret: 401.
	req, _ := http.NewRequest("POST", e.api.URL+"/kakao/skill", strings.NewReader(`{}`))
	req.Header.Set(kakao.SecretHeader, "wrong")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("wrong secret = %d", resp.StatusCode)
	}
}

func TestChatAPI(t *testing.T) {
	e := newAPIEnv(t)
	var out chatResponse
	code, raw := e.do(t, "POST", "/api/v1/chat", `{"text":"가슴이 쥐어짜듯 아프고 식은땀이 나"}`, nil, &out)
	if code != 200 || out.Session == "" || !strings.Contains(raw, "119") {
		t.Fatalf("emergency = %d %s", code, raw)
	}
	for _, c := range out.Reply.Choices {
		if strings.HasPrefix(c.Value, "dept:") || c.Value == "near" {
			t.Errorf("a department was offered at an emergency level: %+v", c)
		}
	}
	var info chatResponse
	if code, raw := e.do(t, "POST", "/api/v1/chat", `{"session":"`+out.Session+`","text":"비염이란?"}`, nil, &info); code != 200 || !strings.Contains(raw, "이비인후과") {
		t.Errorf("disease info = %d %s", code, raw)
	}
	var near chatResponse
	if code, raw := e.do(t, "POST", "/api/v1/chat", `{"session":"`+out.Session+`","choice":"near","lat":37.34,"lng":126.7335}`, nil, &near); code != 200 || len(near.Reply.Cards) == 0 {
		t.Errorf("near with browser location = %d %s", code, raw)
	}
	for _, bad := range []struct{ body, field string }{
		{`{"session":"short","text":"x"}`, "session"},
		{`{"text":5}`, "text"},
		{`{"text":"x","lat":10,"lng":10}`, "lat"},
	} {
		if code, raw := e.do(t, "POST", "/api/v1/chat", bad.body, nil, nil); code != 400 || !strings.Contains(raw, `"field":"`+bad.field+`"`) {
			t.Errorf("%s = %d %s", bad.body, code, raw)
		}
	}
	var tri map[string]any
	if code, raw := e.do(t, "POST", "/api/v1/triage", `{"text":"애가 어젯밤부터 열이 39도까지 나요"}`, nil, &tri); code != 200 || !strings.Contains(raw, "소아청소년과") || tri["intent"] != "symptom" {
		t.Errorf("triage = %d %s", code, raw)
	}
	_ = chat.Reply{}
	_ = url.Values{}
}

func jsonNewDecoder(resp *http.Response) *json.Decoder { return json.NewDecoder(resp.Body) }
