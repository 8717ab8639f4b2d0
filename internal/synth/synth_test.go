package synth

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"heydoctor"
)

func TestGenerateDeterministic(t *testing.T) {
	a, b := Generate(500, 42), Generate(500, 42)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("same seed, different output: mismatch (-want +got):\n%s", diff)
	}
	var xa, xb bytes.Buffer
	if err := WriteNMCXML(&xa, a); err != nil {
		t.Fatal(err)
	}
	if err := WriteNMCXML(&xb, b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(xa.Bytes(), xb.Bytes()) {
		t.Error("same items, different XML")
	}
	if c := Generate(500, 43); a[0].HPID == c[0].HPID && a[0].Name == c[0].Name && a[0].Lat == c[0].Lat {
		t.Error("different seeds gave the same output")
	}
}

func TestGenerateSizes(t *testing.T) {
	tests := []struct {
		name string
		n    int
		want int
	}{
		{"negative", -5, 0},
		{"zero", 0, 0},
		{"one", 1, 1},
		{"some", 123, 123},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := len(Generate(tt.n, 1)); got != tt.want {
				t.Errorf("len(Generate(%d)) = %d, want %d", tt.n, got, tt.want)
			}
		})
	}
}

func TestGenerateDistribution(t *testing.T) {
	const n = 40_000
	items := Generate(n, 7)
	byType := map[string]int{}
	bySido := map[string]int{}
	hpids := map[string]bool{}
	var hospitals, er, noHours, allDay, pastMidnight int
	for i, in := range items {
		if in.ID != int64(i+1) {
			t.Fatalf("item %d: ID = %d", i, in.ID)
		}
		if !heydoctor.InKorea(in.Lat, in.Lng) {
			t.Errorf("%s: (%v, %v) not in Korea", in.HPID, in.Lat, in.Lng)
		}
		if !in.Kind.Valid() || in.Name == "" || in.Address == "" || len(in.Postcode) != 5 || in.Phone == "" {
			t.Errorf("%s: incomplete: %+v", in.HPID, in)
		}
		if len(in.HPID) != 8 || hpids[in.HPID] {
			t.Errorf("HPID %q malformed or repeated", in.HPID)
		}
		hpids[in.HPID] = true
		for _, d := range in.Departments {
			if _, ok := heydoctor.LookupDepartment(d); !ok {
				t.Errorf("%s: unknown department %q", in.HPID, d)
			}
		}
		if in.Kind != heydoctor.KindPharmacy && len(in.Departments) == 0 {
			t.Errorf("%s (%s): no departments", in.HPID, in.TypeName)
		}
		checkHours(t, in)
		byType[in.TypeCode]++
		bySido[strings.Fields(in.Address)[0]]++
		if in.Kind == heydoctor.KindHospital {
			hospitals++
			if in.ER {
				er++
			}
		}
		switch {
		case !in.Hours.Known():
			noHours++
		case in.Hours.Day[0] == heydoctor.Span{Open: "0000", Close: "2400"}:
			allDay++
		}
		if c := in.Hours.Day[0].Close; c > "2400" || (c != "" && c < in.Hours.Day[0].Open) {
			pastMidnight++
		}
	}
	pct := func(k int) float64 { return 100 * float64(k) / n }
	near := func(name string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got-want) > tol {
			t.Errorf("%s = %.2f%%, want %.1f%% ± %.1f", name, got, want, tol)
		}
	}
	near("약국", pct(byType["H"]), 24, 1.5)
	near("의원", pct(byType["C"]), 35, 1.5)
	near("치과의원", pct(byType["N"]), 18, 1.5)
	near("한의원", pct(byType["G"]), 14, 1.5)
	near("서울", pct(bySido["서울특별시"]), 19, 2)
	near("경기", pct(bySido["경기도"]), 26, 2)
	near("부산", pct(bySido["부산광역시"]), 6.5, 1)
	near("인천", pct(bySido["인천광역시"]), 5.7, 1)
	near("hours unknown", pct(noHours), 8, 1)
	near("24 hours", pct(allDay), 1, 0.5)
	near("ER among hospitals", 100*float64(er)/float64(hospitals), 5, 2.5)
	if pastMidnight == 0 {
		t.Error("no late-night institution closes past midnight")
	}
}

// checkHours checks every published time is HHMM and every day is fully filled or empty.
func checkHours(tb testing.TB, in *heydoctor.Institution) {
	tb.Helper()
	for d, s := range in.Hours.Day {
		if s.IsZero() {
			continue
		}
		for _, v := range []string{s.Open, s.Close} {
			n, err := strconv.Atoi(v)
			if len(v) != 4 || err != nil || n%100 > 59 || n > 2600 {
				tb.Errorf("%s day %d: bad time %q", in.HPID, d, v)
			}
		}
	}
}

