package web

import (
	"html/template"
	"strings"
	"testing"
)

func TestCheckTemplateCalls(t *testing.T) {
	tests := []struct {
		name, src, wantErr string
	}{
		{"all defined", `{{define "page"}}{{template "head" .}}{{end}}{{define "head"}}x{{end}}`, ""},
		{"missing at top", `{{define "page"}}{{template "console-head" .}}{{end}}`, `undefined template "console-head"`},
		{"missing inside if", `{{define "page"}}{{if .}}{{else}}{{range .}}{{template "row" .}}{{end}}{{end}}{{end}}`, `undefined template "row"`},
		{"missing inside with", `{{define "page"}}{{with .}}{{template "x" .}}{{end}}{{end}}`, `undefined template "x"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set := template.Must(template.New("set").Parse(tc.src))
			err := checkTemplateCalls(set)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("checkTemplateCalls = %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("checkTemplateCalls = %v, want an error with %q", err, tc.wantErr)
			}
		})
	}
}
