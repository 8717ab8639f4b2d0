package publicdata

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"heydoctor/internal/synth"
)

// The gateway sends the same NMC records as XML or, with _type=json, as JSON that turns
// text into numbers whenever that loses nothing ("dutyTime1c":1900), a lone record into a
// bare object and no records into "". Both must read to the same institutions.
func TestNMCJSONReadsLikeXML(t *testing.T) {
	for _, n := range []int{0, 1, 400} {
		items := synth.Generate(n, 7)
		var x, j bytes.Buffer
		if err := synth.WriteNMCXML(&x, items); err != nil {
			t.Fatal(err)
		}
		if err := synth.WriteNMCJSON(&j, items); err != nil {
			t.Fatal(err)
		}
		fromXML, err := Parse(&x, FormatNMC)
		if err != nil {
			t.Fatalf("%d records as XML: %v", n, err)
		}
		fromJSON, err := Parse(&j, "")
		if err != nil {
			t.Fatalf("%d records as JSON: %v", n, err)
		}
		if fromXML.Read != n || fromJSON.Read != n {
			t.Errorf("%d records: read %d from XML, %d from JSON", n, fromXML.Read, fromJSON.Read)
		}
		if diff := cmp.Diff(fromXML.Institutions, fromJSON.Institutions); diff != "" {
			t.Errorf("%d records: JSON reads differently from XML (-xml +json):\n%s", n, diff)
		}
		if diff := cmp.Diff(fromXML.Rejected, fromJSON.Rejected); diff != "" {
			t.Errorf("%d records: rejections differ (-xml +json):\n%s", n, diff)
		}
	}
}
