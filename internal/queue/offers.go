package queue

import (
	"context"
	"fmt"

	"heydoctor"
)

// TakesCheckIns reports whether an institution's pages offer same-day check-in: it
// takes online bookings and has check-in switched on. Whether a check-in would be
// accepted right now (hours, pause, cap) is Available's question.
func (s *Service) TakesCheckIns(ctx context.Context, in *heydoctor.Institution) (bool, error) {
	if !in.Onboarded {
		return false, nil
	}
	qs, err := s.store.FindQueueSettings(ctx, in.ID)
	if err != nil {
		return false, fmt.Errorf("queue settings of %d: %w", in.ID, err)
	}
	return qs.Enabled, nil
}
