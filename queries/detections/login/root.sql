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
SELECT
    l.* EXCLUDE (auth_protocol, src_endpoint_hostname),
    'direct root login from '
        || coalesce(l.src_endpoint_ip, l.src_endpoint_hostname, 'a local terminal')
        || coalesce(' by ' || l.auth_protocol, '') AS message
FROM successful_login_findings AS l
WHERE l.start_time >= $since
  AND l.start_time < $until
  AND l.user_name = 'root'
  AND NOT (SELECT allow_root FROM policy_settings)
