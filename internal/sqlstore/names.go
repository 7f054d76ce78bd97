package sqlstore

import "context"

// MemberNames returns the names of the track's members by user id, for a
// caller who sees the track (see parley.NameService). Each user's row is
// read whole, so its MAC is checked as for any other read.
func (s *Store) MemberNames(ctx context.Context, trackID int64) (_ map[int64]string, err error) {
	defer s.mapErr(&err, "find member names")
	return readTrack(ctx, s, trackID, func(tx *Tx) (map[int64]string, error) {
		members, err := queryAll(ctx, tx, tMembers, scanMember, `SELECT `+tMembers.sel+` FROM members WHERE track_id = $1 ORDER BY id`, trackID)
		if err != nil {
			return nil, err
		}
		names := make(map[int64]string, len(members))
		for _, m := range members {
			u, err := findUserByID(ctx, tx, m.UserID, false)
			if err != nil {
				return nil, err
			}
			names[u.ID] = u.Name
		}
		return names, nil
	})
}
