-- id = "login.untrusted_network"
-- title = "Login from outside the trusted networks"
-- description = """
-- A remote login succeeded from an address outside every CIDR in
-- [login] trusted_networks (IPv4 and IPv6; IPv4-mapped IPv6 counts as IPv4). A source
-- logged as a host name (sshd UseDNS) cannot be proven trusted and is flagged.
-- """
-- status = "stable"
-- level = "medium"
-- tags = ["attack.initial_access", "attack.t1078", "attack.t1133"]
-- falsepositives = ["An administrator working from a network not yet listed"]
-- references = ["https://attack.mitre.org/techniques/T1133/"]
--
-- [[tests]]
-- name = "bob logs in from the internet"
-- logs = "tests/bob_password_login"
-- policy = "tests/policy.toml"
-- count = 1
-- [[tests.expect]]
-- user_name = "bob"
-- src_endpoint_ip = "203.0.113.50"
--
-- [[tests]]
-- name = "deploy logs in from 10.0.0.5"
-- logs = "tests/deploy_key_login"
-- policy = "tests/policy.toml"
-- count = 0
SELECT
    l.* EXCLUDE (auth_protocol, src_endpoint_hostname),
    'login as ' || coalesce(l.user_name, '?') || ' from '
        || coalesce(l.src_endpoint_ip, l.src_endpoint_hostname || ' (a host name)')
        || ', outside trusted_networks' AS message
FROM successful_login_findings AS l
-- a host name has no row: it cannot be proven trusted
LEFT JOIN policy_ip_trust AS t
    ON t.ip = l.src_endpoint_ip
WHERE l.start_time >= $since
  AND l.start_time < $until
  -- console logins have no network source
  AND (l.src_endpoint_ip IS NOT NULL OR l.src_endpoint_hostname IS NOT NULL)
  AND NOT coalesce(t.trusted, false)
  -- an empty trusted_networks list trusts every network
  AND NOT (SELECT any_network_trusted FROM policy_settings)