// xmlItem holds the NMC fields the round-trip test checks.
type xmlItem struct {
	HPID       string `xml:"hpid"`
	Name       string `xml:"dutyName"`
	Addr       string `xml:"dutyAddr"`
	Div        string `xml:"dutyDiv"`
	DivNam     string `xml:"dutyDivNam"`
	Eryn       string `xml:"dutyEryn"`
	Tel1       string `xml:"dutyTel1"`
	Tel3       string `xml:"dutyTel3"`
	Etc        string `xml:"dutyEtc"`
	Depts      string `xml:"dgidIdName"`
	Lat        string `xml:"wgs84Lat"`
	Lon        string `xml:"wgs84Lon"`
	Post1      string `xml:"postCdn1"`
	Post2      string `xml:"postCdn2"`
	Time1s     string `xml:"dutyTime1s"`
	Time1c     string `xml:"dutyTime1c"`
	Time6c     string `xml:"dutyTime6c"`
	Time7s     string `xml:"dutyTime7s"`
	Time8c     string `xml:"dutyTime8c"`
	Rnum       int    `xml:"rnum"`
	ExtraField string `xml:"dutyMapimg"`
}

type xmlResponse struct {
	ResultCode string    `xml:"header>resultCode"`
	Items      []xmlItem `xml:"body>items>item"`
	TotalCount int       `xml:"body>totalCount"`
}

func wantXMLItem(in *heydoctor.Institution, rnum int) xmlItem {
	var names []string
	for _, c := range in.Departments {
		d, _ := heydoctor.LookupDepartment(c)
		names = append(names, d.Name)
	}
	w := xmlItem{
		HPID: in.HPID, Name: in.Name, Addr: in.Address, Div: in.TypeCode, DivNam: in.TypeName,
		Tel1: in.Phone, Tel3: in.ERPhone, Etc: in.Notes, Depts: strings.Join(names, ","),
		Lat: strconv.FormatFloat(in.Lat, 'f', -1, 64), Lon: strconv.FormatFloat(in.Lng, 'f', -1, 64),
		Post1: in.Postcode[:3], Post2: in.Postcode[3:] + " ",
		Time1s: in.Hours.Day[0].Open, Time1c: in.Hours.Day[0].Close, Time6c: in.Hours.Day[5].Close,
		Time7s: in.Hours.Day[6].Open, Time8c: in.Hours.Day[7].Close, Rnum: rnum,
	}
	if in.Kind != heydoctor.KindPharmacy {
		w.Eryn = "2"
		if in.ER {
			w.Eryn = "1"
		}
	}
	return w
}

func TestWriteNMCXMLRoundTrip(t *testing.T) {
	items := Generate(2000, 3)
	// Hostile text must still produce well-formed XML.
	items[0].Name = `<꿈&"약국">` + "\x01"
	items[0].Notes = "첫 줄\n둘째 줄 ]]>"
	var buf bytes.Buffer
	if err := WriteNMCXML(&buf, items); err != nil {
		t.Fatal(err)
	}
	var got xmlResponse
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if got.ResultCode != "00" || got.TotalCount != len(items) || len(got.Items) != len(items) {
		t.Fatalf("resultCode %q, totalCount %d, %d items; want 00, %d, %d", got.ResultCode, got.TotalCount, len(got.Items), len(items), len(items))
	}
	items[0].Name = `<꿈&"약국">` + "\uFFFD" // control characters are not allowed in XML
	for i, in := range items {
		if diff := cmp.Diff(wantXMLItem(in, i+1), got.Items[i]); diff != "" {
			t.Fatalf("item %d mismatch (-want +got):\n%s", i, diff)
		}
	}
}

