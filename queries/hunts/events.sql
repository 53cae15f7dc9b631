-- Events of one host and/or user in a time window, of one kind (class or source);
-- the actor of RAW auditd events is named from its auid (view named_events).
-- Parameters (NULL = no filter): $host, $user (actor or target account), $since
-- (inclusive), $until (exclusive), $class_uid, $source_type; $limit (NULL: all rows).
SELECT *
FROM named_events
WHERE ($host IS NULL OR device_hostname = $host)
  AND ($user IS NULL OR actor_user_name = $user OR user_name = $user)
  AND ($since IS NULL OR time >= $since)
  AND ($until IS NULL OR time < $until)
  AND ($class_uid IS NULL OR class_uid = $class_uid)
  AND ($source_type IS NULL OR source_type = $source_type)
ORDER BY time, device_hostname, event_uid
LIMIT $limit
