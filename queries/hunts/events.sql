-- Events of one host and/or user in a time window, of one kind (class or source).
-- RAW auditd records carry only the numeric auid: where an event names no actor, the
-- login name behind its auid on its host (view audit_user_names) fills
-- actor_user_name, so a user's processes are found whatever the log format.
-- Parameters (NULL = no filter): $host, $user (actor or target account), $since
-- (inclusive), $until (exclusive), $class_uid, $source_type.
WITH picked AS (
    SELECT e.* REPLACE (coalesce(e.actor_user_name, n.user_name) AS actor_user_name)
    FROM events AS e
    LEFT JOIN audit_user_names AS n
      ON n.device_hostname = e.device_hostname
     AND n.auid = e.process_auid
    WHERE ($host IS NULL OR e.device_hostname = $host)
      AND ($since IS NULL OR e.time >= $since)
      AND ($until IS NULL OR e.time < $until)
      AND ($class_uid IS NULL OR e.class_uid = $class_uid)
      AND ($source_type IS NULL OR e.source_type = $source_type)
)
SELECT *
FROM picked
WHERE ($user IS NULL OR actor_user_name = $user OR user_name = $user)
ORDER BY time, device_hostname, event_uid
