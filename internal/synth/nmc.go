package synth

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"heydoctor"
)

// field is one element of an NMC item, in the alphabetical order the gateway uses.
type field struct{ key, value string }

// timeKeys are the NMC hour fields by OpeningHours day: close, then open (alphabetical).
var timeKeys = [8][2]string{
	{"dutyTime1c", "dutyTime1s"}, {"dutyTime2c", "dutyTime2s"}, {"dutyTime3c", "dutyTime3s"},
	{"dutyTime4c", "dutyTime4s"}, {"dutyTime5c", "dutyTime5s"}, {"dutyTime6c", "dutyTime6s"},
	{"dutyTime7c", "dutyTime7s"}, {"dutyTime8c", "dutyTime8s"},
}

// nmcFields renders in as the fields of an NMC getHsptlMdcncFullDown item. Days without
// hours are absent, as in the real service; postCdn2 keeps the gateway's trailing space.
func nmcFields(in *heydoctor.Institution, rnum int) []field {
	fs := make([]field, 0, 40)
	add := func(k, v string) {
		if v != "" {
			fs = append(fs, field{k, v})
		}
	}
	var names []string
	for _, code := range in.Departments {
		if d, ok := heydoctor.LookupDepartment(code); ok {
			names = append(names, d.Name)
		}
	}
	add("dgidIdName", strings.Join(names, ","))
	add("dutyAddr", in.Address)
	add("dutyDiv", in.TypeCode)
	add("dutyDivNam", in.TypeName)
	if in.Kind != heydoctor.KindPharmacy {
		if in.ER {
			add("dutyEryn", "1")
		} else {
			add("dutyEmcls", "G099")
			add("dutyEmclsName", "응급의료기관 이외")
			add("dutyEryn", "2")
		}
	}
	add("dutyEtc", in.Notes)
	add("dutyName", in.Name)
	add("dutyTel1", in.Phone)
	add("dutyTel3", in.ERPhone)
	for d, s := range in.Hours.Day {
		add(timeKeys[d][0], s.Close)
		add(timeKeys[d][1], s.Open)
	}
	add("hpid", in.HPID)
	if len(in.Postcode) == 5 {
		add("postCdn1", in.Postcode[:3])
		add("postCdn2", in.Postcode[3:]+" ")
	} else {
		add("postCdn1", in.Postcode)
	}
	add("rnum", strconv.Itoa(rnum))
	if in.HasLocation() {
		add("wgs84Lat", strconv.FormatFloat(in.Lat, 'f', -1, 64))
		add("wgs84Lon", strconv.FormatFloat(in.Lng, 'f', -1, 64))
	}
	return fs
}

// WriteNMCXML writes items as one page of NMC getHsptlMdcncFullDown XML, envelope included,
// so importers can be fed national volumes. Pharmacies are written in the same page with
// dutyDiv H and without the emergency fields; filter items first to mimic one service.
func WriteNMCXML(w io.Writer, items []*heydoctor.Institution) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	bw.WriteString("<response><header><resultCode>00</resultCode><resultMsg>NORMAL SERVICE.</resultMsg></header><body><items>\n")
	rnum := 0
	for _, in := range items {
		if in == nil {
			continue
		}
		rnum++
		bw.WriteString("<item>")
		for _, f := range nmcFields(in, rnum) {
			bw.WriteByte('<')
			bw.WriteString(f.key)
			bw.WriteByte('>')
			escapeXML(bw, f.value)
			bw.WriteString("</")
			bw.WriteString(f.key)
			bw.WriteByte('>')
		}
		bw.WriteString("</item>\n")
	}
	fmt.Fprintf(bw, "</items><numOfRows>%d</numOfRows><pageNo>1</pageNo><totalCount>%d</totalCount></body></response>\n", rnum, rnum)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write nmc xml: %w", err)
	}
	return nil
}

// escapeXML writes s as XML character data. Like xml.EscapeText it replaces characters XML
// cannot carry (control characters, invalid UTF-8) with U+FFFD, but without allocating.
func escapeXML(w *bufio.Writer, s string) {
	last := 0
	for i, r := range s {
		var esc string
		switch {
		case r == '&':
			esc = "&amp;"
		case r == '<':
			esc = "&lt;"
		case r == '>':
			esc = "&gt;"
		case r == '\n':
			esc = "&#xA;"
		case r == '\r':
			esc = "&#xD;"
		case r == '\t':
			esc = "&#x9;"
		case r == utf8.RuneError && strings.HasPrefix(s[i:], "\uFFFD"):
			continue
		case r < 0x20, r == utf8.RuneError, r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
			esc = "\uFFFD"
		default:
			continue
		}
		w.WriteString(s[last:i])
		w.WriteString(esc)
		_, size := utf8.DecodeRuneInString(s[i:])
		last = i + size
	}
	w.WriteString(s[last:])
}

// WriteNMCJSON writes items as one page of the same service with _type=json, including the
// gateway's habit of turning text into a number whenever that loses nothing ("dutyTime1c":
// 1900 but "dutyTime1s":"0900"), a single item as a bare object, and "" for no items.
func WriteNMCJSON(w io.Writer, items []*heydoctor.Institution) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var live []*heydoctor.Institution
	for _, in := range items {
		if in != nil {
			live = append(live, in)
		}
	}
	bw.WriteString(`{"response":{"header":{"resultCode":"00","resultMsg":"NORMAL SERVICE."},"body":{"items":`)
	switch len(live) {
	case 0:
		bw.WriteString(`""`)
	case 1:
		bw.WriteString(`{"item":`)
	default:
		bw.WriteString(`{"item":[`)
	}
	for i, in := range live {
		if i > 0 {
			bw.WriteString(",\n")
		}
		bw.WriteByte('{')
		for j, f := range nmcFields(in, i+1) {
			if j > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString(`"` + f.key + `":`)
			if err := writeJSONValue(bw, f.value); err != nil {
				return fmt.Errorf("write nmc json item %d field %s: %w", i+1, f.key, err)
			}
		}
		bw.WriteByte('}')
	}
	switch len(live) {
	case 0:
	case 1:
		bw.WriteByte('}')
	default:
		bw.WriteString("]}")
	}
	fmt.Fprintf(bw, `,"numOfRows":%d,"pageNo":1,"totalCount":%d}}}`+"\n", len(live), len(live))
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write nmc json: %w", err)
	}
	return nil
}

// writeJSONValue writes s as a JSON number when the round trip is exact, else as a string.
func writeJSONValue(w io.Writer, s string) error {
	if v, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(v, 0) && !math.IsNaN(v) && strconv.FormatFloat(v, 'f', -1, 64) == s {
		_, err := io.WriteString(w, s)
		return err
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
