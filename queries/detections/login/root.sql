-- id = "login.root"
-- title = "Direct root login"
-- description = """
-- root logged in directly (sshd or console) while [login] allow_root is false: by
-- that name, by uid 0 (RAW auditd names a key login's account by uid only), or as an
-- account given root's uid (`usermod -o -u 0 deploy`, which PAM's session line shows
-- as `deploy(uid=0)`). Admins should log in as themselves and elevate with sudo, which
-- leaves a name in the logs.
-- """
-- status = "stable"
-- level = "high"
-- tags = ["attack.privilege_escalation", "attack.initial_access", "attack.t1078", "attack.t1078.003"]
-- falsepositives = ["Console recovery after a failed sudo configuration"]
-- references = ["https://man.openbsd.org/sshd_config#PermitRootLogin"]
--
-- [[tests]]
-- name = "root logs in with a password from the internet"
-- logs = "tests/root_password_login"
-- policy = "tests/policy.toml"
-- count = 1
-- [[tests.expect]]
-- device_hostname = "web-1"
-- user_name = "root"
-- src_endpoint_ip = "198.51.100.7"
-- start_time = "2026-11-27T02:52:17.362264Z"
--
-- [[tests]]
-- name = "root cron sessions and su to root are not logins"
-- logs = "tests/root_cron_and_su"
-- policy = "tests/policy.toml"
-- count = 0
WITH alias_sessions AS MATERIALIZED (
    SELECT
        device_hostname,
        user_name,
        epoch_us(time) AS time_us
    FROM root_sessions
),
roots AS (
    -- root by name, or by uid 0 (RAW auditd names a key login's account by uid only:
    -- `USER_LOGIN ... id=0`)
    SELECT *
    FROM successful_logins
    WHERE time >= $since
      AND time < $until
      AND (user_name = 'root' OR user_uid = 0)
    UNION ALL
    -- an account given root's uid: the session the login opened says so
    SELECT *
    FROM successful_logins
    WHERE time >= $since
      AND time < $until
      AND user_uid IS DISTINCT FROM 0
      AND event_uid IN (
          -- joined on 30-second buckets, as integers (TIMESTAMPTZ arithmetic goes through
          -- ICU's calendar, per row): a user's logins and uid-0 session lines, which a
          -- user may write to syslog at will, are not compared all with all
          SELECT l.event_uid
          FROM (
              SELECT
                  event_uid,
                  device_hostname,
                  user_name,
                  epoch_us(time) AS time_us,
                  unnest(range(
                      (epoch_us(time) - 5000000) // 30000000,
                      (epoch_us(time) + 30000000) // 30000000 + 1
                  )) AS bucket
              FROM successful_logins
              WHERE (device_hostname, user_name) IN (SELECT device_hostname, user_name FROM alias_sessions)
          ) AS l
          JOIN (SELECT *, time_us // 30000000 AS bucket FROM alias_sessions) AS r
              ON r.device_hostname = l.device_hostname
              AND r.user_name = l.user_name
              AND r.bucket = l.bucket
          WHERE r.time_us BETWEEN l.time_us - 5000000 AND l.time_us + 30000000
      )
)
SELECT
    l.device_hostname,
    l.time AS start_time,
    l.time AS end_time,
    l.user_name AS actor_user_name,
    l.user_name,
    l.src_endpoint_ip,
    CASE
        WHEN coalesce(l.user_name, 'root') = 'root' THEN 'direct root login from '
        ELSE 'direct login as ' || l.user_name || ', whose uid is 0, from '
    END
        || coalesce(l.src_endpoint_ip, l.src_endpoint_hostname, 'a local terminal')
        || coalesce(' by ' || l.auth_protocol, '') AS message,
    [l.event_uid] AS event_uids
-- the logins themselves, not successful_login_findings: the uid is not a finding column
FROM roots AS l
WHERE NOT (SELECT allow_root FROM policy_settings)
