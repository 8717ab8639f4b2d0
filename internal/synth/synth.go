// Package synth generates a deterministic, plainly synthetic national directory of
// hospitals, clinics and pharmacies, shaped like Korea's (where people live, the mix of
// 종별, departments, opening hours), so that indexes, importers and load tests can run at
// national scale without real data or network access. Nothing it produces is a real place.
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"heydoctor"
)

// MaxN caps Generate so that a hostile or mistaken size cannot exhaust memory.
const MaxN = 1_000_000

// city is a population centre: institutions scatter around it with a Gaussian spread.
type city struct {
	sido, sigungu string
	lat, lng      float64
	sigmaKm       float64
	weight        float64 // share of institutions, in percent
	region        int     // two digits in HPIDs
	area          string  // telephone area code
	post          int     // first two digits of the postcode
}

// cities weights add up to about 100 and follow the population: 서울 19, 경기 26, 부산 6.5,
// 인천 5.7, 대구 4.6, …. Centres sit inland and spreads are small near the coast so that
// points stay on land (mostly; a point in a harbour does no harm).
var cities = []city{
	{"서울특별시", "강남구", 37.4979, 127.0400, 2.2, 2.6, 11, "02", 6},
	{"서울특별시", "서초구", 37.4837, 127.0120, 2.0, 1.6, 11, "02", 6},
	{"서울특별시", "송파구", 37.5050, 127.1100, 2.0, 1.8, 11, "02", 5},
	{"서울특별시", "종로구", 37.5730, 126.9900, 1.5, 1.4, 11, "02", 3},
	{"서울특별시", "마포구", 37.5560, 126.9300, 1.8, 1.5, 11, "02", 4},
	{"서울특별시", "영등포구", 37.5200, 126.9000, 1.8, 1.6, 11, "02", 7},
	{"서울특별시", "관악구", 37.4780, 126.9500, 1.8, 1.4, 11, "02", 8},
	{"서울특별시", "노원구", 37.6500, 127.0600, 2.0, 1.6, 11, "02", 1},
	{"서울특별시", "은평구", 37.6100, 126.9300, 1.8, 1.3, 11, "02", 3},
	{"서울특별시", "강서구", 37.5550, 126.8500, 2.0, 1.6, 11, "02", 7},
	{"서울특별시", "성북구", 37.5900, 127.0200, 1.8, 1.4, 11, "02", 2},
	{"서울특별시", "광진구", 37.5450, 127.0800, 1.5, 1.2, 11, "02", 4},

	{"경기도", "수원시", 37.2750, 127.0100, 3.5, 3.6, 31, "031", 16},
	{"경기도", "성남시", 37.4200, 127.1300, 3.0, 2.8, 31, "031", 13},
	{"경기도", "고양시", 37.6600, 126.8000, 3.5, 3.0, 31, "031", 10},
	{"경기도", "용인시", 37.2600, 127.1700, 4.5, 3.0, 31, "031", 16},
	{"경기도", "부천시", 37.5000, 126.7800, 2.5, 2.4, 31, "032", 14},
	{"경기도", "안산시", 37.3200, 126.8300, 3.0, 1.9, 31, "031", 15},
	{"경기도", "시흥시", 37.3800, 126.7900, 2.5, 1.3, 31, "031", 14},
	{"경기도", "화성시", 37.2000, 126.9000, 5.0, 2.2, 31, "031", 18},
	{"경기도", "안양시", 37.3950, 126.9500, 2.0, 1.8, 31, "031", 14},
	{"경기도", "남양주시", 37.6400, 127.2100, 4.0, 1.8, 31, "031", 12},
	{"경기도", "평택시", 37.0000, 127.0900, 4.0, 1.7, 31, "031", 17},
	{"경기도", "의정부시", 37.7400, 127.0450, 2.5, 1.4, 31, "031", 11},
	{"경기도", "파주시", 37.7600, 126.8000, 4.0, 1.1, 31, "031", 10},
	{"경기도", "김포시", 37.6300, 126.7200, 3.0, 1.1, 31, "031", 10},

	{"부산광역시", "부산진구", 35.1600, 129.0550, 2.0, 2.2, 21, "051", 47},
	{"부산광역시", "해운대구", 35.1800, 129.1400, 1.8, 1.5, 21, "051", 48},
	{"부산광역시", "동래구", 35.2050, 129.0800, 2.0, 1.4, 21, "051", 47},
	{"부산광역시", "사하구", 35.1100, 128.9750, 1.5, 1.4, 21, "051", 49},

	{"인천광역시", "부평구", 37.4950, 126.7300, 2.5, 3.0, 23, "032", 21},
	{"인천광역시", "남동구", 37.4450, 126.7300, 2.0, 2.7, 23, "032", 21},

	{"대구광역시", "중구", 35.8700, 128.6000, 4.5, 4.6, 22, "053", 41},
	{"대전광역시", "서구", 36.3500, 127.3800, 4.5, 3.0, 25, "042", 35},
	{"광주광역시", "북구", 35.1600, 126.8700, 4.0, 3.0, 24, "062", 61},
	{"울산광역시", "남구", 35.5400, 129.3000, 3.0, 2.1, 26, "052", 44},
	{"세종특별자치시", "세종시", 36.4900, 127.2800, 3.0, 0.7, 29, "044", 30},

	{"충청북도", "청주시", 36.6400, 127.4800, 4.0, 2.2, 33, "043", 28},
	{"충청북도", "충주시", 36.9800, 127.9300, 3.0, 0.6, 33, "043", 27},
	{"충청남도", "천안시", 36.8100, 127.1400, 3.5, 2.0, 34, "041", 31},
	{"충청남도", "아산시", 36.7900, 127.0000, 3.0, 0.8, 34, "041", 31},
	{"충청남도", "서산시", 36.7800, 126.4600, 2.5, 0.5, 34, "041", 31},
	{"전북특별자치도", "전주시", 35.8300, 127.1200, 3.5, 2.0, 35, "063", 54},
	{"전북특별자치도", "익산시", 35.9500, 126.9600, 3.0, 0.7, 35, "063", 54},
	{"전북특별자치도", "군산시", 35.9700, 126.7300, 2.0, 0.6, 35, "063", 54},
	{"전라남도", "순천시", 34.9500, 127.4900, 3.0, 0.9, 36, "061", 57},
	{"전라남도", "목포시", 34.8100, 126.4000, 1.5, 0.8, 36, "061", 58},
	{"전라남도", "여수시", 34.7700, 127.6600, 1.5, 0.8, 36, "061", 59},
	{"경상북도", "포항시", 36.0300, 129.3400, 2.0, 1.5, 37, "054", 37},
	{"경상북도", "구미시", 36.1200, 128.3400, 3.0, 1.2, 37, "054", 39},
	{"경상북도", "경주시", 35.8500, 129.2200, 3.0, 0.7, 37, "054", 38},
	{"경상북도", "안동시", 36.5700, 128.7300, 3.0, 0.6, 37, "054", 36},
	{"경상남도", "창원시", 35.2400, 128.6600, 3.5, 3.0, 38, "055", 51},
	{"경상남도", "김해시", 35.2350, 128.8800, 3.0, 1.4, 38, "055", 50},
	{"경상남도", "양산시", 35.3400, 129.0300, 2.5, 0.8, 38, "055", 50},
	{"경상남도", "진주시", 35.1900, 128.1000, 3.0, 0.9, 38, "055", 52},
	{"강원특별자치도", "춘천시", 37.8800, 127.7300, 3.0, 1.0, 32, "033", 24},
	{"강원특별자치도", "원주시", 37.3400, 127.9300, 3.0, 1.1, 32, "033", 26},
	{"강원특별자치도", "강릉시", 37.7550, 128.8800, 2.0, 0.7, 32, "033", 25},
	{"제주특별자치도", "제주시", 33.4900, 126.5300, 1.5, 1.0, 39, "064", 63},
	{"제주특별자치도", "서귀포시", 33.2650, 126.5400, 1.0, 0.3, 39, "064", 63},

	// Small towns and the countryside: wide spreads around inland points.
	{"충청북도", "괴산군", 36.8100, 127.7900, 12, 0.6, 33, "043", 28},
	{"경상북도", "의성군", 36.3500, 128.7000, 14, 0.8, 37, "054", 37},
	{"전북특별자치도", "임실군", 35.6100, 127.2800, 12, 0.6, 35, "063", 55},
	{"강원특별자치도", "홍천군", 37.6900, 127.9000, 12, 0.6, 32, "033", 25},
	{"전라남도", "화순군", 35.0600, 126.9900, 9, 0.6, 36, "061", 58},
	{"경상남도", "합천군", 35.5700, 128.1700, 12, 0.6, 38, "055", 50},
	{"충청남도", "공주시", 36.4500, 127.1200, 10, 0.6, 34, "041", 32},
}

