package publicdata

import (
	"fmt"

	"heydoctor"
)

// holidays collects KASI items; two holidays on one day (어린이날 and 부처님오신날 in 2025)
// become one PublicHoliday with both names.
type holidays struct {
	res   *Result
	index map[heydoctor.Date]int
}

func newHolidays(res *Result) *holidays {
	return &holidays{res: res, index: make(map[heydoctor.Date]int)}
}

func (h *holidays) add(pos string, f fields) {
	loc := f["locdate"]
	pos += " (locdate " + loc + ")"
	// Only isHoliday=Y is a day off; 노동절 and 제헌절 policy is KASI's to decide, not ours.
	if f["isHoliday"] != "Y" {
		return
	}
	if len(loc) != 8 || !allDigits(loc) {
		h.res.Rejected = append(h.res.Rejected, Rejection{pos, fmt.Sprintf("locdate: %q is not YYYYMMDD", loc)})
		return
	}
	d, err := heydoctor.ParseDate(loc[:4] + "-" + loc[4:6] + "-" + loc[6:])
	if err != nil {
		h.res.Rejected = append(h.res.Rejected, Rejection{pos, fmt.Sprintf("locdate: %q is not a calendar day", loc)})
		return
	}
	name := f["dateName"]
	if i, ok := h.index[d]; ok {
		hd := &h.res.Holidays[i]
		if name != "" && name != hd.Name {
			hd.Name += ", " + name
		}
		return
	}
	h.index[d] = len(h.res.Holidays)
	h.res.Holidays = append(h.res.Holidays, heydoctor.PublicHoliday{Date: d, Name: name})
}