func TestWriteNMCJSON(t *testing.T) {
	items := Generate(300, 5)
	tests := []struct {
		name  string
		items []*heydoctor.Institution
	}{
		{"none", nil},
		{"one", items[:1]},
		{"many", items},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteNMCJSON(&buf, tt.items); err != nil {
				t.Fatal(err)
			}
			var env struct {
				Response struct {
					Body struct {
						Items      json.RawMessage `json:"items"`
						TotalCount int             `json:"totalCount"`
					} `json:"body"`
				} `json:"response"`
			}
			if err := json.Unmarshal(buf.Bytes(), &env); err != nil {
				t.Fatalf("decode: %v\n%s", err, buf.Bytes())
			}
			if got := env.Response.Body.TotalCount; got != len(tt.items) {
				t.Errorf("totalCount = %d, want %d", got, len(tt.items))
			}
			var rows []map[string]any
			switch len(tt.items) {
			case 0:
				if string(env.Response.Body.Items) != `""` {
					t.Errorf("items = %s, want \"\"", env.Response.Body.Items)
				}
				return
			case 1:
				var one struct{ Item map[string]any }
				if err := json.Unmarshal(env.Response.Body.Items, &one); err != nil {
					t.Fatalf("single item is not a bare object: %v", err)
				}
				rows = append(rows, one.Item)
			default:
				var many struct{ Item []map[string]any }
				if err := json.Unmarshal(env.Response.Body.Items, &many); err != nil {
					t.Fatal(err)
				}
				rows = many.Item
			}
			for i, in := range tt.items {
				row := rows[i]
				if row["hpid"] != in.HPID || row["dutyName"] != in.Name {
					t.Errorf("row %d: hpid %v name %v, want %s %s", i, row["hpid"], row["dutyName"], in.HPID, in.Name)
				}
				if lat, ok := row["wgs84Lat"].(float64); !ok || lat != in.Lat {
					t.Errorf("row %d: wgs84Lat = %#v, want number %v", i, row["wgs84Lat"], in.Lat)
				}
				// The gateway's quirk: "0900" stays text, "1800" becomes a number.
				for d, s := range in.Hours.Day {
					k := "dutyTime" + strconv.Itoa(d+1)
					for _, kv := range [][2]string{{k + "s", s.Open}, {k + "c", s.Close}} {
						got, v := row[kv[0]], kv[1]
						switch {
						case v == "":
							if got != nil {
								t.Errorf("row %d: %s = %v, want absent", i, kv[0], got)
							}
						case v[0] == '0' && v != "0":
							if got != v {
								t.Errorf("row %d: %s = %#v, want string %q", i, kv[0], got, v)
							}
						default:
							if f, ok := got.(float64); !ok || strconv.Itoa(int(f)) != v {
								t.Errorf("row %d: %s = %#v, want number %s", i, kv[0], got, v)
							}
						}
					}
				}
			}
		})
	}
}

func BenchmarkGenerate100k(b *testing.B) {
	for b.Loop() {
		Generate(100_000, 1)
	}
}

func TestHPIDSpill(t *testing.T) {
	g := &gen{seq: map[hpidKey]int{{'A', 11}: 99998, {'A', 90}: 99999}}
	tests := []struct{ want string }{{"A1199999"}, {"A9100001"}, {"A9100002"}}
	for _, tt := range tests {
		if got := g.hpid('A', 11); got != tt.want {
			t.Errorf("hpid = %q, want %q", got, tt.want)
		}
	}
	for r := 90; r <= 99; r++ {
		g.seq[hpidKey{'A', r}] = 99999
	}
	if got, want := g.hpid('A', 11), "Z0000001"; got != want {
		t.Errorf("hpid after every region is full = %q, want %q", got, want)
	}
}

// FuzzWriteNMC checks that hostile text still yields well-formed XML and valid JSON.
func FuzzWriteNMC(f *testing.F) {
	f.Add("행복내과의원", "서울특별시 강남구 중앙로 1 (상동)", "점심시간 13:00~14:00", "0900", "0100")
	f.Add("<a>&b", "]]>", "\x00\x01\uFFFE", "1900", "1e5")
	f.Add("365", "NaN", "-0", "+Inf", "0.5")
	f.Fuzz(func(t *testing.T, name, addr, notes, open, close string) {
		in := Generate(1, 1)[0]
		in.Name, in.Address, in.Notes = name, addr, notes
		in.Hours.Day[2] = heydoctor.Span{Open: open, Close: close}
		var x, j bytes.Buffer
		if err := WriteNMCXML(&x, []*heydoctor.Institution{in, in}); err != nil {
			t.Fatal(err)
		}
		var resp xmlResponse
		if err := xml.Unmarshal(x.Bytes(), &resp); err != nil || len(resp.Items) != 2 {
			t.Fatalf("XML does not decode (%d items): %v\n%s", len(resp.Items), err, x.Bytes())
		}
		if err := WriteNMCJSON(&j, []*heydoctor.Institution{in, in}); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(j.Bytes()) {
			t.Fatalf("invalid JSON:\n%s", j.Bytes())
		}
	})
}

func BenchmarkWriteNMCXML100k(b *testing.B) {
	items := Generate(100_000, 1)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := WriteNMCXML(&buf, items); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1e6, "MB")
}
