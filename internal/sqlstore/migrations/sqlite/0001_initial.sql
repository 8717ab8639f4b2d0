-- Times are Unix seconds (UTC) in INTEGER columns: exact, portable between SQLite and
-- MySQL, and free of driver time-zone conversions. Booleans are 0/1.

CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE institutions (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    kind                  TEXT    NOT NULL,
    type_code             TEXT    NOT NULL DEFAULT '',
    type_name             TEXT    NOT NULL DEFAULT '',
    name                  TEXT    NOT NULL,
    address               TEXT    NOT NULL DEFAULT '',
    postcode              TEXT    NOT NULL DEFAULT '',
    phone                 TEXT    NOT NULL DEFAULT '',
    er_phone              TEXT    NOT NULL DEFAULT '',
    lat                   REAL    NOT NULL DEFAULT 0,
    lng                   REAL    NOT NULL DEFAULT 0,
    departments           TEXT    NOT NULL DEFAULT '',
    hours                 TEXT    NOT NULL DEFAULT '',
    er                    INTEGER NOT NULL DEFAULT 0,
    notes                 TEXT    NOT NULL,
    status                TEXT    NOT NULL DEFAULT 'operating',
    hpid                  TEXT UNIQUE,
    ykiho                 TEXT UNIQUE,
    local_key             TEXT UNIQUE,
    source                TEXT    NOT NULL DEFAULT '',
    onboarded             INTEGER NOT NULL DEFAULT 0,
    demo                  INTEGER NOT NULL DEFAULT 0,
    require_confirmation  INTEGER NOT NULL DEFAULT 1,
    fingerprint           TEXT    NOT NULL DEFAULT '',
    cancel_window_minutes INTEGER NOT NULL DEFAULT 60,
    updated_at            INTEGER NOT NULL
);
CREATE INDEX institutions_kind ON institutions (kind);
CREATE INDEX institutions_source ON institutions (source);

CREATE TABLE public_holidays (
    day  TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE closures (
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    day            TEXT    NOT NULL,
    open_hhmm      TEXT    NOT NULL DEFAULT '',
    close_hhmm     TEXT    NOT NULL DEFAULT '',
    note           TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (institution_id, day)
);

CREATE TABLE doctors (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    department     TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    is_room        INTEGER NOT NULL DEFAULT 0,
    active         INTEGER NOT NULL DEFAULT 1,
    demo           INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX doctors_institution ON doctors (institution_id);

CREATE TABLE schedules (
    doctor_id          INTEGER PRIMARY KEY REFERENCES doctors (id),
    blocks             TEXT    NOT NULL,
    slot_minutes       INTEGER NOT NULL,
    capacity           INTEGER NOT NULL,
    horizon_days       INTEGER NOT NULL,
    min_notice_minutes INTEGER NOT NULL,
    open_on_holidays   INTEGER NOT NULL DEFAULT 0,
    updated_at         INTEGER NOT NULL
);

CREATE TABLE schedule_exceptions (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id INTEGER NOT NULL REFERENCES doctors (id),
    day       TEXT    NOT NULL,
    closed    INTEGER NOT NULL DEFAULT 1,
    blocks    TEXT    NOT NULL,
    note      TEXT    NOT NULL DEFAULT '',
    UNIQUE (doctor_id, day)
);

CREATE TABLE patients (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL,
    phone      TEXT    NOT NULL,
    kakao_key  TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    UNIQUE (phone, name)
);

-- A reservation holds seat 1..capacity of its slot while active; the unique index makes
-- the database itself refuse a second holder of the same seat. Inactive reservations
-- release their seat (NULL), and NULLs never collide.
CREATE TABLE reservations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    code            TEXT    NOT NULL UNIQUE,
    institution_id  INTEGER NOT NULL REFERENCES institutions (id),
    doctor_id       INTEGER NOT NULL REFERENCES doctors (id),
    patient_id      INTEGER NOT NULL REFERENCES patients (id),
    start_at        INTEGER NOT NULL,
    end_at          INTEGER NOT NULL,
    seat            INTEGER,
    status          TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    note            TEXT    NOT NULL DEFAULT '',
    idempotency_key TEXT UNIQUE,
    sequence        INTEGER NOT NULL DEFAULT 0,
    reason          TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    CONSTRAINT reservations_seat UNIQUE (doctor_id, start_at, seat)
);
CREATE INDEX reservations_institution_start ON reservations (institution_id, start_at);
CREATE INDEX reservations_patient ON reservations (patient_id);

CREATE TABLE staff (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    login          TEXT    NOT NULL UNIQUE,
    password_hash  TEXT    NOT NULL,
    role           TEXT    NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL
);

CREATE TABLE staff_sessions (
    token_hash TEXT PRIMARY KEY,
    staff_id   INTEGER NOT NULL REFERENCES staff (id),
    csrf_token TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    institution_id INTEGER NOT NULL,
    staff_id       INTEGER NOT NULL,
    action         TEXT    NOT NULL,
    entity         TEXT    NOT NULL,
    entity_id      INTEGER NOT NULL,
    before_json    TEXT    NOT NULL,
    after_json     TEXT    NOT NULL,
    at             INTEGER NOT NULL
);
CREATE INDEX audit_log_institution ON audit_log (institution_id, at);

CREATE TABLE conversations (
    channel    TEXT    NOT NULL,
    user_key   TEXT    NOT NULL,
    state      BLOB    NOT NULL,
    updated_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (channel, user_key)
);

CREATE TABLE webhooks (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    url            TEXT    NOT NULL,
    secret         TEXT    NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks (id),
    event           TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    last_status     INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);

CREATE TABLE import_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    format      TEXT    NOT NULL,
    scope       TEXT    NOT NULL DEFAULT '',
    finished_at INTEGER NOT NULL,
    n_read      INTEGER NOT NULL,
    n_inserted  INTEGER NOT NULL,
    n_updated   INTEGER NOT NULL,
    n_unchanged INTEGER NOT NULL,
    n_rejected  INTEGER NOT NULL,
    n_closed    INTEGER NOT NULL
);
