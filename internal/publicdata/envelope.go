package publicdata

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"heydoctor"
)

// APIError is an error reported inside a data.go.kr response: a resultCode other than
// 00 in the normal envelope, or the gateway's OpenAPI_ServiceResponse (bad key, quota).
// Client uses Code to decide between retrying and stopping.
type APIError struct {
	Code    string // resultCode or returnReasonCode, e.g. "30"
	Message string // resultMsg or errMsg
	AuthMsg string // returnAuthMsg, e.g. SERVICE_KEY_IS_NOT_REGISTERED_ERROR
}

func (e *APIError) Error() string {
	if e.AuthMsg != "" {
		return fmt.Sprintf("data.go.kr gateway error %s: %s (%s)", e.Code, e.AuthMsg, e.Message)
	}
	return fmt.Sprintf("data.go.kr error %s: %s", e.Code, e.Message)
}

// envelope is a data.go.kr response reduced to its items and paging numbers.
type envelope struct {
	items                   []fields
	total, rows, page       int
	code, msg               string
	gateway                 bool
	gwMsg, gwAuth, gwReason string
}

func (e *envelope) err() error {
	if e.gateway {
		return &APIError{Code: e.gwReason, Message: e.gwMsg, AuthMsg: e.gwAuth}
	}
	// 03 NODATA_ERROR is an empty answer, not a failure: a month without holidays.
	if e.code != "" && e.code != "00" && e.code != "0000" && e.code != "03" {
		return &APIError{Code: e.code, Message: e.msg}
	}
	return nil
}

// readEnvelope picks XML or JSON by the first byte: the gateway answers errors in XML
// even when JSON was asked for.
func (p parser) readEnvelope(data []byte) (*envelope, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, errors.New("input is empty")
	}
	var (
		env *envelope
		err error
	)
	switch trimmed[0] {
	case '<':
		env, err = p.readXMLEnvelope(trimmed)
	case '{':
		env, err = p.readJSONEnvelope(trimmed)
	default:
		return nil, errors.New("input is neither XML nor JSON")
	}
	if err != nil {
		return nil, err
	}
	if err := env.err(); err != nil {
		return nil, err
	}
	return env, nil
}

// charsetReader accepts the Korean labels an XML declaration may carry: Parse has
// already converted the bytes to UTF-8, so the reader passes them through.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "euc-kr", "euckr", "cp949", "ks_c_5601-1987", "ms949":
		return r, nil
	}
	return nil, fmt.Errorf("unsupported XML encoding %q", label)
}

func (p parser) readXMLEnvelope(data []byte) (*envelope, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = charsetReader
	env := &envelope{}
	var (
		stack []string
		text  []byte
		item  fields
		root  string
	)
	for {
		// RawToken skips namespace translation, which data.go.kr never uses and which
		// costs a third of the parse; element nesting is checked against stack below.
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("xml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if len(stack) == 0 {
				if name != "response" && name != "OpenAPI_ServiceResponse" {
					return nil, fmt.Errorf("xml: unexpected root element <%s>", name)
				}
				root = name
			}
			if name == "item" && len(stack) > 0 && stack[len(stack)-1] == "items" {
				item = make(fields, 32)
			}
			stack = append(stack, name)
			text = text[:0]
		case xml.CharData:
			if len(text)+len(t) > p.maxField {
				return nil, fmt.Errorf("xml: element <%s> is longer than %d bytes", stack[len(stack)-1], p.maxField)
			}
			text = append(text, t...)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, errors.New("xml: unbalanced end element")
			}
			name := stack[len(stack)-1]
			if t.Name.Local != name {
				return nil, fmt.Errorf("xml: element <%s> closed by </%s>", name, t.Name.Local)
			}
			stack = stack[:len(stack)-1]
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			v := strings.TrimSpace(string(text))
			text = text[:0]
			switch {
			case name == "item" && parent == "items" && item != nil:
				env.items = append(env.items, item)
				item = nil
			case item != nil && parent == "item":
				item[name] = v
			case parent == "header":
				switch name {
				case "resultCode":
					env.code = v
				case "resultMsg":
					env.msg = v
				}
			case parent == "body":
				if err := env.setPaging(name, v); err != nil {
					return nil, err
				}
			case parent == "cmmMsgHeader":
				env.gateway = true
				switch name {
				case "errMsg":
					env.gwMsg = v
				case "returnAuthMsg":
					env.gwAuth = v
				case "returnReasonCode":
					env.gwReason = v
				}
			}
		}
	}
	if root == "" {
		return nil, errors.New("xml: no root element")
	}
	if len(stack) != 0 {
		return nil, errors.New("xml: truncated document")
	}
	if root == "OpenAPI_ServiceResponse" {
		env.gateway = true
	}
	return env, nil
}

func (e *envelope) setPaging(name, v string) error {
	var dst *int
	switch name {
	case "totalCount":
		dst = &e.total
	case "numOfRows":
		dst = &e.rows
	case "pageNo":
		dst = &e.page
	default:
		return nil
	}
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return fmt.Errorf("%s: %q is not a count", name, v)
	}
	*dst = n
	return nil
}

