-- Every login attempt once. sshd writes one attempt to auth.log and the journal, and
-- auditd adds USER_AUTH and USER_LOGIN records for it: a record is dropped when a more
-- complete record of the same attempt (same host, outcome, address and user, within
-- 5 seconds) exists. Equally complete records are separate attempts and are all kept
-- (a brute force is many identical lines).

-- The groups of an IPv6 address (RFC 5952 text) before and after its `::`, if any.
CREATE OR REPLACE MACRO ipv6_head_groups(ip) AS
    CASE WHEN starts_with(ip, '::') THEN []::VARCHAR[] ELSE string_split(split_part(ip, '::', 1), ':') END;
CREATE OR REPLACE MACRO ipv6_tail_groups(ip) AS
    CASE
        WHEN contains(ip, '::') AND NOT suffix(ip, '::') THEN string_split(split_part(ip, '::', 2), ':')
        ELSE []::VARCHAR[]
    END;

-- Where password guesses are counted from: an IPv4 address, or the /64 network of an
-- IPv6 one (RFC 5952 text, as the parsers write addresses). A client holds a whole /64
-- (SLAAC, privacy addresses, a cloud VM's block) and can send each guess from another
-- address of it. The network is written with its trailing zero groups compressed:
-- 2001:db8:0:0::5 is in 2001:db8::/64.
CREATE OR REPLACE MACRO login_source(ip) AS
    CASE
        WHEN contains(ip, ':') THEN
            regexp_replace(
                array_to_string(
                    list_concat(
                        ipv6_head_groups(ip),
                        -- the zero groups that `::` stands for
                        list_transform(
                            range(8 - len(ipv6_head_groups(ip)) - len(ipv6_tail_groups(ip))),
                            lambda z: '0'
                        ),
                        ipv6_tail_groups(ip)
                    )[1:4],
                    ':'
                ),
                '(^|:)0(:0)*$',
                ''
            ) || '::/64'
        ELSE ip
    END;

-- The records of login attempts with outcome `wanted` (1 success, 2 failure), copies
-- included, with what telling copies apart needs.
CREATE OR REPLACE MACRO login_attempt_records(wanted) AS TABLE
SELECT
    event_uid,
    time,
    device_hostname,
    source_type,
    audit_type,
    audit_event_id,
    app_name,
    user_name,
    -- the account's uid where the record gives it (auditd's `id=`, PAM's `user(uid=N)`)
    user_uid,
    src_endpoint_ip,
    src_endpoint_port,
    -- a client logged by name only (PAM's rhost under sshd's UseDNS): no address then
    src_endpoint_hostname,
    auth_protocol,
    logon_type,
    status_id,
    process_pid,
    message,
    -- auditd writes "?" or "(invalid user)" where sshd names the account tried
    CASE
        WHEN user_name NOT IN ('?', '(invalid user)', '(unknown)', 'unknown') THEN user_name
    END AS known_user,
    -- lower is more complete: a method, then an address, then a port (sshd's `Failed
    -- keyboard-interactive/pam ... port P` and its `error: PAM:` line of one guess name
    -- both the method; only the first the port), then the source
    (CASE WHEN auth_protocol IS NULL THEN 1000 ELSE 0 END)
    + (CASE WHEN src_endpoint_ip IS NULL THEN 100 ELSE 0 END)
    + (CASE WHEN src_endpoint_port IS NULL THEN 5 ELSE 0 END)
    + (CASE source_type WHEN 'syslog' THEN 0 WHEN 'journald' THEN 10 ELSE 20 END)
    + (CASE coalesce(audit_type, '') WHEN '' THEN 0 WHEN 'USER_LOGIN' THEN 1 WHEN 'USER_AUTH' THEN 2 ELSE 3 END)
        AS completeness,
    -- integers, so that joins, windows and sorts over millions of attempts stay cheap:
    -- microseconds (time arithmetic on TIMESTAMPTZ goes through ICU's calendar), the
    -- 10-second bucket, and a hash of where the attempt came from (the host and the
    -- login_source of the address)
    epoch_us(time) AS time_us,
    epoch_us(time) // 10000000 AS bucket,
    hash(device_hostname, login_source(src_endpoint_ip)) AS place
FROM events
WHERE class_uid = 3002
  AND status_id = wanted
  -- cron (batch), su (switch), sudo (elevate) and service sessions are not logins.
  -- list_contains(), not IN: DuckDB pushes it into the Parquet scan, so the other
  -- columns are read for logins only (an IN list is tested after the scan)
  AND list_contains(['network', 'local'], logon_type)
  -- Logon only: logoffs, PAM account checks and credential records (USER_ACCT,
  -- CRED_ACQ, USER_START) repeat a login that is already counted
  AND activity_id = 1
  -- pam_loginuid's LOGIN record only says a login uid was set (cron sets one too)
  AND coalesce(audit_type, '') <> 'LOGIN';

-- Whether an attempt record is from one of `places` (hashes of host and source, the
-- `place` of login_attempt_records); every record is when `places` is NULL.
CREATE OR REPLACE MACRO from_places(places, src_endpoint_ip, place) AS
    places IS NULL OR (src_endpoint_ip IS NOT NULL AND place IN (SELECT unnest(places)));

-- Whether attempt record t stands for p: it is more complete, or it is the same
-- audit record read twice (audit.log and the journal's _TRANSPORT=audit copy, one event
-- id on one host), the copy with the lower event_uid kept.
CREATE OR REPLACE MACRO stands_for(t_completeness, t_event, t_uid, p_completeness, p_event, p_uid) AS
    t_completeness < p_completeness
    OR (t_completeness = p_completeness AND t_event = p_event AND t_uid < p_uid);

-- Whether record t may stand for p by what kind of record it is: the same method (an
-- attempt has one: a refused key's `Failed publickey` line never stands for a guess),
-- and where only the port tells them apart (sshd's `error: PAM:` line and its `Failed
-- keyboard-interactive/pam ... port P` line), the same connection's line of that
-- second (the guesses of one connection come seconds apart: pam_unix's delay).
CREATE OR REPLACE MACRO same_kind(
    p_method, p_has_port, p_completeness, p_pid, p_us,
    t_method, t_has_port, t_completeness, t_pid, t_us
) AS
    (p_method IS NULL OR t_method = p_method)
    AND (
        p_has_port
        OR NOT t_has_port
        OR t_completeness < p_completeness - 5
        OR (t_pid = p_pid AND t_us BETWEEN p_us - 1000000 AND p_us + 1000000)
    );

-- Each login attempt with outcome `wanted` once, in the columns the detections read: a
-- record is dropped when a more complete record of the same attempt exists. `places`
-- (hashes of host and source, the `place` of login_attempt_records) keeps the
-- attempts from those places only, for a detection that has found the few places it
-- needs: a record with an address can only be a copy of one from the same address,
-- so of the same place, and the records of other places are dropped right after the
-- scan. Records without an address are kept only when `places` is NULL.
CREATE OR REPLACE MACRO unique_login_attempts(wanted, places := NULL) AS TABLE
WITH attempts AS (
    -- the columns returned and what telling copies apart needs, from one scan: the
    -- records kept are read from here, not scanned a second time
    SELECT
        event_uid,
        time,
        device_hostname,
        user_name,
        user_uid,
        src_endpoint_ip,
        src_endpoint_hostname,
        auth_protocol,
        known_user,
        completeness,
        time_us,
        bucket,
        place,
        audit_event_id,
        process_pid,
        src_endpoint_port IS NOT NULL AS has_port
    FROM login_attempt_records(wanted)
    WHERE from_places(places, src_endpoint_ip, place)
),
probes AS NOT MATERIALIZED (
    -- only a record that is not the most complete kind can be a copy; it is compared
    -- with the records of its own 10-second bucket and of the neighbouring bucket on
    -- the side of the half it lies in, which hold everything within 5 seconds of it
    SELECT
        event_uid,
        time_us,
        device_hostname,
        src_endpoint_ip,
        known_user,
        auth_protocol,
        completeness,
        place,
        audit_event_id,
        process_pid,
        has_port,
        unnest([bucket, CASE WHEN time_us % 10000000 < 5000000 THEN bucket - 1 ELSE bucket + 1 END])
            AS near
    FROM attempts
    WHERE completeness > 0
),
copies AS (
    -- a more complete record of the same attempt: same host, within 5 seconds, same
    -- address, user and method (a record without them matches any: an attempt has one
    -- method, so a refused key's `Failed publickey` line never stands for a password or
    -- keyboard-interactive guess of the same client). A record with an address
    -- is compared with those from its place...
    SELECT
        p.event_uid
    FROM probes AS p
    JOIN attempts AS t
        ON t.place = p.place
        AND t.bucket = p.near
    WHERE p.src_endpoint_ip IS NOT NULL
      -- `place` is a hash: the names decide (in a CASE, so that the join stays on
      -- integers rather than hashing every host and address again)
      AND CASE WHEN t.device_hostname = p.device_hostname THEN t.src_endpoint_ip = p.src_endpoint_ip ELSE false END
      AND stands_for(t.completeness, t.audit_event_id, t.event_uid, p.completeness, p.audit_event_id, p.event_uid)
      AND t.time_us BETWEEN p.time_us - 5000000 AND p.time_us + 5000000
      AND (p.known_user IS NULL OR t.known_user = p.known_user)
      AND same_kind(
          p.auth_protocol, p.has_port, p.completeness, p.process_pid, p.time_us,
          t.auth_protocol, t.has_port, t.completeness, t.process_pid, t.time_us
      )
    UNION ALL
    -- ...one without an address with those from every address on its host
    SELECT
        p.event_uid
    FROM probes AS p
    JOIN attempts AS t
        ON t.device_hostname = p.device_hostname
        AND t.bucket = p.near
    WHERE p.src_endpoint_ip IS NULL
      AND stands_for(t.completeness, t.audit_event_id, t.event_uid, p.completeness, p.audit_event_id, p.event_uid)
      AND t.time_us BETWEEN p.time_us - 5000000 AND p.time_us + 5000000
      AND (p.known_user IS NULL OR t.known_user = p.known_user)
      AND same_kind(
          p.auth_protocol, p.has_port, p.completeness, p.process_pid, p.time_us,
          t.auth_protocol, t.has_port, t.completeness, t.process_pid, t.time_us
      )
)
SELECT
    event_uid,
    time,
    device_hostname,
    user_name,
    user_uid,
    src_endpoint_ip,
    src_endpoint_hostname,
    auth_protocol
FROM attempts
-- a copy of an attempt recorded more completely elsewhere
WHERE event_uid NOT IN (SELECT event_uid FROM copies);

-- The same attempts with every column of their records.
CREATE OR REPLACE MACRO login_attempts_with_status(wanted) AS TABLE
SELECT
    * EXCLUDE (known_user, completeness, time_us, bucket, place)
FROM login_attempt_records(wanted)
WHERE event_uid IN (SELECT event_uid FROM unique_login_attempts(wanted));

-- Successful logins (status 1) and failed ones (status 2), each attempt once.
CREATE OR REPLACE VIEW logins AS
SELECT * FROM login_attempts_with_status(1);

CREATE OR REPLACE VIEW login_failures AS
SELECT * FROM login_attempts_with_status(2);

CREATE OR REPLACE VIEW login_attempts AS
SELECT * FROM logins
UNION ALL
SELECT * FROM login_failures;

-- Each successful login once. Five detections read it (through the view below), so
-- `detect` computes it once per connection (queries/detect.py); narrow, because it
-- holds every login of the lake.
CREATE OR REPLACE VIEW successful_logins AS
SELECT * FROM unique_login_attempts(1);

-- Each successful login in the columns that every one-login finding shares (login.root,
-- login.user_not_allowed, login.untrusted_network, login.password_auth): a login is a
-- finding on its own, so it starts and ends at its time and is its only evidence.
-- `auth_protocol` is sshd's method ("password", "keyboard-interactive/pam"), for the
-- detections' predicates and messages; it is not a finding column, nor is
-- `src_endpoint_hostname` (the client's name, where no address was logged): the
-- messages name the source with it.
CREATE OR REPLACE VIEW successful_login_findings AS
SELECT
    device_hostname,
    time AS start_time,
    time AS end_time,
    user_name AS actor_user_name,
    user_name,
    src_endpoint_ip,
    src_endpoint_hostname,
    auth_protocol,
    [event_uid] AS event_uids
FROM successful_logins;

-- The records that name an account other than root with uid 0, as PAM's session lines
-- do (`session opened for user deploy(uid=0)`): an account given root's uid (`usermod
-- -o -u 0 deploy`), which logs in as root under another name. By time: a login is root's
-- when its own session says so, not because a line (which a user may forge in syslog)
-- once said that of the name.
CREATE OR REPLACE VIEW root_sessions AS
SELECT
    device_hostname,
    time,
    user_name
FROM events
WHERE class_uid = 3002
  AND user_uid = 0
  -- root itself is known by name (and its cron sessions are many)
  AND user_name <> 'root';
