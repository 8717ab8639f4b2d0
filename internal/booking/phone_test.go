package booking

import (
	"testing"

	"heydoctor"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"mobile with hyphens", "010-1234-5678", "01012345678", false},
		{"mobile plain", "01012345678", "01012345678", false},
		{"mobile with spaces", " 010 1234 5678 ", "01012345678", false},
		{"international", "+82 10 1234 5678", "01012345678", false},
		{"international with zero", "+82-010-1234-5678", "01012345678", false},
		{"old mobile 10 digits", "011-123-4567", "0111234567", false},
		{"seoul 7", "02-123-4567", "021234567", false},
		{"seoul 8", "(02) 1234-5678", "0212345678", false},
		{"gyeonggi", "031 123 4567", "0311234567", false},
		{"jeju 8", "064.1234.5678", "06412345678", false},
		{"internet phone", "070-1234-5678", "07012345678", false},
		{"representative", "1588-1234", "15881234", false},
		{"mobile too short", "010-123-456", "", true},
		{"mobile too long", "010-1234-56789", "", true},
		{"letters", "010-1234-567a", "", true},
		{"empty", "", "", true},
		{"only punctuation", "--", "", true},
		{"unknown prefix", "099-123-4567", "", true},
		{"foreign country", "+1 202 555 0100", "", true},
		{"plus in the middle", "010+1234+5678", "", true},
		{"seoul starting 0", "02-012-3456", "", true},
		{"huge", "010123456780101234567801012345678", "", true},
		{"full-width digits", "０１０12345678", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizePhone(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("NormalizePhone(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if err != nil {
				if heydoctor.KindOf(err) != heydoctor.Invalid || heydoctor.FieldOf(err) != "phone" {
					t.Errorf("NormalizePhone(%q) error kind %v field %q, want invalid phone", tt.in, heydoctor.KindOf(err), heydoctor.FieldOf(err))
				}
				return
			}
			if got != tt.want {
				t.Errorf("NormalizePhone(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFormatPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"01012345678", "010-1234-5678"},
		{"0111234567", "011-123-4567"},
		{"0212345678", "02-1234-5678"},
		{"021234567", "02-123-4567"},
		{"0311234567", "031-123-4567"},
		{"07012345678", "070-1234-5678"},
		{"15881234", "1588-1234"},
		{"12345", "12345"},
		{"abc", "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := FormatPhone(tt.in); got != tt.want {
				t.Errorf("FormatPhone(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzNormalizePhone checks that any input either fails with a phone field error or gives
// digits that normalise to themselves and format back to the same digits.
func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"010-1234-5678", "+82 10 1234 5678", "02-123-4567", "031 123 4567", "1588-1234", "(02)1234-5678", "+", "+82", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := NormalizePhone(s)
		if err != nil {
			if heydoctor.FieldOf(err) != "phone" {
				t.Fatalf("error without the phone field: %v", err)
			}
			return
		}
		again, err := NormalizePhone(d)
		if err != nil || again != d {
			t.Fatalf("NormalizePhone(%q) = %q, renormalised %q, %v", s, d, again, err)
		}
		back, err := NormalizePhone(FormatPhone(d))
		if err != nil || back != d {
			t.Fatalf("format round trip of %q: %q, %v", d, back, err)
		}
	})
}
