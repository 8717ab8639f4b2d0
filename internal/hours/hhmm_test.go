package hours

import (
	"strings"
	"testing"

	"heydoctor"
)

func TestParseHHMM(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    int
		wantErr string // substring of the error; "" means success
	}{
		{"four digits", "0900", 540, ""},
		{"three digits", "900", 540, ""},
		{"spaces around", "  0900 ", 540, ""},
		{"tab and newline", "\t1830\n", 1110, ""},
		{"midnight", "0000", 0, ""},
		{"single digit", "0", 0, ""},
		{"two digits are minutes", "30", 30, ""},
		{"odd minutes", "1910", 1150, ""},
		{"end of day", "2400", 1440, ""},
		{"next day half past", "2430", 1470, ""},
		{"next day one", "2500", 1500, ""},
		{"next day two", "2600", 1560, ""},
		{"upper bound", "4800", 2880, ""},
		{"past upper bound", "4801", 0, "4800"},
		{"minutes 60", "0960", 0, "분은"},
		{"minutes 99", "1299", 0, "분은"},
		{"empty", "", 0, "비어"},
		{"only spaces", "   ", 0, "비어"},
		{"negative", "-900", 0, "숫자가 아닌"},
		{"plus sign", "+900", 0, "숫자가 아닌"},
		{"colon", "09:00", 0, "네 자리"},
		{"colon short", "9:00", 0, "숫자가 아닌"},
		{"letters", "09OO", 0, "숫자가 아닌"},
		{"inner space", "09 0", 0, "숫자가 아닌"},
		{"full-width digits", "０９００", 0, "네 자리"},
		{"five digits", "09000", 0, "네 자리"},
		{"overly long", strings.Repeat("9", 1000), 0, "너무 길어요"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseHHMM(tt.in)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseHHMM(%q) = %d, want error containing %q", tt.in, got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("ParseHHMM(%q) error = %q, want it to contain %q", tt.in, err, tt.wantErr)
				}
				if k := heydoctor.KindOf(err); k != heydoctor.Invalid {
					t.Errorf("ParseHHMM(%q) error kind = %v, want invalid", tt.in, k)
				}
				if len(err.Error()) > 300 {
					t.Errorf("ParseHHMM error is %d bytes long, want it bounded", len(err.Error()))
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseHHMM(%q) error: %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseHHMM(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeHHMM(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"900", "0900", false},
		{"0900", "0900", false},
		{" 1830 ", "1830", false},
		{"0", "0000", false},
		{"2400", "2400", false},
		{"2430", "2430", false},
		{"4800", "4800", false},
		{"", "", true},
		{"9.5", "", true},
		{"1260", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeHHMM(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("NormalizeHHMM(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("NormalizeHHMM(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzParseHHMM(f *testing.F) {
	for _, s := range []string{"0900", "900", " 0900 ", "2400", "2430", "2500", "2600", "0000", "1910", "0850", "4800", "-1", "09:00", "", "99999", "０９"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseHHMM(s)
		if err != nil {
			if heydoctor.KindOf(err) != heydoctor.Invalid {
				t.Fatalf("ParseHHMM(%q) error kind %v, want invalid", s, heydoctor.KindOf(err))
			}
			if _, nerr := NormalizeHHMM(s); nerr == nil {
				t.Fatalf("NormalizeHHMM(%q) accepted what ParseHHMM rejected", s)
			}
			return
		}
		if m < 0 || m > 2880 {
			t.Fatalf("ParseHHMM(%q) = %d, out of 0..2880", s, m)
		}
		n, err := NormalizeHHMM(s)
		if err != nil || len(n) != 4 {
			t.Fatalf("NormalizeHHMM(%q) = %q, %v; want four digits", s, n, err)
		}
		if m2, err := ParseHHMM(n); err != nil || m2 != m {
			t.Fatalf("ParseHHMM(NormalizeHHMM(%q) = %q) = %d, %v; want %d", s, n, m2, err, m)
		}
	})
}
