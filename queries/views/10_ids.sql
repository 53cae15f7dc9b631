-- Login names behind audit ids. RAW audit logs carry only numeric `auid`s; the PAM
-- session records of a login (sshd, login) pair that auid with the account name.
-- sudo, su, cron and friends also write USER_START, but with the *target* account
-- (acct="root" under alice's auid), so they never name an auid.
CREATE OR REPLACE VIEW audit_user_names AS
WITH named AS (
    SELECT
        device_hostname,
        auid,
        acct AS user_name
    FROM auditd_records
    -- IN, not list_contains(): parts are sorted by record type, and DuckDB skips the
    -- row groups that hold none of these types by their min/max
    WHERE type IN ('USER_START', 'USER_END', 'USER_LOGIN', 'USER_LOGOUT', 'CRED_REFR')
      AND auid IS NOT NULL
      AND auid <> 4294967295
      AND acct IS NOT NULL
      AND acct NOT IN ('?', '(unknown)', '(invalid user)')
      -- privilege-switching programs log the target account, not the login user
      AND NOT regexp_matches(coalesce(exe, ''), '/(sudo|su|runuser|pkexec|doas|cron|crond)$')
    UNION ALL
    SELECT
        device_hostname,
        actor_user_uid AS auid,
        actor_user_name AS user_name
    FROM events
    WHERE source_type = 'auditd'
      AND actor_user_uid IS NOT NULL
      AND actor_user_name IS NOT NULL
      AND actor_user_uid <> 4294967295
),
counted AS (
    -- millions of records name a few thousand (host, auid, name): counted first, the
    -- most frequent name per auid is picked among a few rows instead of mode() over all
    SELECT
        device_hostname,
        auid,
        user_name,
        count(*) AS records
    FROM named
    GROUP BY device_hostname, auid, user_name
)
SELECT
    device_hostname,
    auid,
    -- the most frequent name; a tie goes to the first name in sort order, the same on
    -- every run (mode() took whichever the scan met first)
    first(user_name ORDER BY records DESC, user_name) AS user_name
FROM counted
GROUP BY device_hostname, auid;

-- Login uids changed once set: a LOGIN record whose old-auid is set. A login sets the
-- login uid of a process that has none; changing a set one (root writing
-- /proc/self/loginuid, which is not immutable by default) makes the audit trail name
-- someone else for what that process and its children do from then on. The kernel
-- gives the process a new audit session id (`ses`) at the same time: the events of
-- that session on that host are the writer's (`old_auid`).
CREATE OR REPLACE VIEW login_uid_rewrites AS
SELECT
    event_uid,
    time,
    device_hostname,
    ses::VARCHAR AS session_uid,
    set_login_uid(try_cast(fields['old-auid'] AS BIGINT)) AS old_auid,
    set_login_uid(auid) AS new_auid
FROM auditd_records
-- parts are sorted by record type: DuckDB skips the others' row groups by their min/max
WHERE type = 'LOGIN'
  AND coalesce(res, '1') IN ('1', 'success', 'yes')
  AND set_login_uid(try_cast(fields['old-auid'] AS BIGINT)) IS NOT NULL
  AND try_cast(fields['old-auid'] AS BIGINT) IS DISTINCT FROM auid;
