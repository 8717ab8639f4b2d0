package publicdata

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"

	"heydoctor"
)

// A HIRA bulk release ("전국 병의원 및 약국 현황 2026.3") is a ZIP of twelve tables whose
// file names drift between releases ("1.병원정보서비스 2024.12.xlsx",
// "1.병원정보서비스(2026.3.).xlsx", "1. 병원정보서비스 2020.3.csv"); only the number
// before the first dot is stable. HeyDoctor reads four of them.
const (
	MemberHospitals   = 1 // 병원정보서비스
	MemberPharmacies  = 2 // 약국정보서비스
	MemberDetail      = 4 // 의료기관별상세정보서비스_02_세부정보
	MemberDepartments = 5 // 의료기관별상세정보서비스_03_진료과목정보
)

type releaseTable struct {
	number int
	name   string
	scope  string
}

// releaseTables names the members HeyDoctor reads and the table each must hold.
var releaseTables = []releaseTable{
	{MemberHospitals, "병원정보서비스", "hira:hospital"},
	{MemberPharmacies, "약국정보서비스", "hira:pharmacy"},
	{MemberDetail, "의료기관별상세정보서비스_02_세부정보", "hira:detail"},
	{MemberDepartments, "의료기관별상세정보서비스_03_진료과목정보", "hira:departments"},
}

// Release is a HIRA bulk release as read from its ZIP.
type Release struct {
	// Members are the tables read, in the order they must be applied (hospitals and
	// pharmacies before the tables that describe them).
	Members []Member
	// Skipped are the ZIP entries HeyDoctor does not use (시설정보, 교통정보, …).
	Skipped []string
	// Missing names the tables HeyDoctor uses that the ZIP lacks; what is there is
	// still read.
	Missing []string
}

// Member is one table of a release.
type Member struct {
	Number int
	Name   string // the entry's file name in the ZIP
	*Result
}

// ReleaseProgress is told how far reading has come: the member being read and its
// rows so far, and how many of the members have been read completely.
type ReleaseProgress func(member string, rows, membersDone, members int)

// IsRelease reports whether a ZIP archive is a bulk release rather than one XLSX
// workbook (which is a ZIP too): a workbook has [Content_Types].xml at its root.
func IsRelease(r io.ReaderAt, size int64) bool {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return false
	}
	for _, f := range zr.File {
		if f.Name == "[Content_Types].xml" {
			return false
		}
	}
	return true
}

// OpenRelease reads the release at path; see ReadRelease.
func OpenRelease(path string, progress ReleaseProgress) (*Release, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return ReadRelease(f, st.Size(), progress)
}

// ReadRelease reads the tables HeyDoctor uses from a HIRA bulk release. It fails, and
// nothing of it should be imported, when the archive is not a ZIP or is truncated,
// when no entry is a HIRA table, when a used table has a column it does not know
// (the error names the column and the entry) or holds another table than its number
// says. Bad rows are rejected in each member's Result. progress may be nil.
func ReadRelease(r io.ReaderAt, size int64, progress ReleaseProgress) (*Release, error) {
	return parser{maxInput: MaxInput, maxField: MaxField}.readRelease(r, size, progress)
}

