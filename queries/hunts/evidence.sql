-- The events a finding names as its evidence, in time order (actors named from the
-- auid where RAW auditd gives only the number: view named_events).
-- Parameters: $finding_uid.
SELECT e.*
FROM findings AS f, unnest(f.event_uids) AS u(event_uid)
JOIN named_events AS e
  ON e.event_uid = u.event_uid
WHERE f.finding_uid = $finding_uid
ORDER BY e.time, e.event_uid
