-- id = "login.password_auth"
-- title = "Login with an authentication method the policy does not allow"
-- description = """
-- A login succeeded with a method outside [login] allowed_methods, typically a
-- password where keys are required. sshd names the method ("Accepted password for");
-- `keyboard-interactive/pam` counts as `keyboard-interactive`.
-- """
-- status = "stable"
-- level = "medium"
-- tags = ["attack.credential_access", "attack.initial_access", "attack.t1110", "attack.t1078"]
-- falsepositives = ["Break-glass console logins by password"]
-- references = ["https://man.openbsd.org/sshd_config#AuthenticationMethods"]
--
-- [[tests]]
-- name = "bob logs in with a password"
-- logs = "tests/bob_password_login"
-- policy = "tests/policy.toml"
-- count = 1
-- [[tests.expect]]
-- user_name = "bob"
-- src_endpoint_ip = "203.0.113.50"
--
-- [[tests]]
-- name = "deploy logs in with its key"
-- logs = "tests/deploy_key_login"
-- policy = "tests/policy.toml"
-- count = 0
WITH methods AS (
    SELECT
        event_uid,
        time,
        device_hostname,
        user_name,
        src_endpoint_ip,
        auth_protocol,
        split_part(auth_protocol, '/', 1) AS method
    FROM logins
    WHERE time >= $since
      AND time < $until
      -- records without a method (auditd-only logins) cannot be judged
      AND auth_protocol IS NOT NULL
)
SELECT
    m.device_hostname,
    m.time AS start_time,
    m.time AS end_time,
    m.user_name AS actor_user_name,
    m.user_name,
    m.src_endpoint_ip,
    'login as ' || coalesce(m.user_name, '?') || ' by ' || m.auth_protocol
        || ', a method not in allowed_methods' AS message,
    [m.event_uid] AS event_uids
FROM methods AS m
-- an empty allowed_methods list allows every method
WHERE NOT (SELECT any_method_allowed FROM policy_settings)
  AND m.method NOT IN (SELECT auth_protocol FROM policy_allowed_methods)
