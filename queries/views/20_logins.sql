-- Every login attempt once. sshd writes one attempt to auth.log and the journal, and
-- auditd adds USER_AUTH and USER_LOGIN records for it: a record is dropped when a more
-- complete record of the same attempt (same host, outcome, address and user, within
-- 5 seconds) exists. Equally complete records are separate attempts and are all kept
-- (a brute force is many identical lines).
CREATE OR REPLACE MACRO login_attempts_with_status(wanted) AS TABLE
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
            AS completeness,
        epoch_ms(time) // 5000 AS bucket
    FROM events
    WHERE class_uid = 3002
      AND status_id = wanted
      -- cron (batch), su (switch), sudo (elevate) and service sessions are not logins
      AND logon_type IN ('network', 'local')
      -- Logon only: logoffs, PAM account checks and credential records (USER_ACCT,
      -- CRED_ACQ, USER_START) repeat a login that is already counted
      AND activity_id = 1
      -- pam_loginuid's LOGIN record only says a login uid was set (cron sets one too)
      AND coalesce(audit_type, '') <> 'LOGIN'
),
probes AS (
    -- only a record that is not the most complete kind can be a copy; it is compared
    -- with the records of its own and the two neighbouring 5-second buckets
    SELECT
        event_uid,
        time,
        device_hostname,
        status_id,
        src_endpoint_ip,
        known_user,
        completeness,
        unnest([bucket - 1, bucket, bucket + 1]) AS near
    FROM attempts
    WHERE completeness > 0
),
copies AS (
    -- a more complete record of the same attempt: same host and outcome, within 5
    -- seconds, same address and user (a record without them matches any)
    SELECT DISTINCT
        p.event_uid
    FROM probes AS p
    JOIN attempts AS t
        ON t.device_hostname = p.device_hostname
        AND t.status_id = p.status_id
        AND t.bucket = p.near
    WHERE t.completeness < p.completeness
      AND t.time BETWEEN p.time - INTERVAL 5 SECOND AND p.time + INTERVAL 5 SECOND
      AND (p.src_endpoint_ip IS NULL OR t.src_endpoint_ip = p.src_endpoint_ip)
      AND (p.known_user IS NULL OR t.known_user = p.known_user)
)
SELECT
    a.* EXCLUDE (known_user, completeness, bucket)
FROM attempts AS a
-- a copy of an attempt recorded more completely elsewhere
ANTI JOIN copies AS c
    ON c.event_uid = a.event_uid;

-- Successful logins (status 1) and failed ones (status 2), each attempt once.
CREATE OR REPLACE VIEW logins AS
SELECT * FROM login_attempts_with_status(1);

CREATE OR REPLACE VIEW login_failures AS
SELECT * FROM login_attempts_with_status(2);

CREATE OR REPLACE VIEW login_attempts AS
SELECT * FROM logins
UNION ALL
SELECT * FROM login_failures;

-- Each successful login in the columns that every one-login finding shares (login.root,
-- login.user_not_allowed, login.untrusted_network, login.password_auth): a login is a
-- finding on its own, so it starts and ends at its time and is its only evidence.
-- `auth_protocol` is sshd's method ("password", "keyboard-interactive/pam"), for the
-- detections' predicates and messages; it is not a finding column.
CREATE OR REPLACE VIEW successful_login_findings AS
SELECT
    device_hostname,
    time AS start_time,
    time AS end_time,
    user_name AS actor_user_name,
    user_name,
    src_endpoint_ip,
    auth_protocol,
    [event_uid] AS event_uids
FROM logins;
