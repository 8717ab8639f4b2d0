-- Same-day check-in (모바일 접수). A clinic's day has one counter row; a check-in bumps it
-- in the transaction that inserts the ticket, so numbers are consecutive, and the unique
-- index on (institution, day, number) refuses a duplicate even if that ever went wrong.
-- active_phone holds the phone while a ticket is active and NULL after: the database
-- itself refuses a second active ticket for the same phone at the same clinic.

CREATE TABLE queue_settings (
    institution_id INTEGER PRIMARY KEY REFERENCES institutions (id),
    enabled        INTEGER NOT NULL DEFAULT 0,
    paused         INTEGER NOT NULL DEFAULT 0,
    daily_cap      INTEGER NOT NULL DEFAULT 0,
    cutoff_hhmm    TEXT    NOT NULL DEFAULT '',
    skip_back      INTEGER NOT NULL DEFAULT 3,
    soon_ahead     INTEGER NOT NULL DEFAULT 2,
    always_open    INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL
);

CREATE TABLE queue_days (
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    day            TEXT    NOT NULL,
    last_number    INTEGER NOT NULL,
    PRIMARY KEY (institution_id, day)
);

CREATE TABLE queue_tickets (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    code           TEXT    NOT NULL UNIQUE,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    day            TEXT    NOT NULL,
    number         INTEGER NOT NULL,
    kind           TEXT    NOT NULL,
    channel        TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    phone          TEXT    NOT NULL DEFAULT '',
    active_phone   TEXT,
    child_name     TEXT    NOT NULL DEFAULT '',
    note           TEXT    NOT NULL DEFAULT '',
    kakao_key      TEXT    NOT NULL DEFAULT '',
    rank_key       INTEGER NOT NULL,
    skips          INTEGER NOT NULL DEFAULT 0,
    soon           INTEGER NOT NULL DEFAULT 0,
    reason         TEXT    NOT NULL DEFAULT '',
    demo           INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    called_at      INTEGER NOT NULL DEFAULT 0,
    started_at     INTEGER NOT NULL DEFAULT 0,
    finished_at    INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL,
    CONSTRAINT queue_tickets_number UNIQUE (institution_id, day, number),
    CONSTRAINT queue_tickets_active_phone UNIQUE (institution_id, day, active_phone)
);
CREATE INDEX queue_tickets_day_status ON queue_tickets (institution_id, day, status);
CREATE INDEX queue_tickets_kakao ON queue_tickets (kakao_key);
