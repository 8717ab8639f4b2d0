package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"text/template/parse"
	"time"

	"heydoctor"
)

//go:embed templates/*.html templates/partials/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds the parsed templates and the content-hashed static asset names.
type pages struct {
	tmpl   map[string]*template.Template
	hashed map[string]string // "app.css" → "app.1a2b3c4d5e.css"
	byHash map[string]string // the reverse
}

func newPages() (*pages, error) {
	p := &pages{tmpl: map[string]*template.Template{}, hashed: map[string]string{}, byHash: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		rel := strings.TrimPrefix(name, "static/")
		ext := path.Ext(rel)
		h := strings.TrimSuffix(rel, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		p.hashed[rel], p.byHash[h] = h, rel
		return nil
	})
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			h, ok := p.hashed[name]
			if !ok {
				return "", fmt.Errorf("unknown asset %q", name)
			}
			return "/static/" + h, nil
		},
		"kst":  func(t time.Time) string { return t.In(heydoctor.KST).Format("2006-01-02 15:04") },
		"hhmm": func(t time.Time) string { return t.In(heydoctor.KST).Format("15:04") },
	}
	entries, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := path.Base(e)
		if name == "layout.html" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html", e)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		if err := checkTemplateCalls(t); err != nil {
			return nil, fmt.Errorf("page %s: %w", name, err)
		}
		p.tmpl[strings.TrimSuffix(name, ".html")] = t
	}
	return p, nil
}

// checkTemplateCalls fails when a template of the set calls {{template "x"}} for an x the set
// does not define. html/template only notices at execution time, so without this check a page
// that nobody happened to load answers 500 in production.
func checkTemplateCalls(set *template.Template) error {
	defined := map[string]bool{}
	for _, t := range set.Templates() {
		defined[t.Name()] = true
	}
	for _, t := range set.Templates() {
		if t.Tree == nil {
			continue
		}
		var missing error
		walkTemplateNodes(t.Tree.Root, func(n *parse.TemplateNode) {
			if missing == nil && !defined[n.Name] {
				missing = fmt.Errorf("template %q calls undefined template %q", t.Name(), n.Name)
			}
		})
		if missing != nil {
			return missing
		}
	}
	return nil
}

// walkTemplateNodes calls fn for every {{template}} action under n.
func walkTemplateNodes(n parse.Node, fn func(*parse.TemplateNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkTemplateNodes(c, fn)
		}
	case *parse.TemplateNode:
		fn(n)
	case *parse.IfNode:
		walkTemplateNodes(n.List, fn)
		walkTemplateNodes(n.ElseList, fn)
	case *parse.RangeNode:
		walkTemplateNodes(n.List, fn)
		walkTemplateNodes(n.ElseList, fn)
	case *parse.WithNode:
		walkTemplateNodes(n.List, fn)
		walkTemplateNodes(n.ElseList, fn)
	}
}

// pageData is what every page gets besides its own fields.
type pageData struct {
	Title     string
	RequestID string
	Page      any
}

// render executes a page into a buffer first, so that a template error never sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) error {
	t, ok := s.pages.tmpl[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", pageData{Title: title, RequestID: requestID(r.Context()), Page: data}); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// contentSecurityPolicy allows our own assets, the map tiles and SDKs the results map uses, and nothing inline.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data: https://*.tile.openstreetmap.org https://*.daumcdn.net https://*.kakao.com; " +
	"script-src 'self' https://unpkg.com https://dapi.kakao.com https://*.daumcdn.net; style-src 'self' https://unpkg.com; " +
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

// renderError shows an error in the site's look, without internal details.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	data := struct {
		Status  int
		Message string
	}{status, msg}
	if err := s.render(w, r, status, "error", fmt.Sprintf("%d", status), data); err != nil {
		s.log.Error("render error page", "err", err)
		http.Error(w, msg, status)
	}
}

// handleStatic serves embedded assets by content-hashed name with a year-long immutable cache.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("file")
	rel, ok := s.pages.byHash[name]
	if !ok {
		return heydoctor.Errorf(heydoctor.NotFound, "파일을 찾을 수 없습니다")
	}
	b, err := staticFS.ReadFile("static/" + rel)
	if err != nil {
		return err
	}
	ct := mime.TypeByExtension(path.Ext(rel))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, rel, time.Time{}, bytes.NewReader(b))
	return nil
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) error {
	var data struct {
		Departments []heydoctor.Department
	}
	for _, code := range homeDepartments {
		if d, ok := heydoctor.LookupDepartment(code); ok {
			data.Departments = append(data.Departments, d)
		}
	}
	return s.render(w, r, http.StatusOK, "home", "", data)
}

// homeDepartments are the buttons on the home page, the departments people look for most.
var homeDepartments = []string{"D001", "D002", "D013", "D008", "D005", "D012", "D011", "D022", "D026", "D014", "D004", "D003"}
