-- Every login attempt once. sshd writes one attempt to auth.log and the journal, and
-- auditd adds USER_AUTH and USER_LOGIN records for it: a copy is dropped when a more
-- complete record of the same attempt (same host, outcome, address and user, within
-- 5 seconds) exists in another channel. Copies inside one channel are separate
-- attempts and are all kept (a brute force is many identical lines).
CREATE OR REPLACE VIEW login_attempts AS
WITH attempts AS (
    SELECT
        event_uid,
        time,
        device_hostname,
        source_type,
        audit_type,
        app_name,
        user_name,
        src_endpoint_ip,
        auth_protocol,
        logon_type,
        status_id,
        process_pid,
        message,
        -- lower is more complete: a method, then an address, then the source
        (CASE WHEN auth_protocol IS NULL THEN 1000 ELSE 0 END)
        + (CASE WHEN src_endpoint_ip IS NULL THEN 100 ELSE 0 END)
        + (CASE source_type WHEN 'syslog' THEN 0 WHEN 'journald' THEN 10 ELSE 20 END)
        + (CASE coalesce(audit_type, '') WHEN '' THEN 0 WHEN 'USER_LOGIN' THEN 1 WHEN 'USER_AUTH' THEN 2 ELSE 3 END)
            AS completeness
    FROM events
    WHERE class_uid = 3002
      AND status_id IN (1, 2)
      -- cron (batch), su (switch), sudo (elevate) and service sessions are not logins
      AND logon_type IN ('network', 'local')
      -- Logon only: logoffs, PAM account checks and credential records (USER_ACCT,
      -- CRED_ACQ, USER_START) repeat a login that is already counted
      AND activity_id = 1
      -- pam_loginuid's LOGIN record only says a login uid was set (cron sets one too)
      AND coalesce(audit_type, '') <> 'LOGIN'
)
SELECT
    a.event_uid,
    a.time,
    a.device_hostname,
    a.source_type,
    a.audit_type,
    a.app_name,
    a.user_name,
    a.src_endpoint_ip,
    a.auth_protocol,
    a.logon_type,
    a.status_id,
    a.process_pid,
    a.message
FROM attempts AS a
WHERE NOT EXISTS (
    SELECT 1
    FROM attempts AS t
    WHERE t.device_hostname = a.device_hostname
      AND t.status_id = a.status_id
      AND t.completeness < a.completeness
      AND t.time BETWEEN a.time - INTERVAL 5 SECOND AND a.time + INTERVAL 5 SECOND
      AND (a.src_endpoint_ip IS NULL OR t.src_endpoint_ip = a.src_endpoint_ip)
      AND (
          a.user_name IS NULL
          OR a.user_name IN ('?', '(invalid user)', '(unknown)', 'unknown')
          OR t.user_name = a.user_name
      )
);

CREATE OR REPLACE VIEW logins AS
SELECT *
FROM login_attempts
WHERE status_id = 1;