func (p parser) readRelease(r io.ReaderAt, size int64, progress ReleaseProgress) (*Release, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("not a HIRA release: the file is not a complete ZIP archive (truncated download?): %w", err)
	}
	rel := &Release{}
	byNumber := make(map[int]*zip.File)
	names := make(map[*zip.File]string)
	for _, f := range zr.File {
		name := entryName(f)
		names[f] = name
		if strings.HasSuffix(name, "/") {
			continue
		}
		n, ok := memberNumber(name)
		known := ok && slices.ContainsFunc(releaseTables, func(t releaseTable) bool { return t.number == n })
		lower := strings.ToLower(name)
		if !known || !(strings.HasSuffix(lower, ".xlsx") || strings.HasSuffix(lower, ".csv")) {
			rel.Skipped = append(rel.Skipped, name)
			continue
		}
		if prev, dup := byNumber[n]; dup {
			return nil, fmt.Errorf("not a HIRA release: entries %q and %q both have number %d", names[prev], name, n)
		}
		byNumber[n] = f
	}
	if len(byNumber) == 0 {
		return nil, errors.New("not a HIRA release: no entry is numbered like 1.병원정보서비스, 2.약국정보서비스, 4.…세부정보 or 5.…진료과목정보")
	}
	// The tables are parsed two at a time: XML decoding is most of an import's time and
	// the largest table (진료과목, 430,000 rows) takes as long as the three others.
	type result struct {
		res *Result
		err error
	}
	results := make([]result, len(releaseTables))
	var (
		mu   sync.Mutex
		done int
		wg   sync.WaitGroup
	)
	report := func(name string, rows int) {
		if progress != nil {
			mu.Lock()
			defer mu.Unlock()
			progress(name, rows, done, len(byNumber))
		}
	}
	sem := make(chan struct{}, 2)
	// Largest first, so that the others run beside it.
	order := []int{3, 0, 1, 2}
	for _, i := range order {
		f, ok := byNumber[releaseTables[i].number]
		if !ok {
			continue
		}
		wg.Add(1)
		sem <- struct{}{} // taken here, in order, so the largest table starts first
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			name := names[f]
			report(name, 0)
			res, err := p.readMember(f, func(n int) { report(name, n) })
			mu.Lock()
			done++
			mu.Unlock()
			results[i] = result{res, err}
			if err == nil {
				report(name, res.Read)
			}
		}()
	}
	wg.Wait()
	for i, t := range releaseTables {
		f, ok := byNumber[t.number]
		if !ok {
			rel.Missing = append(rel.Missing, fmt.Sprintf("%d.%s", t.number, t.name))
			continue
		}
		name := names[f]
		res, err := results[i].res, results[i].err
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if tableKind(res.Format) != t.scope {
			return nil, fmt.Errorf("%s: entry %d should be %s, but its columns are those of %s", name, t.number, t.name, res.Format)
		}
		rel.Members = append(rel.Members, Member{Number: t.number, Name: name, Result: res})
	}
	return rel, nil
}

func (p parser) readMember(f *zip.File, onRow func(int)) (*Result, error) {
	if f.UncompressedSize64 > uint64(p.maxInput) {
		return nil, fmt.Errorf("entry is larger than %d bytes", p.maxInput)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// ReadAll checks the entry's checksum at its end: a damaged archive fails here.
	data, err := io.ReadAll(io.LimitReader(rc, p.maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("read entry (damaged or truncated archive?): %w", err)
	}
	p.onRow = onRow
	return p.parse(bytes.NewReader(data), "")
}

// entryName decodes a ZIP entry's name: archives made on Korean Windows store CP949
// names without the UTF-8 flag.
func entryName(f *zip.File) string {
	if utf8.ValidString(f.Name) {
		return f.Name
	}
	if out, err := korean.EUCKR.NewDecoder().String(f.Name); err == nil {
		return out
	}
	return f.Name
}

// memberNumber reads the number before the first dot of an entry's base name.
func memberNumber(name string) (int, bool) {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(name)
	n, k := 0, 0
	for k < len(name) && k < 3 && name[k] >= '0' && name[k] <= '9' {
		n = n*10 + int(name[k]-'0')
		k++
	}
	if k == 0 || k >= len(name) || name[k] != '.' {
		return 0, false
	}
	return n, true
}

// Member returns the member with a number, or nil.
func (r *Release) Member(number int) *Member {
	for i := range r.Members {
		if r.Members[i].Number == number {
			return &r.Members[i]
		}
	}
	return nil
}

// Institutions merges the members into one complete record per institution of tables
// 1 and 2: hours, lunch breaks and closures from 세부정보, departments and specialist
// counts from 진료과목정보, and an emergency room only where a hospital-grade
// institution says it runs one. Carries says which fields the release publishes for it.
// Rows of tables 4 and 5 whose institution is not in tables 1 or 2 are left out and
// counted in orphans.
func (r *Release) Institutions() (list []heydoctor.Institution, orphans int) {
	index := make(map[string]int)
	for _, n := range []int{MemberHospitals, MemberPharmacies} {
		if m := r.Member(n); m != nil {
			for _, in := range m.Institutions {
				index[in.YKIHO] = len(list)
				list = append(list, in)
			}
		}
	}
	for _, n := range []int{MemberDetail, MemberDepartments} {
		m := r.Member(n)
		if m == nil {
			continue
		}
		for i := range m.Institutions {
			part := &m.Institutions[i]
			j, ok := index[part.YKIHO]
			if !ok {
				orphans++
				continue
			}
			MergeFields(&list[j], part)
		}
	}
	return list, orphans
}

// MergeFields writes into dst the field groups src carries; see heydoctor.Institution.Merge.
func MergeFields(dst *heydoctor.Institution, src *heydoctor.Institution) {
	dst.Merge(src, heydoctor.AllFields)
}
