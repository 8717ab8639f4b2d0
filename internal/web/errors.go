package web

import (
	"errors"
	"net/http"

	"heydoctor"
)

// statusOf is the one table from domain error kinds to HTTP statuses.
var statusOf = map[heydoctor.ErrorKind]int{
	heydoctor.Internal:     http.StatusInternalServerError,
	heydoctor.Invalid:      http.StatusBadRequest,
	heydoctor.NotFound:     http.StatusNotFound,
	heydoctor.Conflict:     http.StatusConflict,
	heydoctor.Unauthorized: http.StatusUnauthorized,
	heydoctor.Forbidden:    http.StatusForbidden,
	heydoctor.Unavailable:  http.StatusServiceUnavailable,
	heydoctor.TooMany:      http.StatusTooManyRequests,
}

// errTooLarge marks a request body over its limit.
var errTooLarge = &heydoctor.Error{Kind: heydoctor.Invalid, Message: "요청 본문이 너무 큽니다"}

// httpStatus returns the status for err.
func httpStatus(err error) int {
	if errors.Is(err, errTooLarge) {
		return http.StatusRequestEntityTooLarge
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	if s, ok := statusOf[heydoctor.KindOf(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}