// kindSpec is one 종별, with NMC's dutyDiv code and name.
type kindSpec struct {
	code, name string
	kind       heydoctor.InstitutionKind
	share      float64 // percent
}

// kinds follow the national mix (HIRA 2023): 약국 24, 의원 35, 치과의원 18, 한의원 14 and
// hospitals and public health centres the rest.
var kinds = []kindSpec{
	{"H", "약국", heydoctor.KindPharmacy, 24},
	{"C", "의원", heydoctor.KindClinic, 35},
	{"N", "치과의원", heydoctor.KindClinic, 18},
	{"G", "한의원", heydoctor.KindClinic, 14},
	{"R", "보건소", heydoctor.KindClinic, 2.7},
	{"B", "병원", heydoctor.KindHospital, 2.5},
	{"D", "요양병원", heydoctor.KindHospital, 2.0},
	{"E", "한방병원", heydoctor.KindHospital, 0.8},
	{"A", "종합병원", heydoctor.KindHospital, 0.6},
	{"M", "치과병원", heydoctor.KindHospital, 0.4},
}

type weighted struct {
	code string
	w    float64
}

// clinicDepts are what 의원 put on their signs, weighted roughly by how common they are.
var clinicDepts = []weighted{
	{"D001", 25}, {"D022", 12}, {"D002", 7}, {"D013", 8}, {"D008", 9}, {"D005", 7},
	{"D012", 5}, {"D011", 5}, {"D004", 5}, {"D016", 3}, {"D014", 4}, {"D006", 4},
	{"D010", 4}, {"D003", 1.5}, {"D017", 4}, {"D018", 1}, {"D009", 2},
}

