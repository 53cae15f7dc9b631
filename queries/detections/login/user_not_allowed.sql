-- id = "login.user_not_allowed"
-- title = "Login by a user outside the allowed list"
-- description = """
-- A login (sshd or console; from syslog, the journal or auditd, counted once) succeeded
-- for an account that is not in [login] allowed_users. root is left to login.root.
-- """
-- status = "stable"
-- level = "high"
-- tags = ["attack.initial_access", "attack.persistence", "attack.t1078", "attack.t1078.003"]
-- falsepositives = ["A new administrator not yet added to allowed_users"]
-- references = ["https://attack.mitre.org/techniques/T1078/003/"]
--
-- [[tests]]
-- name = "bob logs in after guessing his password"
-- logs = "tests/bob_password_login"
-- policy = "tests/policy.toml"
-- count = 1
-- [[tests.expect]]
-- device_hostname = "web-2"
-- user_name = "bob"
-- src_endpoint_ip = "203.0.113.50"
-- start_time = "2026-11-27T02:13:41Z"
-- event_count = 1
--
-- [[tests]]
-- name = "deploy logs in with its key"
-- logs = "tests/deploy_key_login"
-- policy = "tests/policy.toml"
-- count = 0
SELECT
    l.* EXCLUDE (auth_protocol, src_endpoint_hostname),
    'login as ' || l.user_name || ' from '
        || coalesce(l.src_endpoint_ip, l.src_endpoint_hostname, 'a local terminal')
        || ', an account not in allowed_users' AS message
FROM successful_login_findings AS l
WHERE l.start_time >= $since
  AND l.start_time < $until
  AND l.user_name IS NOT NULL
  -- an empty allowed_users list lets anyone log in
  AND NOT (SELECT any_user_allowed FROM policy_settings)
  AND l.user_name NOT IN (SELECT user_name FROM policy_allowed_users)
  -- root logins are login.root's finding, whatever allowed_users says
  AND l.user_name <> 'root'
