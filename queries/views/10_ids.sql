-- The hosts some of whose session records in the lake (LOGIN, USER_START and the like:
-- every login writes them) the kernel wrote: audit.log, the journal's JSON and export
-- forms. On them, records relayed through syslog or the journal's text output
-- (relayed_audit), which any local user can write, name no user and move no session.
CREATE OR REPLACE VIEW kernel_audit_hosts AS
SELECT DISTINCT
    device_hostname
FROM (
    -- parts are sorted by record type: DuckDB skips the others' row groups by their min/max
    SELECT DISTINCT
        device_hostname,
        source_file_id
    FROM auditd_records
    WHERE type IN ('LOGIN', 'USER_START', 'USER_END', 'USER_LOGIN', 'USER_LOGOUT', 'CRED_REFR')
)
WHERE NOT relayed_audit(source_file_id);

-- Whether a row of a file that relays audit (relayed_audit) is of a host in
-- kernel_audit_hosts. An audit record relayed there repeats one of the kernel's, or is
-- forged: it changes how no other record is read (who an auid is, whose a session is,
-- which run an API create was, what a group id names).
CREATE OR REPLACE MACRO relayed_beside_kernel(file_id, host) AS
    relayed_audit(file_id) AND host IN (SELECT device_hostname FROM kernel_audit_hosts);

-- Login names behind audit ids. RAW audit logs carry only numeric `auid`s; the PAM
-- session records of a login (sshd, login) pair that auid with the account name.
-- sudo, su, cron and friends also write USER_START, but with the *target* account
-- (acct="root" under alice's auid), so they never name an auid.
--
-- Relayed records (relayed_audit: syslog, the journal's text output) name users only on
-- hosts not in kernel_audit_hosts: any local user can write them, and a few forged
-- USER_START lines would otherwise rename the auid behind the kernel's own records
-- (bob's docker socket use named alice's).
CREATE OR REPLACE VIEW audit_user_names AS
WITH named AS (
    SELECT
        device_hostname,
        auid,
        acct AS user_name,
        source_file_id
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
        actor_user_name AS user_name,
        source_file_id
    FROM events
    WHERE source_type = 'auditd'
      AND actor_user_uid IS NOT NULL
      AND actor_user_name IS NOT NULL
      AND actor_user_uid <> 4294967295
),
counted_per_file AS (
    -- millions of records name a few thousand (host, auid, name): counted first, the
    -- most frequent name per auid is picked among a few rows instead of mode() over all,
    -- and whether a file relays audit is asked once per file
    SELECT
        device_hostname,
        auid,
        user_name,
        source_file_id,
        count(*) AS records
    FROM named
    GROUP BY device_hostname, auid, user_name, source_file_id
),
counted AS (
    SELECT
        device_hostname,
        auid,
        user_name,
        sum(records) AS records
    FROM counted_per_file
    WHERE NOT relayed_beside_kernel(source_file_id, device_hostname)
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

-- The LOGIN records that set a login uid (res=1), believed: relayed ones only on hosts
-- not in kernel_audit_hosts (anyone writes those, and a forged one would move the
-- kernel's records of a session to another user below).
CREATE OR REPLACE VIEW login_uid_settings AS
SELECT
    event_uid,
    time,
    device_hostname,
    ses,
    auid,
    fields,
    source_file_id
FROM auditd_records
-- parts are sorted by record type: DuckDB skips the others' row groups by their min/max
WHERE type = 'LOGIN'
  AND coalesce(res, '1') IN ('1', 'success', 'yes')
  AND NOT relayed_beside_kernel(source_file_id, device_hostname);

-- Login uids changed once set: a LOGIN record whose old-auid is set. A login sets the
-- login uid of a process that has none; changing a set one (root writing
-- /proc/self/loginuid, which is not immutable by default) makes the audit trail name
-- someone else for what that process and its children do from then on. The kernel
-- gives the process a new audit session id (`ses`) at the same time: the events of
-- that session on that host are the writer's (login_uid_writers).
CREATE OR REPLACE VIEW login_uid_rewrites AS
SELECT
    event_uid,
    time,
    device_hostname,
    ses::VARCHAR AS session_uid,
    try_cast(fields['old-ses'] AS BIGINT)::VARCHAR AS old_session_uid,
    set_login_uid(try_cast(fields['old-auid'] AS BIGINT)) AS old_auid,
    set_login_uid(auid) AS new_auid,
    source_file_id
FROM login_uid_settings
WHERE set_login_uid(try_cast(fields['old-auid'] AS BIGINT)) IS NOT NULL
  AND try_cast(fields['old-auid'] AS BIGINT) IS DISTINCT FROM auid;

-- Each login uid rewrite with who wrote it (`writer_auid`): `old_auid`, unless the
-- session it was written from (`old-ses`) was itself opened by a rewrite: then, down the
-- chain, the login uid of the first rewrite's session (bob writes carol's uid, then from
-- that session alice's: both are bob's doing). A session id counts as opened by a
-- rewrite only from that rewrite on (ids start again at boot). Apart from
-- login_uid_rewrites, so that a join on the rewritten sessions alone is planned on their
-- few rows rather than on a recursive query's guess.
CREATE OR REPLACE VIEW login_uid_writers AS
WITH RECURSIVE rewrites AS MATERIALIZED (
    SELECT * FROM login_uid_rewrites
),
openings AS (
    -- every LOGIN that opened a session: a login's, or a rewrite's
    SELECT
        event_uid,
        time,
        device_hostname,
        ses::VARCHAR AS session_uid
    FROM login_uid_settings
),
links AS (
    -- each rewrite's link down the chain: the latest LOGIN, at or before it, that
    -- opened the session it was written from; followed (below) only when that LOGIN
    -- was a rewrite, not a login of a later boot that reused the id
    SELECT
        r.event_uid,
        arg_max(p.event_uid, p.time) AS opened_by
    FROM rewrites AS r
    JOIN openings AS p
        ON p.device_hostname = r.device_hostname
        AND p.session_uid = r.old_session_uid
        AND p.time <= r.time
        AND p.event_uid <> r.event_uid
    GROUP BY r.event_uid
),
chain(event_uid, link, writer_auid, depth) AS (
    SELECT
        event_uid,
        event_uid,
        old_auid,
        0
    FROM rewrites
    UNION ALL
    -- followed at most 32 rewrites down: a chain that long is a loop in forged logs
    SELECT
        c.event_uid,
        p.event_uid,
        p.old_auid,
        c.depth + 1
    FROM chain AS c
    JOIN links AS l ON l.event_uid = c.link
    JOIN rewrites AS p ON p.event_uid = l.opened_by
    WHERE c.depth < 32
)
SELECT
    r.*,
    arg_max(c.writer_auid, c.depth) AS writer_auid
FROM rewrites AS r
JOIN chain AS c USING (event_uid)
GROUP BY ALL;
