-- Every login attempt once. sshd writes one attempt to auth.log and the journal, and
-- auditd adds USER_AUTH and USER_LOGIN records for it: a record is dropped when a more
-- complete record of the same attempt (same host, outcome, address and user, within
-- 5 seconds) exists. Equally complete records are separate attempts and are all kept
-- (a brute force is many identical lines).
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
        -- auditd writes "?" or "(invalid user)" where sshd names the account tried
        CASE
            WHEN user_name NOT IN ('?', '(invalid user)', '(unknown)', 'unknown') THEN user_name
        END AS known_user,
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
),
best AS (
    -- the most complete record of each attempt within 5 seconds either side; a record
    -- without a user or address matches records with any
    SELECT
        *,
        min(completeness) OVER (
            PARTITION BY device_hostname, status_id, src_endpoint_ip, known_user
            ORDER BY time RANGE BETWEEN INTERVAL 5 SECOND PRECEDING AND INTERVAL 5 SECOND FOLLOWING
        ) AS best_same,
        min(completeness) OVER (
            PARTITION BY device_hostname, status_id, src_endpoint_ip
            ORDER BY time RANGE BETWEEN INTERVAL 5 SECOND PRECEDING AND INTERVAL 5 SECOND FOLLOWING
        ) AS best_any_user,
        min(completeness) OVER (
            PARTITION BY device_hostname, status_id, known_user
            ORDER BY time RANGE BETWEEN INTERVAL 5 SECOND PRECEDING AND INTERVAL 5 SECOND FOLLOWING
        ) AS best_any_address,
        min(completeness) OVER (
            PARTITION BY device_hostname, status_id
            ORDER BY time RANGE BETWEEN INTERVAL 5 SECOND PRECEDING AND INTERVAL 5 SECOND FOLLOWING
        ) AS best_any
    FROM attempts
)
SELECT
    * EXCLUDE (known_user, completeness, best_same, best_any_user, best_any_address, best_any)
FROM best
-- a copy of an attempt recorded more completely elsewhere
WHERE completeness <= CASE
    WHEN src_endpoint_ip IS NOT NULL AND known_user IS NOT NULL THEN best_same
    WHEN src_endpoint_ip IS NOT NULL THEN best_any_user
    WHEN known_user IS NOT NULL THEN best_any_address
    ELSE best_any
END;

CREATE OR REPLACE VIEW logins AS
SELECT *
FROM login_attempts
WHERE status_id = 1;
