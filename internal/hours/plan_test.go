package hours

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"heydoctor"
)

func TestParseSpan(t *testing.T) {
	tests := []struct {
		name, in string
		want     heydoctor.Span
		wantErr  bool
	}{
		{name: "plain", in: "0900-1230", want: heydoctor.Span{Open: "0900", Close: "1230"}},
		{name: "spaces", in: "  0900 - 1230 ", want: heydoctor.Span{Open: "0900", Close: "1230"}},
		{name: "short digits kept", in: "900-1800", want: heydoctor.Span{Open: "900", Close: "1800"}},
		{name: "times not judged", in: "ab-cd", want: heydoctor.Span{Open: "ab", Close: "cd"}},
		{name: "empty close", in: "0900-", want: heydoctor.Span{Open: "0900"}},
		{name: "second dash stays in close", in: "0900-1000-1100", want: heydoctor.Span{Open: "0900", Close: "1000-1100"}},
		{name: "missing dash", in: "0900", wantErr: true},
		{name: "tilde is no dash", in: "0900~1800", wantErr: true},
		{name: "empty", in: "", wantErr: true},
		{name: "blank", in: "   ", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSpan(tt.in)
			if tt.wantErr {
				if err == nil || heydoctor.KindOf(err) != heydoctor.Invalid {
					t.Fatalf("ParseSpan(%q) = %+v, %v; want an invalid error", tt.in, got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSpan(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseSpan(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParsePlan(t *testing.T) {
	tests := []struct {
		name, in string
		want     []heydoctor.WorkBlock
		wantErr  string // a piece of the message; "" for success
	}{
		{name: "empty", in: ""},
		{name: "two days", in: "월 0900-1230, 1330-1800\n토 0900-1300\n", want: []heydoctor.WorkBlock{
			{Weekday: time.Monday, Start: "0900", End: "1230"},
			{Weekday: time.Monday, Start: "1330", End: "1800"},
			{Weekday: time.Saturday, Start: "0900", End: "1300"},
		}},
		{name: "blank lines and spaces", in: "\n  일   1000 - 1200 ,1300-1400  \n\n", want: []heydoctor.WorkBlock{
			{Weekday: time.Sunday, Start: "1000", End: "1200"},
			{Weekday: time.Sunday, Start: "1300", End: "1400"},
		}},
		{name: "every day name", in: "월 1-2\n화 1-2\n수 1-2\n목 1-2\n금 1-2\n토 1-2\n일 1-2", want: []heydoctor.WorkBlock{
			{Weekday: time.Monday, Start: "1", End: "2"}, {Weekday: time.Tuesday, Start: "1", End: "2"},
			{Weekday: time.Wednesday, Start: "1", End: "2"}, {Weekday: time.Thursday, Start: "1", End: "2"},
			{Weekday: time.Friday, Start: "1", End: "2"}, {Weekday: time.Saturday, Start: "1", End: "2"},
			{Weekday: time.Sunday, Start: "1", End: "2"},
		}},
		{name: "unknown day", in: "월 0900-1200\nMon 0900-1200", wantErr: "2번째 줄: 요일(월~일)로 시작해야 해요"},
		{name: "holiday is no weekday", in: "공휴일 0900-1200", wantErr: "1번째 줄: 요일"},
		{name: "missing dash", in: "월 0900", wantErr: "1번째 줄: 시간은 0900-1200처럼 적어 주세요"},
		{name: "day without spans", in: "\n\n화", wantErr: "3번째 줄: 시간은"},
		{name: "trailing comma", in: "수 0900-1200,", wantErr: "1번째 줄: 시간은"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePlan(tt.in)
			if tt.wantErr != "" {
				if err == nil || heydoctor.KindOf(err) != heydoctor.Invalid || heydoctor.FieldOf(err) != "plan" ||
					!strings.Contains(heydoctor.MessageOf(err), tt.wantErr) {
					t.Fatalf("ParsePlan(%q) = %v, %v; want an invalid plan error with %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePlan(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParsePlan(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestFormatPlan(t *testing.T) {
	blocks := []heydoctor.WorkBlock{
		{Weekday: time.Sunday, Start: "1000", End: "1200"},
		{Weekday: time.Monday, Start: "0900", End: "1230"},
		{Weekday: time.Monday, Start: "1330", End: "1800"},
	}
	want := "월 0900-1230, 1330-1800\n일 1000-1200\n"
	if got := FormatPlan(blocks); got != want {
		t.Errorf("FormatPlan = %q, want %q", got, want)
	}
	back, err := ParsePlan(want)
	if err != nil {
		t.Fatal(err)
	}
	if got := FormatPlan(back); got != want {
		t.Errorf("FormatPlan(ParsePlan(%q)) = %q", want, got)
	}
}

func FuzzParseSpan(f *testing.F) {
	for _, s := range []string{"0900-1230", " 0900 - 1230 ", "0900", "-", "", "0900-1000-1100", "０９００-１２００"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := ParseSpan(s)
		if !strings.Contains(s, "-") {
			if err == nil || heydoctor.KindOf(err) != heydoctor.Invalid {
				t.Fatalf("ParseSpan(%q) = %+v, %v; want an invalid error without a dash", s, sp, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("ParseSpan(%q): %v", s, err)
		}
		if sp.Open != strings.TrimSpace(sp.Open) || sp.Close != strings.TrimSpace(sp.Close) || strings.Contains(sp.Open, "-") {
			t.Fatalf("ParseSpan(%q) = %+v: untrimmed or split at the wrong dash", s, sp)
		}
		again, err := ParseSpan(sp.Open + "-" + sp.Close)
		if err != nil || again != sp {
			t.Fatalf("ParseSpan(%q) = %+v, but its own text reads as %+v, %v", s, sp, again, err)
		}
	})
}

func FuzzParsePlan(f *testing.F) {
	for _, s := range []string{"월 0900-1230, 1330-1800\n토 0900-1300\n", "일 1-2", "\n\n화", "Mon 0900-1200", "월 0900", "수 0900-1200,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		blocks, err := ParsePlan(s)
		if err != nil {
			if heydoctor.KindOf(err) != heydoctor.Invalid || heydoctor.FieldOf(err) != "plan" || !strings.Contains(heydoctor.MessageOf(err), "번째 줄") {
				t.Fatalf("ParsePlan(%q) error %v: want an invalid plan error naming the line", s, err)
			}
			return
		}
		text := FormatPlan(blocks)
		back, err := ParsePlan(text)
		if err != nil {
			t.Fatalf("ParsePlan(FormatPlan(ParsePlan(%q)) = %q): %v", s, text, err)
		}
		if again := FormatPlan(back); again != text {
			t.Fatalf("plan text of %q does not read back: %q then %q", s, text, again)
		}
	})
}