var hospitalDepts = []weighted{
	{"D008", 10}, {"D001", 10}, {"D009", 7}, {"D016", 7}, {"D006", 6}, {"D018", 6},
	{"D017", 5}, {"D011", 3}, {"D002", 3}, {"D022", 3}, {"D003", 3}, {"D004", 2}, {"D013", 2},
}

var nursingDepts = []weighted{{"D001", 10}, {"D022", 6}, {"D016", 6}, {"D003", 4}, {"D004", 3}, {"D017", 2}}

var dentalExtras = []weighted{{"D036", 4}, {"D037", 3}, {"D038", 3}, {"D035", 2}, {"D039", 2}, {"D034", 1}}

var koreanExtras = []weighted{{"D051", 5}, {"D049", 4}, {"D045", 2}, {"D050", 2}, {"D046", 1}, {"D047", 1}}

// generalDepts are the departments a 종합병원 may list (D001–D025 and dentistry).
var generalDepts = []string{
	"D001", "D002", "D003", "D004", "D005", "D006", "D007", "D008", "D009", "D010", "D011", "D012",
	"D013", "D014", "D016", "D017", "D018", "D019", "D020", "D021", "D022", "D023", "D025", "D026",
}

// prefixes make plainly synthetic names: 행복내과의원, 푸른약국.
var prefixes = []string{
	"행복", "미소", "튼튼", "바른", "하나", "우리", "새봄", "푸른", "다정", "맑은", "밝은", "온누리",
	"사랑", "늘봄", "한빛", "해맑은", "열린", "좋은", "편한", "소망", "참", "으뜸", "새싹", "햇살",
	"가온", "누리", "다온", "별빛", "이음", "한결", "나래", "단비", "라온", "마루", "보람", "아름",
	"초록", "늘푸른", "두레", "새길",
}

