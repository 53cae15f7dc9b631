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
SELECT
    l.* EXCLUDE (auth_protocol, src_endpoint_hostname),
    'login as ' || coalesce(l.user_name, '?') || ' by ' || l.auth_protocol
        || ', a method not in allowed_methods' AS message
FROM successful_login_findings AS l
WHERE l.start_time >= $since
  AND l.start_time < $until
  -- records without a method (auditd-only logins) cannot be judged
  AND l.auth_protocol IS NOT NULL
  -- an empty allowed_methods list allows every method
  AND NOT (SELECT any_method_allowed FROM policy_settings)
  -- "keyboard-interactive/pam" is the method "keyboard-interactive"
  AND split_part(l.auth_protocol, '/', 1) NOT IN (SELECT auth_protocol FROM policy_allowed_methods)
