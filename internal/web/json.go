package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"heydoctor"
)

// maxJSONBody bounds every JSON request body.
const maxJSONBody = 64 << 10

// validator is implemented by request types that check their own fields.
type validator interface{ Validate() error }

// decode reads a bounded JSON body into a T, refusing unknown fields and trailing data,
// and validates it. Errors name the field at fault.
func decode[T any](w http.ResponseWriter, r *http.Request) (T, error) {
	var v T
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return v, heydoctor.FieldError("Content-Type", "application/json 이어야 합니다")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return v, heydoctor.Errorf(heydoctor.Invalid, "JSON 본문 뒤에 다른 데이터가 있습니다")
	}
	if val, ok := any(&v).(validator); ok {
		if err := val.Validate(); err != nil {
			return v, err
		}
	}
	return v, nil
}

func jsonError(err error) error {
	var (
		mbe *http.MaxBytesError
		se  *json.SyntaxError
		te  *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &mbe):
		return errTooLarge
	case errors.Is(err, io.EOF):
		return heydoctor.Errorf(heydoctor.Invalid, "요청 본문이 비어 있습니다")
	case errors.As(err, &se):
		return heydoctor.Errorf(heydoctor.Invalid, "JSON 형식이 올바르지 않습니다 (위치 %d)", se.Offset)
	case errors.As(err, &te):
		return heydoctor.FieldError(te.Field, "%s 형식이어야 합니다", te.Type.String())
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return heydoctor.FieldError(field, "알 수 없는 필드입니다")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return heydoctor.Errorf(heydoctor.Invalid, "JSON 본문이 중간에 끊겼습니다")
	}
	return heydoctor.Errorf(heydoctor.Invalid, "JSON을 읽을 수 없습니다: %s", err)
}

// encode writes v as JSON with a status.
func encode[T any](w http.ResponseWriter, status int, v T) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

// apiError is the JSON body of every API error.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}
