-- id = "login.root"
-- title = "Direct root login"
-- description = """
-- root logged in directly (sshd or console) while [login] allow_root is false. Admins
-- should log in as themselves and elevate with sudo, which leaves a name in the logs.
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
WITH root_logins AS (
    SELECT
        event_uid,
        time,
        device_hostname,
        user_name,
        src_endpoint_ip,
        auth_protocol
    FROM logins
    WHERE time >= $since
      AND time < $until
      AND user_name = 'root'
)
SELECT
    r.device_hostname,
    r.time AS start_time,
    r.time AS end_time,
    r.user_name AS actor_user_name,
    r.user_name,
    r.src_endpoint_ip,
    'direct root login from ' || coalesce(r.src_endpoint_ip, 'a local terminal')
        || coalesce(' by ' || r.auth_protocol, '') AS message,
    [r.event_uid] AS event_uids
FROM root_logins AS r
WHERE NOT (SELECT allow_root FROM policy_settings)
