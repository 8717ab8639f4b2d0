package publicdata

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Operation is a paged data.go.kr download that FetchAll knows how to walk.
type Operation string

// Operations.
const (
	OpNMCHospitals  Operation = "nmc-hospitals"  // 국립중앙의료원 getHsptlMdcncFullDown
	OpNMCPharmacies Operation = "nmc-pharmacies" // 국립중앙의료원 getParmacyFullDown
	OpHIRAHospitals Operation = "hira-hospitals" // 건강보험심사평가원 getHospBasisList
	OpKASIHolidays  Operation = "kasi-holidays"  // 한국천문연구원 getRestDeInfo; params need solYear
)

type opSpec struct {
	path, format, keyParam string
	pageSize               int
	full                   bool // an unfiltered download is a complete snapshot
}

func (op Operation) spec() (opSpec, bool) {
	switch op {
	case OpNMCHospitals:
		return opSpec{"/B552657/HsptlAsembySearchService/getHsptlMdcncFullDown", FormatNMC, "serviceKey", 1000, true}, true
	case OpNMCPharmacies:
		return opSpec{"/B552657/ErmctInsttInfoInqireService/getParmacyFullDown", FormatNMCPharmacy, "serviceKey", 1000, true}, true
	case OpHIRAHospitals:
		return opSpec{"/B551182/hospInfoServicev2/getHospBasisList", FormatHIRABasis, "serviceKey", 1000, true}, true
	case OpKASIHolidays:
		return opSpec{"/B090041/openapi/service/SpcdeInfoService/getRestDeInfo", FormatKASI, "ServiceKey", 100, false}, true
	}
	return opSpec{}, false
}

// DefaultBaseURL is the data.go.kr gateway.
const DefaultBaseURL = "https://apis.data.go.kr"

// Client downloads paged data.go.kr operations politely: one call at a time at least
// Rate apart, retrying what the gateway may answer differently later (5xx, timeouts,
// SERVICETIMEOUT, LIMITED_NUMBER…) and stopping at once on key problems, which no retry fixes.
type Client struct {
	BaseURL    string        // default DefaultBaseURL; the versioned HIRA paths move, so tests and config may point elsewhere
	ServiceKey string        // the portal's "Decoding" key; an "Encoding" key (with %XX) is decoded first, so it is encoded exactly once
	HTTP       *http.Client  // default: a client with a 60 s timeout
	PageSize   int           // numOfRows; default 1000 (KASI 100)
	Rate       time.Duration // minimum gap between calls; default 200 ms
	MaxRetries int           // retries per page; 0 means 3, negative means none
	Sleep      func(time.Duration)
}

// PageError says which page failed, so that an import can continue from it
// (FetchAll's resume argument, the CLI's --resume-page).
type PageError struct {
	Page int
	Err  error
}

func (e *PageError) Error() string {
	return fmt.Sprintf("page %d: %v (resume from page %d)", e.Page, e.Err, e.Page)
}

func (e *PageError) Unwrap() error { return e.Err }

// httpStatusError is a non-2xx answer that is not a gateway error envelope.
type httpStatusError struct {
	Status int
	Body   string
}

func (e *httpStatusError) Error() string {
	return fmt.Sprintf("HTTP %d: %s", e.Status, e.Body)
}

// FetchAll downloads every page of op from page resume (1 when ≤ 1), calling progress
// with records read so far and the reported total. On failure it returns what it read
// before the failing page together with a *PageError. The result is a FullRefresh only
// when all pages of an unfiltered download were read in this call.
func (c *Client) FetchAll(ctx context.Context, op Operation, params url.Values, progress func(done, total int), resume int) (*Result, error) {
	spec, ok := op.spec()
	if !ok {
		return nil, fmt.Errorf("fetch: unknown operation %q", op)
	}
	if c.ServiceKey == "" {
		return nil, errors.New("fetch: service key is empty")
	}
	if op == OpKASIHolidays && params.Get("solYear") == "" {
		return nil, errors.New("fetch kasi-holidays: solYear parameter is required")
	}
	pageSize := c.PageSize
	if pageSize <= 0 {
		pageSize = spec.pageSize
	}
	page := max(resume, 1)
	out := &Result{Format: spec.format}
	b := newBuilder(out)
	hol := newHolidays(out)
	calls := 0
	for {
		res, err := c.fetchPage(ctx, spec, params, page, pageSize, &calls)
		if err != nil {
			return out, &PageError{Page: page, Err: err}
		}
		out.Scope, out.Total = res.Scope, res.Total
		out.Read += res.Read
		prefix := fmt.Sprintf("page %d, ", page)
		for _, r := range res.Rejected {
			b.reject(prefix+r.Position, "%s", r.Reason)
		}
		// Pages of a FullDown shift while it is read; an institution seen on an earlier
		// page is rejected as a duplicate rather than imported twice.
		for i, in := range res.Institutions {
			b.add(fmt.Sprintf("%sitem %d (%s)", prefix, i+1, identity(in)), in)
		}
		for _, h := range res.Holidays {
			hol.add(prefix+string(h.Date), fields{"locdate": strings.ReplaceAll(string(h.Date), "-", ""), "dateName": h.Name, "isHoliday": "Y"})
		}
		if progress != nil {
			progress(out.Read, out.Total)
		}
		rows := res.pageRows // the server may trim numOfRows; trust what it says
		if rows <= 0 {
			rows = pageSize
		}
		if res.Read == 0 || page*rows >= res.Total {
			break
		}
		page++
	}
	out.FullRefresh = spec.full && max(resume, 1) == 1 && !filtered(params)
	return out, nil
}

