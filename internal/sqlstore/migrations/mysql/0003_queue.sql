-- Same-day check-in (모바일 접수). A clinic's day has one counter row; a check-in bumps it
-- in the transaction that inserts the ticket, so numbers are consecutive, and the unique
-- index on (institution, day, number) refuses a duplicate even if that ever went wrong.
-- active_phone holds the phone while a ticket is active and NULL after: the database
-- itself refuses a second active ticket for the same phone at the same clinic.

CREATE TABLE queue_settings (
    institution_id BIGINT PRIMARY KEY,
    enabled        BIGINT NOT NULL DEFAULT 0,
    paused         BIGINT NOT NULL DEFAULT 0,
    daily_cap      BIGINT NOT NULL DEFAULT 0,
    cutoff_hhmm    VARCHAR(4) NOT NULL DEFAULT '',
    skip_back      BIGINT NOT NULL DEFAULT 3,
    soon_ahead     BIGINT NOT NULL DEFAULT 2,
    always_open    BIGINT NOT NULL DEFAULT 0,
    updated_at     BIGINT NOT NULL,
    FOREIGN KEY (institution_id) REFERENCES institutions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE queue_days (
    institution_id BIGINT NOT NULL,
    day            CHAR(10) NOT NULL,
    last_number    BIGINT NOT NULL,
    PRIMARY KEY (institution_id, day),
    FOREIGN KEY (institution_id) REFERENCES institutions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE queue_tickets (
    id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    code           VARCHAR(16)   NOT NULL UNIQUE,
    institution_id BIGINT NOT NULL,
    day            CHAR(10)      NOT NULL,
    number         BIGINT NOT NULL,
    kind           VARCHAR(16)   NOT NULL,
    channel        VARCHAR(16)   NOT NULL,
    status         VARCHAR(16)   NOT NULL,
    name           VARCHAR(100)  NOT NULL,
    phone          VARCHAR(20)   NOT NULL DEFAULT '',
    active_phone   VARCHAR(20),
    child_name     VARCHAR(100)  NOT NULL DEFAULT '',
    note           VARCHAR(1000) NOT NULL DEFAULT '',
    kakao_key      VARCHAR(191)  NOT NULL DEFAULT '',
    rank_key       BIGINT NOT NULL,
    skips          BIGINT NOT NULL DEFAULT 0,
    soon           BIGINT NOT NULL DEFAULT 0,
    reason         VARCHAR(1000) NOT NULL DEFAULT '',
    demo           BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    called_at      BIGINT NOT NULL DEFAULT 0,
    started_at     BIGINT NOT NULL DEFAULT 0,
    finished_at    BIGINT NOT NULL DEFAULT 0,
    updated_at     BIGINT NOT NULL,
    CONSTRAINT queue_tickets_number UNIQUE (institution_id, day, number),
    CONSTRAINT queue_tickets_active_phone UNIQUE (institution_id, day, active_phone),
    FOREIGN KEY (institution_id) REFERENCES institutions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX queue_tickets_day_status ON queue_tickets (institution_id, day, status);
CREATE INDEX queue_tickets_kakao ON queue_tickets (kakao_key);
