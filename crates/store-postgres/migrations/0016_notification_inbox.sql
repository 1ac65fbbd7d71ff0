-- The inbox (issue 13): a deadline's alert has kinds of its own,
-- `deadline_at_risk` and `deadline_breached`, so that it can be filtered
-- apart from a timescale's. Those sent before were stored as
-- `timescale_*`; their message says which they were (re-evaluation writes
-- `<client> — <title>: deadline "<deadline>" due …`).
-- The unread count read with every session, the filters and the bulk
-- acknowledgements all use notifications_user_idx (user_id,
-- acknowledged_at, created_at) from 0005: no new index is needed.
UPDATE notifications
SET kind = 'deadline_' || substr(kind, 11)
WHERE kind IN ('timescale_at_risk', 'timescale_breached')
  AND message LIKE '%: deadline "%';
