package demo

import (
	"bytes"
	"compress/flate"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"heydoctor"
)

// nationalFormat names the layout of the nationwide seed; Decode refuses any other.
const nationalFormat = "heydoctor-national-seed/1"

// nationalColumns is the nationwide seed: HIRA's bulk release with its tables merged into
// one record per institution, stored column by column (all names together, all
// addresses together, records in address order) so that flate finds the repeats, with
// coordinates as delta-coded integers of 1e-7 degree and repeated codes in dictionaries.
type nationalColumns struct {
	Format      string
	Release     string // e.g. 전국 병의원 및 약국 현황 2026.3
	Attribution string
	N           int

	Dict     []string // shared dictionary of short repeated values
	Kind     []uint16 // indexes into Dict
	TypeCode []uint16
	TypeName []uint16
	Class    []uint16
	Status   []uint16
	Carries  []uint8

	Name, Address, Postcode, Phone, ERPhone, Notes, YKIHO []string
	Departments, Specialists, Hours                       []string // comma lists; hours as JSON
	Lat, Lng                                              []int64  // 1e-7 degree, each the difference from the previous record
	ER                                                    []byte   // bit set
}

const coordScale = 1e7

// EncodeNational writes institutions (a merged HIRA release) as a compressed seed.
func EncodeNational(w io.Writer, release, attribution string, list []heydoctor.Institution) error {
	list = slices.Clone(list)
	slices.SortStableFunc(list, func(a, b heydoctor.Institution) int {
		return strings.Compare(a.Address+"\x00"+a.Name, b.Address+"\x00"+b.Name)
	})
	c := nationalColumns{Format: nationalFormat, Release: release, Attribution: attribution, N: len(list), ER: make([]byte, (len(list)+7)/8)}
	dict := map[string]uint16{}
	code := func(s string) uint16 {
		i, ok := dict[s]
		if !ok {
			i = uint16(len(c.Dict))
			dict[s] = i
			c.Dict = append(c.Dict, s)
		}
		return i
	}
	var lat0, lng0 int64
	for k, in := range list {
		if len(dict) > math.MaxUint16-8 {
			return fmt.Errorf("seed: more than %d distinct codes", math.MaxUint16-8)
		}
		c.Kind = append(c.Kind, code(string(in.Kind)))
		c.TypeCode = append(c.TypeCode, code(in.TypeCode))
		c.TypeName = append(c.TypeName, code(in.TypeName))
		c.Class = append(c.Class, code(string(in.Class)))
		c.Status = append(c.Status, code(string(in.Status)))
		c.Carries = append(c.Carries, uint8(in.Carries))
		c.Name = append(c.Name, in.Name)
		c.Address = append(c.Address, in.Address)
		c.Postcode = append(c.Postcode, in.Postcode)
		c.Phone = append(c.Phone, in.Phone)
		c.ERPhone = append(c.ERPhone, in.ERPhone)
		c.Notes = append(c.Notes, in.Notes)
		c.YKIHO = append(c.YKIHO, in.YKIHO)
		c.Departments = append(c.Departments, strings.Join(in.Departments, ","))
		c.Specialists = append(c.Specialists, heydoctor.FormatSpecialists(in.Specialists))
		h := ""
		if in.Hours.Known() {
			b, err := json.Marshal(in.Hours)
			if err != nil {
				return err
			}
			h = string(b)
		}
		c.Hours = append(c.Hours, h)
		lat, lng := int64(math.Round(in.Lat*coordScale)), int64(math.Round(in.Lng*coordScale))
		c.Lat = append(c.Lat, lat-lat0)
		c.Lng = append(c.Lng, lng-lng0)
		lat0, lng0 = lat, lng
		if in.ER {
			c.ER[k/8] |= 1 << (k % 8)
		}
	}
	fw, err := flate.NewWriter(w, flate.BestCompression)
	if err != nil {
		return err
	}
	if err := gob.NewEncoder(fw).Encode(&c); err != nil {
		return err
	}
	return fw.Close()
}

// National is a decoded nationwide seed.
type National struct {
	Release, Attribution string
	Institutions         []heydoctor.Institution
}

// DecodeNational reads a seed written by EncodeNational.
func DecodeNational(data []byte) (*National, error) {
	var c nationalColumns
	if err := gob.NewDecoder(flate.NewReader(bytes.NewReader(data))).Decode(&c); err != nil {
		return nil, fmt.Errorf("national seed: %w", err)
	}
	if c.Format != nationalFormat {
		return nil, fmt.Errorf("national seed: format %q, want %q", c.Format, nationalFormat)
	}
	n := c.N
	for _, l := range []int{len(c.Kind), len(c.TypeCode), len(c.TypeName), len(c.Class), len(c.Status), len(c.Carries),
		len(c.Name), len(c.Address), len(c.Postcode), len(c.Phone), len(c.ERPhone), len(c.Notes), len(c.YKIHO),
		len(c.Departments), len(c.Specialists), len(c.Hours), len(c.Lat), len(c.Lng)} {
		if l != n {
			return nil, fmt.Errorf("national seed: a column has %d rows, want %d", l, n)
		}
	}
	if len(c.ER) != (n+7)/8 {
		return nil, fmt.Errorf("national seed: ER column of %d bytes for %d rows", len(c.ER), n)
	}
	dict := func(i uint16) (string, error) {
		if int(i) >= len(c.Dict) {
			return "", fmt.Errorf("national seed: code %d outside the dictionary", i)
		}
		return c.Dict[i], nil
	}
	out := &National{Release: c.Release, Attribution: c.Attribution, Institutions: make([]heydoctor.Institution, n)}
	var lat, lng int64
	for k := range n {
		in := &out.Institutions[k]
		var vals [5]string
		for j, idx := range []uint16{c.Kind[k], c.TypeCode[k], c.TypeName[k], c.Class[k], c.Status[k]} {
			v, err := dict(idx)
			if err != nil {
				return nil, err
			}
			vals[j] = v
		}
		in.Kind, in.TypeCode, in.TypeName = heydoctor.InstitutionKind(vals[0]), vals[1], vals[2]
		in.Class, in.Status = heydoctor.InstitutionClass(vals[3]), heydoctor.BusinessStatus(vals[4])
		in.Carries = heydoctor.InstitutionFields(c.Carries[k])
		in.Name, in.Address, in.Postcode, in.Phone, in.ERPhone, in.Notes = c.Name[k], c.Address[k], c.Postcode[k], c.Phone[k], c.ERPhone[k], c.Notes[k]
		in.YKIHO, in.Source = c.YKIHO[k], "hira"
		if d := c.Departments[k]; d != "" {
			in.Departments = strings.Split(d, ",")
		}
		specialists, err := heydoctor.ParseSpecialists(c.Specialists[k])
		if err != nil {
			return nil, fmt.Errorf("national seed: %w", err)
		}
		in.Specialists = specialists
		if h := c.Hours[k]; h != "" {
			if err := json.Unmarshal([]byte(h), &in.Hours); err != nil {
				return nil, fmt.Errorf("national seed: hours of %s: %w", in.Name, err)
			}
		}
		lat += c.Lat[k]
		lng += c.Lng[k]
		in.Lat, in.Lng = float64(lat)/coordScale, float64(lng)/coordScale
		in.ER = c.ER[k/8]&(1<<(k%8)) != 0
	}
	return out, nil
}
