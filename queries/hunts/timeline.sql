-- Events and findings of one host and/or user over time, one row each, by time.
-- Parameters (NULL = no filter): $host, $user (actor or target account), $since
-- (inclusive), $until (exclusive); $with_events false leaves only findings. `what` is
-- the event's class or the detection id; `summary` the command line, path, message or
-- finding title. The actor of RAW auditd events is named from its auid (named_events).
WITH picked_events AS (
    SELECT
        time,
        device_hostname,
        'event' AS kind,
        class_name AS what,
        source_type,
        actor_user_name,
        user_name,
        NULL::VARCHAR AS severity,
        coalesce(process_cmd_line, api_operation, file_path, message, audit_type) AS summary,
        event_uid AS uid
    FROM named_events
    WHERE $with_events
      AND ($host IS NULL OR device_hostname = $host)
      AND ($user IS NULL OR actor_user_name = $user OR user_name = $user)
      AND ($since IS NULL OR time >= $since)
      AND ($until IS NULL OR time < $until)
),
picked_findings AS (
    SELECT
        start_time AS time,
        device_hostname,
        'finding' AS kind,
        analytic_uid AS what,
        NULL::VARCHAR AS source_type,
        actor_user_name,
        user_name,
        severity,
        finding_title AS summary,
        finding_uid AS uid
    FROM findings
    WHERE ($host IS NULL OR device_hostname = $host)
      AND ($user IS NULL OR actor_user_name = $user OR user_name = $user)
      AND ($since IS NULL OR start_time >= $since)
      AND ($until IS NULL OR start_time < $until)
)
SELECT * FROM picked_events
UNION ALL
SELECT * FROM picked_findings
ORDER BY time, device_hostname, kind, uid
