-- The authentication and session events that login sessions are stitched from:
-- sshd accepts, PAM session opened/closed, auditd USER_LOGIN/USER_START/USER_END,
-- logind New/Removed session. Failures open no session. sudo and su are not logins
-- but commands run inside one, so their PAM sessions are left out; cron's (batch)
-- stay in, so that the stitched session they form, whose kernel LOGIN record names
-- no program, can be recognised as cron's and dropped.
-- Parameters (NULL = no filter): $host, $until (exclusive), $user (the hosts where the
-- user logged on: sessions are stitched per host and named after their logons' user,
-- so another host's events can join none of that user's sessions).
SELECT
    event_uid,
    time,
    device_hostname,
    source_type,
    app_name,
    activity_id,
    user_name,
    actor_user_name,
    logon_type,
    -- auditd writes 4294967295 (or -1) for "no session"
    CASE WHEN session_uid IN ('4294967295', '-1') THEN NULL ELSE session_uid END AS session_uid,
    auth_protocol,
    src_endpoint_ip,
    process_pid,
    audit_type
FROM events
WHERE class_uid IN (3002, 3003)
  AND coalesce(status_id, 0) <> 2
  AND activity_id IN (1, 2)
  AND coalesce(logon_type, '') NOT IN ('switch', 'elevate', 'service')
  AND coalesce(lower(app_name), '') NOT IN ('sudo', 'su')
  AND coalesce(process_name, '') NOT IN ('sudo', 'su')
  AND ($host IS NULL OR device_hostname = $host)
  AND ($until IS NULL OR time < $until)
  AND ($user IS NULL OR device_hostname IN (
      SELECT device_hostname
      FROM events
      WHERE class_uid IN (3002, 3003)
        AND coalesce(status_id, 0) <> 2
        AND activity_id = 1
        AND user_name = $user
  ))
-- logind reports a session after sshd opened it; syslog's whole seconds can tie them
ORDER BY device_hostname, time, coalesce(lower(app_name) = 'systemd-logind', false), event_uid