func (p parser) readJSONEnvelope(data []byte) (*envelope, error) {
	var top struct {
		Response *struct {
			Header map[string]any `json:"header"`
			Body   struct {
				Items      json.RawMessage `json:"items"`
				TotalCount any             `json:"totalCount"`
				NumOfRows  any             `json:"numOfRows"`
				PageNo     any             `json:"pageNo"`
			} `json:"body"`
		} `json:"response"`
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(&top); err != nil {
		return nil, fmt.Errorf("json: %w", err)
	}
	if top.Response == nil {
		return nil, errors.New(`json: no "response" object`)
	}
	env := &envelope{}
	var err error
	if env.code, err = p.text("resultCode", top.Response.Header["resultCode"]); err != nil {
		return nil, err
	}
	if env.msg, err = p.text("resultMsg", top.Response.Header["resultMsg"]); err != nil {
		return nil, err
	}
	b := top.Response.Body
	for name, v := range map[string]any{"totalCount": b.TotalCount, "numOfRows": b.NumOfRows, "pageNo": b.PageNo} {
		s, err := p.text(name, v)
		if err != nil {
			return nil, err
		}
		if err := env.setPaging(name, s); err != nil {
			return nil, err
		}
	}
	raws, err := jsonItems(b.Items)
	if err != nil {
		return nil, err
	}
	for i, raw := range raws {
		f, err := p.jsonFields(raw)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i+1, err)
		}
		env.items = append(env.items, f)
	}
	return env, nil
}

// jsonItems normalises body.items: {"item":[…]}, {"item":{…}} for exactly one row, and
// "" or {} or null for none.
func jsonItems(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		if len(raw) == 0 || string(raw) == "null" || string(raw) == `""` {
			return nil, nil
		}
		return nil, errors.New("json: body.items is neither an object nor empty")
	}
	var items struct {
		Item json.RawMessage `json:"item"`
	}
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("json: body.items: %w", err)
	}
	item := bytes.TrimSpace(items.Item)
	switch {
	case len(item) == 0 || string(item) == "null" || string(item) == `""`:
		return nil, nil
	case item[0] == '{':
		return []json.RawMessage{item}, nil
	case item[0] == '[':
		var list []json.RawMessage
		if err := json.Unmarshal(item, &list); err != nil {
			return nil, fmt.Errorf("json: body.items.item: %w", err)
		}
		return list, nil
	}
	return nil, errors.New("json: body.items.item is neither an object nor an array")
}

// jsonFields reads one JSON object as text fields.
func (p parser) jsonFields(raw json.RawMessage) (fields, error) {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("json: %w", err)
	}
	f := make(fields, len(m))
	for k, v := range m {
		s, err := p.text(k, v)
		if err != nil {
			return nil, err
		}
		f[k] = s
	}
	return f, nil
}

// text renders a decoded JSON scalar as the text the source meant: numbers keep their
// digits as written (json.Number), null is empty.
func (p parser) text(name string, v any) (string, error) {
	var s string
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		s = v
	case json.Number:
		s = v.String()
	case bool:
		s = strconv.FormatBool(v)
	default:
		return "", fmt.Errorf("field %s: not a scalar value", name)
	}
	if len(s) > p.maxField {
		return "", fmt.Errorf("field %s: longer than %d bytes", name, p.maxField)
	}
	return strings.TrimSpace(s), nil
}

// parseEnvelope fills res from a data.go.kr response, reading each item by res.Format.
func (p parser) parseEnvelope(data []byte, res *Result) error {
	env, err := p.readEnvelope(data)
	if err != nil {
		return err
	}
	res.Total, res.pageRows = env.total, env.rows
	switch res.Format {
	case FormatNMC:
		res.Scope = "nmc:hospital"
	case FormatNMCPharmacy:
		res.Scope = "nmc:pharmacy"
	case FormatHIRABasis:
		res.Scope = "hira:hospital"
	case FormatKASI:
		res.Scope = "kasi:holidays"
	}
	b := newBuilder(res)
	hol := newHolidays(res)
	if res.Format != FormatKASI {
		res.Institutions = make([]heydoctor.Institution, 0, len(env.items))
	}
	// The location operation of the pharmacy service answers with dutyDiv H, which
	// Detect reads as the hospital service: a page of pharmacies only is the pharmacy scope.
	if res.Format == FormatNMC && len(env.items) > 0 && !slices.ContainsFunc(env.items, func(f fields) bool { return f["dutyDiv"] != "H" }) {
		res.Scope = "nmc:pharmacy"
	}
	for i, f := range env.items {
		res.Read++
		pos := fmt.Sprintf("item %d", i+1)
		kind := res.Format
		if kind == FormatDataGoKr {
			switch {
			case f["hpid"] != "":
				kind = FormatNMC
			case f["ykiho"] != "":
				kind = FormatHIRABasis
			case f["locdate"] != "":
				kind = FormatKASI
			default:
				b.reject(pos, "item has none of hpid, ykiho or locdate")
				continue
			}
		}
		switch kind {
		case FormatNMC, FormatNMCPharmacy:
			pharmacy := kind == FormatNMCPharmacy
			b.record(pos, f, "hpid", func(f fields) (heydoctor.Institution, error) { return nmcInstitution(f, pharmacy) }, nil)
		case FormatHIRABasis:
			b.record(pos, f, "ykiho", hiraInstitution, nil)
		case FormatKASI:
			hol.add(pos, f)
		}
	}
	return nil
}

// shortID keeps positions readable: a ykiho is about 80 characters.
func shortID(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}
