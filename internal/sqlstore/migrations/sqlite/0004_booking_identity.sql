-- A reservation remembers the channel identity that made it (owner_key, "kakao:" and the
-- KakaoTalk user key; empty for the website, the API and staff). A KakaoTalk user sees
-- the reservations it made and those it linked with proof (the code and phone), one
-- reservation_links row each. The patient row's kakao_key is no longer written or
-- trusted: the last KakaoTalk user to book with a name and phone proved nothing about
-- the others, so the stored keys are cleared.
ALTER TABLE reservations ADD COLUMN owner_key TEXT NOT NULL DEFAULT '';
CREATE INDEX reservations_owner ON reservations (owner_key, start_at);
UPDATE patients SET kakao_key = '';

CREATE TABLE reservation_links (
    owner_key      TEXT    NOT NULL,
    reservation_id INTEGER NOT NULL REFERENCES reservations (id),
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (owner_key, reservation_id)
);

-- One row per phone and per owner (keys are hashes), locked by a booking while it counts
-- the active reservations it joins, so that concurrent bookings on any replica cannot
-- all pass the same count.
CREATE TABLE booking_locks (
    lock_key   TEXT    PRIMARY KEY,
    created_at INTEGER NOT NULL
);
