package paths

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sitePaths are the website routes the paths point to, as internal/web registers them,
// each with a path built for it.
var sitePaths = []struct {
	pattern string
	path    string
}{
	{"GET /hospitals/{id}", Hospital(42)},
	{"GET /reservations/lookup", Lookup()},
	{"GET /queue/{ticket}", Ticket("T3X9K2")},
}

// TestPathsMatchPatterns checks that each path is served by its pattern and no other.
func TestPathsMatchPatterns(t *testing.T) {
	mux := http.NewServeMux()
	for _, p := range sitePaths {
		mux.Handle(p.pattern, http.NotFoundHandler())
	}
	for _, p := range sitePaths {
		req, err := http.NewRequest("GET", "https://heydoctor.example"+p.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, got := mux.Handler(req); got != p.pattern {
			t.Errorf("%s is served by %q, want %q", p.path, got, p.pattern)
		}
	}
}

func TestPaths(t *testing.T) {
	tests := []struct{ got, want string }{
		{Hospital(42), "/hospitals/42"},
		{Lookup(), "/reservations/lookup"},
		{Ticket("T3X9K2"), "/queue/T3X9K2"},
		{Ticket("a/b"), "/queue/a%2Fb"},
		{KakaoMap("시화병원", 37.3456789, 126.7), "https://map.kakao.com/link/map/%EC%8B%9C%ED%99%94%EB%B3%91%EC%9B%90,37.345679,126.700000"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// TestPatternsRegistered reads internal/web's sources and checks that each pattern is
// registered there, so that renaming a route there breaks this test, not the links.
func TestPatternsRegistered(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "web", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("internal/web sources: %v (%d files)", err, len(files))
	}
	registered := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "Handle" {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					registered[s] = true
				}
			}
			return true
		})
	}
	if len(registered) == 0 {
		t.Fatal("found no Handle calls in internal/web")
	}
	for _, p := range sitePaths {
		if !registered[p.pattern] {
			t.Errorf("internal/web registers no %q", p.pattern)
		}
	}
}

// A comma in a name would end the name early in Kakao Map's name,lat,lng link.
func TestKakaoMapKeepsThreeParts(t *testing.T) {
	got := KakaoMap("연세,튼튼 의원", 37.5, 127.25)
	if got != "https://map.kakao.com/link/map/%EC%97%B0%EC%84%B8%20%ED%8A%BC%ED%8A%BC%20%EC%9D%98%EC%9B%90,37.500000,127.250000" {
		t.Errorf("KakaoMap = %s", got)
	}
}