var roads = []string{
	"중앙로", "시청로", "문화로", "평화로", "번영로", "희망로", "대학로", "역전로", "공원로", "은행나무길",
	"소나무길", "느티나무로", "단풍로", "햇살로", "새마을로", "학교길", "시장길", "강변로", "산책로", "꽃길",
}

var dongs = []string{"중앙동", "신흥동", "상동", "하동", "신촌동", "본동", "남산동", "북부동", "동문동", "서문동", "새터동", "큰골동"}

// gen carries the generator's state: one random source and the HPID counters.
type gen struct {
	r      *rand.Rand
	seq    map[hpidKey]int // last sequence number used
	cityCW []float64       // cumulative city weights
	kindCW []float64
}

// Generate returns n synthetic institutions (at most MaxN), the same for the same n and
// seed. IDs run from 1 to n; every HPID is unique; all are operating.
func Generate(n int, seed int64) []*heydoctor.Institution {
	n = min(n, MaxN)
	if n <= 0 {
		return nil
	}
	g := &gen{
		r:   rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)),
		seq: make(map[hpidKey]int),
	}
	for _, c := range cities {
		g.cityCW = appendCum(g.cityCW, c.weight)
	}
	for _, k := range kinds {
		g.kindCW = appendCum(g.kindCW, k.share)
	}
	out := make([]*heydoctor.Institution, n)
	for i := range out {
		out[i] = g.institution(int64(i + 1))
	}
	return out
}

func appendCum(cw []float64, w float64) []float64 {
	if len(cw) > 0 {
		w += cw[len(cw)-1]
	}
	return append(cw, w)
}

func (g *gen) pickCum(cw []float64) int {
	x := g.r.Float64() * cw[len(cw)-1]
	for i, c := range cw {
		if x < c {
			return i
		}
	}
	return len(cw) - 1
}

func (g *gen) pick(ws []weighted) string {
	total := 0.0
	for _, w := range ws {
		total += w.w
	}
	x := g.r.Float64() * total
	for _, w := range ws {
		if x < w.w {
			return w.code
		}
		x -= w.w
	}
	return ws[len(ws)-1].code
}

