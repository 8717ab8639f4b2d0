-- Times are Unix seconds (UTC) in BIGINT columns: exact, portable between SQLite and
-- MySQL, and free of driver time-zone conversions. Booleans are 0/1.

CREATE TABLE meta (
    name  VARCHAR(64) PRIMARY KEY,
    value TEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE institutions (
    id                    BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    kind                  VARCHAR(16)   NOT NULL,
    type_code             VARCHAR(16)   NOT NULL DEFAULT '',
    type_name             VARCHAR(1000)    NOT NULL DEFAULT '',
    name                  TEXT NOT NULL,
    address               VARCHAR(1000)    NOT NULL DEFAULT '',
    postcode              VARCHAR(1000)    NOT NULL DEFAULT '',
    phone                 VARCHAR(1000)    NOT NULL DEFAULT '',
    er_phone              VARCHAR(1000)    NOT NULL DEFAULT '',
    lat                   DOUBLE    NOT NULL DEFAULT 0,
    lng                   DOUBLE    NOT NULL DEFAULT 0,
    departments           VARCHAR(1000)    NOT NULL DEFAULT '',
    hours                 VARCHAR(1000)    NOT NULL DEFAULT '',
    er                    BIGINT NOT NULL DEFAULT 0,
    notes                 TEXT NOT NULL,
    status                VARCHAR(16)   NOT NULL DEFAULT 'operating',
    hpid                  VARCHAR(32) UNIQUE,
    ykiho                 VARCHAR(191) UNIQUE,
    local_key             VARCHAR(64) UNIQUE,
    source                VARCHAR(32)   NOT NULL DEFAULT '',
    onboarded             BIGINT NOT NULL DEFAULT 0,
    demo                  BIGINT NOT NULL DEFAULT 0,
    require_confirmation  BIGINT NOT NULL DEFAULT 1,
    fingerprint           CHAR(40)   NOT NULL DEFAULT '',
    cancel_window_minutes BIGINT NOT NULL DEFAULT 60,
    updated_at            BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX institutions_kind ON institutions (kind);
CREATE INDEX institutions_source ON institutions (source);

CREATE TABLE public_holidays (
    day  CHAR(10) PRIMARY KEY,
    name TEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE closures (
    institution_id BIGINT NOT NULL,
    day            CHAR(10)   NOT NULL,
    open_hhmm      VARCHAR(4)   NOT NULL DEFAULT '',
    close_hhmm     VARCHAR(4)   NOT NULL DEFAULT '',
    note           VARCHAR(1000)    NOT NULL DEFAULT '',
    PRIMARY KEY (institution_id, day),
    FOREIGN KEY (institution_id) REFERENCES institutions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE doctors (
    id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    institution_id BIGINT NOT NULL,
    department     VARCHAR(8)   NOT NULL,
    name           VARCHAR(100) NOT NULL,
    is_room        BIGINT NOT NULL DEFAULT 0,
    active         BIGINT NOT NULL DEFAULT 1,
    demo           BIGINT NOT NULL DEFAULT 0,
    updated_at     BIGINT NOT NULL,
    FOREIGN KEY (institution_id) REFERENCES institutions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX doctors_institution ON doctors (institution_id);

CREATE TABLE schedules (
    doctor_id          BIGINT PRIMARY KEY,
    blocks             TEXT NOT NULL,
    slot_minutes       BIGINT NOT NULL,
    capacity           BIGINT NOT NULL,
    horizon_days       BIGINT NOT NULL,
    min_notice_minutes BIGINT NOT NULL,
    open_on_holidays   BIGINT NOT NULL DEFAULT 0,
    updated_at         BIGINT NOT NULL,
    FOREIGN KEY (doctor_id) REFERENCES doctors (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE schedule_exceptions (
    id        BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    doctor_id BIGINT NOT NULL,
    day       CHAR(10)   NOT NULL,
    closed    BIGINT NOT NULL DEFAULT 1,
    blocks    TEXT NOT NULL,
    note      VARCHAR(1000)    NOT NULL DEFAULT '',
    UNIQUE (doctor_id, day),
    FOREIGN KEY (doctor_id) REFERENCES doctors (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE patients (
    id         BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name       VARCHAR(100) NOT NULL,
    phone      VARCHAR(20)   NOT NULL,
    kakao_key  VARCHAR(191)   NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (phone, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A reservation holds seat 1..capacity of its slot while active; the unique index makes
-- the database itself refuse a second holder of the same seat. Inactive reservations
-- release their seat (NULL), and NULLs never collide.
CREATE TABLE reservations (
    id              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    code            VARCHAR(16)   NOT NULL UNIQUE,
    institution_id  BIGINT NOT NULL,
    doctor_id       BIGINT NOT NULL,
    patient_id      BIGINT NOT NULL,
    start_at        BIGINT NOT NULL,
    end_at          BIGINT NOT NULL,
    seat            BIGINT,
    status          VARCHAR(16)   NOT NULL,
    channel         VARCHAR(16)   NOT NULL,
    note            VARCHAR(1000)    NOT NULL DEFAULT '',
    idempotency_key VARCHAR(191) UNIQUE,
    sequence        BIGINT NOT NULL DEFAULT 0,
    reason          VARCHAR(1000)    NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    CONSTRAINT reservations_seat UNIQUE (doctor_id, start_at, seat),
    FOREIGN KEY (institution_id) REFERENCES institutions (id),
    FOREIGN KEY (doctor_id) REFERENCES doctors (id),
    FOREIGN KEY (patient_id) REFERENCES patients (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX reservations_institution_start ON reservations (institution_id, start_at);
CREATE INDEX reservations_patient ON reservations (patient_id);

CREATE TABLE staff (
    id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    institution_id BIGINT NOT NULL,
    login          VARCHAR(64)   NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    role           VARCHAR(16)   NOT NULL,
    disabled       BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    FOREIGN KEY (institution_id) REFERENCES institutions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE staff_sessions (
    token_hash CHAR(64) PRIMARY KEY,
    staff_id   BIGINT NOT NULL,
    csrf_token VARCHAR(64)   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    FOREIGN KEY (staff_id) REFERENCES staff (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE audit_log (
    id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    institution_id BIGINT NOT NULL,
    staff_id       BIGINT NOT NULL,
    action         VARCHAR(64)   NOT NULL,
    entity         VARCHAR(64)   NOT NULL,
    entity_id      BIGINT NOT NULL,
    before_json    TEXT NOT NULL,
    after_json     TEXT NOT NULL,
    at             BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX audit_log_institution ON audit_log (institution_id, at);

CREATE TABLE conversations (
    channel    VARCHAR(16)   NOT NULL,
    user_key   VARCHAR(191)   NOT NULL,
    state      MEDIUMBLOB   NOT NULL,
    updated_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (channel, user_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE webhooks (
    id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    institution_id BIGINT NOT NULL,
    url            VARCHAR(2048)   NOT NULL,
    secret         VARCHAR(128)   NOT NULL,
    active         BIGINT NOT NULL DEFAULT 1,
    created_at     BIGINT NOT NULL,
    FOREIGN KEY (institution_id) REFERENCES institutions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE webhook_deliveries (
    id              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    webhook_id      BIGINT NOT NULL,
    event           VARCHAR(64)   NOT NULL,
    body            MEDIUMTEXT   NOT NULL,
    state           VARCHAR(16)   NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      VARCHAR(1000)    NOT NULL DEFAULT '',
    last_status     BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    FOREIGN KEY (webhook_id) REFERENCES webhooks (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);

CREATE TABLE import_runs (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    format      VARCHAR(64)   NOT NULL,
    scope       VARCHAR(64)   NOT NULL DEFAULT '',
    finished_at BIGINT NOT NULL,
    n_read      BIGINT NOT NULL,
    n_inserted  BIGINT NOT NULL,
    n_updated   BIGINT NOT NULL,
    n_unchanged BIGINT NOT NULL,
    n_rejected  BIGINT NOT NULL,
    n_closed    BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

