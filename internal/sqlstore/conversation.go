package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"heydoctor"
)

// GetConversation returns a user's unexpired conversation, NotFound otherwise.
func (s *Store) GetConversation(ctx context.Context, ch heydoctor.Channel, userKey string) (_ *heydoctor.Conversation, err error) {
	defer wrap(&err, "get conversation")
	c := heydoctor.Conversation{Channel: ch, UserKey: userKey}
	var updated, expires int64
	stmt, err := s.prepared(ctx, s.rdb, `SELECT state, updated_at, expires_at FROM conversations WHERE channel = ? AND user_key = ? AND expires_at > ?`)
	if err != nil {
		return nil, translate(err)
	}
	err = stmt.QueryRowContext(ctx, string(ch), userKey, s.unix()).Scan(&c.State, &updated, &expires)
	if err == sql.ErrNoRows {
		return nil, notFound("대화", userKey)
	}
	if err != nil {
		return nil, translate(err)
	}
	c.UpdatedAt, c.ExpiresAt = time.Unix(updated, 0).UTC(), time.Unix(expires, 0).UTC()
	return &c, nil
}

// PutConversation saves a conversation's state, creating or replacing it, in a single
// upsert statement: chat turns are the busiest writes, and one statement is one commit.
func (s *Store) PutConversation(ctx context.Context, c *heydoctor.Conversation) (err error) {
	defer wrap(&err, "put conversation")
	q := s.dialect.upsert(`INSERT INTO conversations (channel, user_key, state, updated_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		[]string{"channel", "user_key"}, []string{"state", "updated_at", "expires_at"})
	stmt, err := s.prepared(ctx, s.wdb, q)
	if err != nil {
		return translate(err)
	}
	return s.retry(ctx, txRetry, nil, func() error {
		_, err := stmt.ExecContext(ctx, string(c.Channel), c.UserKey, c.State, s.unix(), c.ExpiresAt.Unix())
		return translate(err)
	})
}

// DeleteExpiredConversations removes conversations past their expiry and says how many.
func (s *Store) DeleteExpiredConversations(ctx context.Context) (_ int64, err error) {
	defer wrap(&err, "delete expired conversations")
	res, err := s.wdb.ExecContext(ctx, `DELETE FROM conversations WHERE expires_at <= ?`, s.unix())
	if err != nil {
		return 0, translate(err)
	}
	return res.RowsAffected()
}