// pickN draws up to n distinct codes by weight (fewer if ws is short).
func (g *gen) pickN(ws []weighted, n int) []string {
	var out []string
	for tries := 0; len(out) < n && tries < 20*n; tries++ {
		if c := g.pick(ws); !contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (g *gen) institution(id int64) *heydoctor.Institution {
	c := cities[g.pickCum(g.cityCW)]
	k := kinds[g.pickCum(g.kindCW)]
	lat, lng := g.scatter(c)
	in := &heydoctor.Institution{
		ID:       id,
		Kind:     k.kind,
		TypeCode: k.code,
		TypeName: k.name,
		Lat:      lat,
		Lng:      lng,
		Status:   heydoctor.StatusOperating,
		Source:   "synth",
		Address: fmt.Sprintf("%s %s %s %d (%s)", c.sido, c.sigungu,
			roads[g.r.IntN(len(roads))], 1+g.r.IntN(400), dongs[g.r.IntN(len(dongs))]),
		Postcode: fmt.Sprintf("%02d%03d", c.post, g.r.IntN(1000)),
		Phone:    g.phone(c.area),
	}
	prefix := prefixes[g.r.IntN(len(prefixes))]
	letter := byte('A')
	switch k.code {
	case "H":
		letter = 'C'
		in.Name = prefix + "약국"
	case "C":
		n := 1 + g.weightedCount(0.55, 0.30)
		in.Departments = g.pickN(clinicDepts, n)
		in.Name = prefix + deptName(in.Departments[0]) + "의원"
	case "N":
		in.Departments = []string{"D026"}
		if g.r.Float64() < 0.25 {
			in.Departments = append(in.Departments, g.pick(dentalExtras))
		}
		in.Name = prefix + "치과의원"
	case "G":
		letter = 'B'
		in.Departments = []string{"D044"}
		if g.r.Float64() < 0.4 {
			in.Departments = append(in.Departments, g.pickN(koreanExtras, 1+g.r.IntN(2))...)
		}
		in.Name = prefix + "한의원"
	case "R":
		in.Departments = []string{"D001", "D022"}
		if g.r.Float64() < 0.5 {
			in.Departments = append(in.Departments, "D026")
		}
		if g.r.Float64() < 0.3 {
			in.Departments = append(in.Departments, "D044")
		}
		if g.r.Float64() < 0.3 {
			in.Name = c.sigungu + "보건소"
		} else {
			in.Name = strings.TrimSuffix(dongs[g.r.IntN(len(dongs))], "동") + "보건지소"
		}
	case "B":
		in.Departments = g.pickN(hospitalDepts, 2+g.r.IntN(5))
		if g.r.Float64() < 0.3 {
			in.Name = prefix + deptName(in.Departments[0]) + "병원"
		} else {
			in.Name = prefix + "병원"
		}
		in.ER = g.r.Float64() < 0.02
	case "D":
		in.Departments = g.pickN(nursingDepts, 2+g.r.IntN(3))
		in.Name = prefix + "요양병원"
	case "E":
		letter = 'B'
		in.Departments = append([]string{"D044"}, g.pickN(koreanExtras, 2+g.r.IntN(3))...)
		in.Name = prefix + "한방병원"
	case "A":
		in.Departments = g.general()
		in.Name = strings.TrimSuffix(strings.TrimSuffix(c.sigungu, "시"), "구") + prefix + "종합병원"
		in.ER = g.r.Float64() < 0.5
	case "M":
		in.Departments = append([]string{"D026"}, g.pickN(dentalExtras, 2+g.r.IntN(3))...)
		in.Name = prefix + "치과병원"
	}
	if in.ER {
		in.Departments = append(in.Departments, "D024")
		in.ERPhone = g.phone(c.area)
	}
	in.HPID = g.hpid(letter, c.region)
	in.Hours = g.hours(k.code)
	if g.r.Float64() < 0.15 && k.code != "H" {
		in.Notes = "점심시간 13:00~14:00"
	}
	return in
}

// weightedCount returns 0 with probability p0, 1 with p1, else 2.
func (g *gen) weightedCount(p0, p1 float64) int {
	switch x := g.r.Float64(); {
	case x < p0:
		return 0
	case x < p0+p1:
		return 1
	}
	return 2
}

func (g *gen) general() []string {
	var out []string
	for _, d := range generalDepts {
		if g.r.Float64() < 0.75 {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		out = []string{"D001"}
	}
	return out
}

func deptName(code string) string {
	d, _ := heydoctor.LookupDepartment(code)
	return d.Name
}

// scatter draws a point around c, truncated at 2.2σ so that coastal cities stay on land.
func (g *gen) scatter(c city) (lat, lng float64) {
	const kmPerDeg = 111.32
	for {
		dy, dx := g.r.NormFloat64(), g.r.NormFloat64()
		if dx*dx+dy*dy > 2.2*2.2 {
			continue
		}
		lat = c.lat + dy*c.sigmaKm/kmPerDeg
		lng = c.lng + dx*c.sigmaKm/(kmPerDeg*math.Cos(c.lat*math.Pi/180))
		// Six decimals (≈ 0.1 m) is the precision sources publish at most usefully.
		return math.Round(lat*1e6) / 1e6, math.Round(lng*1e6) / 1e6
	}
}

func (g *gen) phone(area string) string {
	if area == "02" {
		return fmt.Sprintf("02-%d-%04d", 2000+g.r.IntN(8000), g.r.IntN(10000))
	}
	return fmt.Sprintf("%s-%d-%04d", area, 200+g.r.IntN(800), g.r.IntN(10000))
}

type hpidKey struct {
	letter byte
	region int
}

// hpid returns a unique NMC-style id: a letter, the two-digit region, five digits. When a
// region runs out of numbers (only past half a million institutions) it spills into the
// unused regions 90–99, then into letter Z.
func (g *gen) hpid(letter byte, region int) string {
	for {
		key := hpidKey{letter, region}
		if n := g.seq[key]; n < 99999 {
			g.seq[key] = n + 1
			return fmt.Sprintf("%c%02d%05d", letter, region, n+1)
		}
		switch {
		case region < 90:
			region = 90
		case region < 99:
			region++
		default:
			letter, region = 'Z', 0
		}
	}
}

func span(open, close string) heydoctor.Span { return heydoctor.Span{Open: open, Close: close} }

// hours draws weekly hours as NMC publishes them for a 종별 code.
func (g *gen) hours(code string) heydoctor.OpeningHours {
	var h heydoctor.OpeningHours
	x := g.r.Float64()
	switch {
	case x < 0.08:
		return h // no published hours
	case x < 0.09:
		for d := range h.Day {
			h.Day[d] = span("0000", "2400")
		}
		return h
	}
	pharmacy := code == "H"
	hospital := strings.Contains("ABDEM", code)

	weekday := span("0900", "1800")
	switch y := g.r.Float64(); {
	case hospital && y < 0.6:
		weekday = span("0830", "1730")
	case y < 0.45:
	case y < 0.65:
		weekday = span("0830", "1830")
	case y < 0.80:
		weekday = span("0900", "1900")
	case y < 0.92:
		weekday = span("0930", "1830")
	default:
		weekday = span("0850", "1910")
	}
	late := false
	switch y := g.r.Float64(); {
	case pharmacy && y < 0.08:
		// Late-night pharmacies: past midnight, written as ≥ 2400 or wrapping round.
		weekday = span("0900", []string{"2400", "2430", "2500", "2600", "0100", "0200"}[g.r.IntN(6)])
		late = true
	case y < 0.05:
		weekday.Close = []string{"2100", "2130", "2200"}[g.r.IntN(3)]
		late = true
	}
	for d := 0; d < 5; d++ {
		h.Day[d] = weekday
	}
	if !late && !pharmacy && g.r.Float64() < 0.10 {
		h.Day[g.r.IntN(5)].Close = "2000" // one evening clinic a week (야간진료)
	}
	satP := 0.6
	if pharmacy {
		satP = 0.7
	}
	if late {
		h.Day[5] = weekday
	} else if g.r.Float64() < satP {
		h.Day[5] = span(weekday.Open, []string{"1300", "1400", "1500"}[g.r.IntN(3)])
	}
	sunP := 0.06
	if pharmacy || late {
		sunP = 0.2
	}
	if g.r.Float64() < sunP {
		h.Day[6] = span("1000", "1500")
		if late {
			h.Day[6] = weekday
		}
	}
	if g.r.Float64() < 0.10 {
		h.Day[heydoctor.Holiday] = span("0900", "1300")
	}
	return h
}
