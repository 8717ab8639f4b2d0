package booking

import (
	"context"
	"fmt"

	"heydoctor"
)

// Institution returns the full record of an institution for its public pages (the
// directory keeps only what lists show).
func (s *Service) Institution(ctx context.Context, id int64) (*heydoctor.Institution, error) {
	in, err := s.store.FindInstitutionByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("find institution %d: %w", id, err)
	}
	return in, nil
}

// PublicDoctors lists the doctors and rooms patients see on an institution's pages: the
// active ones of an institution that takes online bookings, none of one that does not.
func (s *Service) PublicDoctors(ctx context.Context, in *heydoctor.Institution) ([]*heydoctor.Doctor, error) {
	if !in.Onboarded {
		return nil, nil
	}
	list, err := s.store.ListDoctors(ctx, in.ID)
	if err != nil {
		return nil, fmt.Errorf("list doctors of %d: %w", in.ID, err)
	}
	var active []*heydoctor.Doctor
	for _, d := range list {
		if d.Active {
			active = append(active, d)
		}
	}
	return active, nil
}
