-- Failed sign-ins per account and client address together (issue 15): the
-- throttle pauses an attacker's address without locking the account's
-- owner out from another, and every server shares the count.
CREATE TABLE sign_in_attempts (
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    failures INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,
    PRIMARY KEY (account, address)
);
-- Forgetting pairs that have been quiet a day.
CREATE INDEX sign_in_attempts_last_failure_idx ON sign_in_attempts (last_failure_at);
