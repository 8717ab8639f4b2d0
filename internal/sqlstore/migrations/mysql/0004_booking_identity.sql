-- A reservation remembers the channel identity that made it (owner_key, "kakao:" and the
-- KakaoTalk user key; empty for the website, the API and staff). A KakaoTalk user sees
-- the reservations it made and those it linked with proof (the code and phone), one
-- reservation_links row each. The patient row's kakao_key is no longer written or
-- trusted: the last KakaoTalk user to book with a name and phone proved nothing about
-- the others, so the stored keys are cleared.
ALTER TABLE reservations ADD COLUMN owner_key VARCHAR(191) NOT NULL DEFAULT '';
CREATE INDEX reservations_owner ON reservations (owner_key, start_at);
UPDATE patients SET kakao_key = '';

CREATE TABLE reservation_links (
    owner_key      VARCHAR(191) NOT NULL,
    reservation_id BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (owner_key, reservation_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per phone and per owner (keys are hashes), locked by a booking while it counts
-- the active reservations it joins, so that concurrent bookings on any replica cannot
-- all pass the same count.
CREATE TABLE booking_locks (
    lock_key   VARCHAR(64) NOT NULL PRIMARY KEY,
    created_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