// filtered reports whether params narrow the download (sidoCd, Q0 …); only the response
// type does not.
func filtered(params url.Values) bool {
	for k := range params {
		if k != "_type" {
			return true
		}
	}
	return false
}

func (c *Client) fetchPage(ctx context.Context, spec opSpec, params url.Values, page, pageSize int, calls *int) (*Result, error) {
	sleep := c.Sleep
	if sleep == nil {
		sleep = time.Sleep
	}
	rate := c.Rate
	if rate <= 0 {
		rate = 200 * time.Millisecond
	}
	retries := c.MaxRetries
	if retries == 0 {
		retries = 3
	}
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if *calls > 0 {
			sleep(rate)
		}
		*calls++
		res, err := c.get(ctx, spec, params, page, pageSize)
		if err == nil {
			return res, nil
		}
		if attempt >= retries || !retryable(err) || ctx.Err() != nil {
			return nil, err
		}
		sleep(time.Second << attempt) // 1 s, 2 s, 4 s …
	}
}

// retryable reports whether asking again may help: server trouble and gateway
// throttling, not a bad key, an unapproved service or a bad request.
func retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		switch {
		case strings.Contains(apiErr.AuthMsg, "LIMITED_NUMBER"), strings.Contains(apiErr.AuthMsg, "SERVICETIMEOUT"):
			return true
		case apiErr.AuthMsg != "":
			return false
		}
		switch apiErr.Code {
		case "01", "02", "04", "05", "22", "99":
			return true
		}
		return false
	}
	var st *httpStatusError
	if errors.As(err, &st) {
		return st.Status >= 500 || st.Status == http.StatusTooManyRequests
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	// A body cut short by the network parses as truncated XML or JSON.
	return errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "truncated") || strings.Contains(err.Error(), "unexpected EOF")
}

// encodeKey returns the service key percent-encoded exactly once: double encoding turns
// "+/=" into SERVICE_KEY_IS_NOT_REGISTERED_ERROR.
func encodeKey(key string) string {
	key = strings.TrimSpace(key)
	if strings.Contains(key, "%") {
		if dec, err := url.QueryUnescape(key); err == nil {
			key = dec
		}
	}
	return url.QueryEscape(key)
}

func (c *Client) get(ctx context.Context, spec opSpec, params url.Values, page, pageSize int) (*Result, error) {
	q := url.Values{}
	for k, v := range params {
		if !strings.EqualFold(k, "serviceKey") {
			q[k] = v
		}
	}
	q.Set("pageNo", fmt.Sprint(page))
	q.Set("numOfRows", fmt.Sprint(pageSize))
	base := c.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u := strings.TrimRight(base, "/") + spec.path + "?" + spec.keyParam + "=" + encodeKey(c.ServiceKey) + "&" + q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, redactKey(err, c.ServiceKey)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxInput+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		// The gateway sends its error envelope with 4xx/5xx too.
		if bytes.Contains(body, []byte("OpenAPI_ServiceResponse")) {
			if _, perr := Parse(bytes.NewReader(body), FormatDataGoKr); perr != nil {
				var apiErr *APIError
				if errors.As(perr, &apiErr) {
					return nil, apiErr
				}
			}
		}
		return nil, &httpStatusError{Status: resp.StatusCode, Body: string(body[:min(len(body), 200)])}
	}
	return Parse(bytes.NewReader(body), spec.format)
}

// redactKey keeps the service key out of logged transport errors, which quote the URL.
func redactKey(err error, key string) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		uerr.URL = strings.ReplaceAll(uerr.URL, encodeKey(key), "REDACTED")
	}
	return err
}
