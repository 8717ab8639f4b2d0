package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"heydoctor"
)

// GetConversation returns a user's unexpired conversation, NotFound otherwise.
func (s *Store) GetConversation(ctx context.Context, ch heydoctor.Channel, userKey string) (*heydoctor.Conversation, error) {
	c := heydoctor.Conversation{Channel: ch, UserKey: userKey}
	var updated, expires int64
	err := s.rdb.QueryRowContext(ctx, `SELECT state, updated_at, expires_at FROM conversations WHERE channel = ? AND user_key = ? AND expires_at > ?`,
		string(ch), userKey, s.unix()).Scan(&c.State, &updated, &expires)
	if err == sql.ErrNoRows {
		return nil, notFound("대화", userKey)
	}
	if err != nil {
		return nil, translate(err)
	}
	c.UpdatedAt, c.ExpiresAt = time.Unix(updated, 0).UTC(), time.Unix(expires, 0).UTC()
	return &c, nil
}

// PutConversation saves a conversation's state, creating or replacing it.
func (s *Store) PutConversation(ctx context.Context, c *heydoctor.Conversation) error {
	return s.retry(ctx, func() error {
		return s.withTx(ctx, func(tx *sql.Tx) error {
			now := s.unix()
			res, err := tx.ExecContext(ctx, `UPDATE conversations SET state = ?, updated_at = ?, expires_at = ? WHERE channel = ? AND user_key = ?`,
				c.State, now, c.ExpiresAt.Unix(), string(c.Channel), c.UserKey)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				return nil
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO conversations (channel, user_key, state, updated_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
				string(c.Channel), c.UserKey, c.State, now, c.ExpiresAt.Unix())
			return err
		})
	})
}

// DeleteExpiredConversations removes conversations past their expiry and says how many.
func (s *Store) DeleteExpiredConversations(ctx context.Context) (int64, error) {
	res, err := s.wdb.ExecContext(ctx, `DELETE FROM conversations WHERE expires_at <= ?`, s.unix())
	if err != nil {
		return 0, translate(err)
	}
	return res.RowsAffected()
}
