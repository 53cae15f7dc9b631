-- id = "login.brute_force"
-- title = "Password guessing from one source"
-- description = """
-- At least [login] brute_force_failures failed logins from one source on one host
-- within brute_force_window. A source is an IPv4 address, or an IPv6 address's /64
-- network (a client can send each guess from another address of its /64): a burst from
-- several addresses of one is named by the network (2001:db8:1:2::/64). One finding
-- per burst (failures chained with gaps shorter than the window), raised on the
-- success from that source that follows it within the window (then the account it
-- broke into is named), or on the burst alone. A key the server refuses (sshd's
-- `Failed publickey`: an agent offering its keys in turn) and method `none` (a
-- client learning the methods allowed) are not counted.
-- """
-- status = "stable"
-- level = "high"
-- tags = ["attack.credential_access", "attack.t1110", "attack.t1110.001"]
-- falsepositives = ["A script with a stale password retrying in a loop"]
-- references = ["https://attack.mitre.org/techniques/T1110/001/"]
--
-- [[tests]]
-- name = "twelve failures then bob gets in"
-- logs = "tests/bob_password_login"
-- policy = "tests/policy.toml"
-- count = 1
-- [[tests.expect]]
-- device_hostname = "web-2"
-- user_name = "bob"
-- src_endpoint_ip = "203.0.113.50"
-- start_time = "2026-11-27T02:10:03Z"
-- event_count = 13
--
-- [[tests]]
-- name = "a few typos are not a brute force"
-- logs = "tests/deploy_key_login"
-- policy = "tests/policy.toml"
-- count = 0
WITH settings AS (
    SELECT
        brute_force_failures AS threshold,
        to_seconds(brute_force_window_seconds) AS window_length,
        -- times are compared as integer microseconds: arithmetic on TIMESTAMPTZ goes
        -- through ICU's calendar and costs microseconds per row
        brute_force_window_seconds * 1000000 AS window_us
    FROM policy_settings
),
hot_places AS (
    -- Where a burst can be: the places (host and source) with a failure that has
    -- `threshold - 1` more from there within the window before it. Counted over every
    -- failed attempt record, copies included, from three cheap columns: dropping
    -- records only removes failures, so every burst of the attempts counted once lies
    -- in one of these few places, and only their records are read further.
    SELECT
        -- an empty list, not NULL (which would mean every place)
        coalesce(list(DISTINCT place), []) AS places
    FROM (
        SELECT
            r.place,
            lag(r.time_us, s.threshold - 1) OVER (PARTITION BY r.place ORDER BY r.time_us)
                >= r.time_us - s.window_us AS reaches
        FROM (
            -- the window sorts integers: the place's hash and the time, computed once
            SELECT
                hash(device_hostname, login_source(src_endpoint_ip)) AS place,
                epoch_us(time) AS time_us
            FROM events
            WHERE class_uid = 3002
              AND status_id = 2
              AND time >= $since
              AND time < $until
              -- a console failure has no source to count against
              AND src_endpoint_ip IS NOT NULL
        ) AS r
        CROSS JOIN settings AS s
    )
    WHERE reaches
),
failures AS (
    SELECT
        event_uid,
        time,
        epoch_us(time) AS time_us,
        device_hostname,
        login_source(src_endpoint_ip) AS source_name,
        -- the address, where the source is a network (an IPv4 source is its address)
        CASE WHEN contains(src_endpoint_ip, ':') THEN src_endpoint_ip END AS ipv6_address,
        user_name
    FROM unique_login_attempts(2, (SELECT places FROM hot_places))
    WHERE time >= $since
      AND time < $until
      -- a key the server refuses is no guess: a client's agent offers its keys in turn;
      -- nor is method `none`, which clients try first to learn the methods allowed
      AND coalesce(auth_protocol, '') NOT IN ('publickey', 'hostbased', 'none')
),
sources AS (
    -- each source (host and address or network) numbered, so that the windows, joins
    -- and groups below sort and hash one integer rather than two strings; numbered by
    -- name, not by `place` (a hash), so that two sources never share a number
    SELECT
        device_hostname,
        source_name,
        row_number() OVER () AS source
    FROM (
        SELECT DISTINCT
            device_hostname,
            source_name
        FROM failures
    )
),
chained AS (
    SELECT
        o.source,
        f.time_us,
        f.time,
        f.event_uid,
        f.ipv6_address,
        f.user_name,
        -- a failure more than the window after the previous one from its source starts a
        -- burst. Ordered by time alone: failures at the same instant fall in one burst
        -- whatever their order, and the windows they close hold the same failures
        coalesce(lag(f.time_us) OVER per_source < f.time_us - s.window_us, true) AS starts_burst,
        -- the window that ends at this failure holds `threshold` failures from the
        -- same source when the failure `threshold - 1` before it is inside the window
        coalesce(lag(f.time_us, s.threshold - 1) OVER per_source >= f.time_us - s.window_us, false)
            AS reaches_threshold
    FROM failures AS f
    JOIN sources AS o USING (device_hostname, source_name)
    CROSS JOIN settings AS s
    WINDOW per_source AS (PARTITION BY o.source ORDER BY f.time_us)
),
burst_spans AS (
    -- each burst from its first failure to the next burst's first
    SELECT
        source,
        time_us AS first_us,
        coalesce(lead(time_us) OVER (PARTITION BY source ORDER BY time_us), 9223372036854775807)
            AS next_us
    FROM chained
    WHERE starts_burst
),
numbered AS (
    SELECT
        c.*,
        b.first_us AS burst
    FROM chained AS c
    JOIN burst_spans AS b
        ON b.source = c.source
        AND c.time_us >= b.first_us
        AND c.time_us < b.next_us
),
bursts AS (
    -- the bursts that reach the threshold. Only the hot places are read, where most
    -- failures belong to such a burst: the evidence lists of the few others cost less
    -- than a second pass to leave them out
    SELECT
        source,
        burst,
        min(time) AS first_time,
        max(time) AS last_time,
        count(*) AS failures,
        -- in no order: a finding's evidence is stored sorted
        list(event_uid) AS failure_uids,
        -- the account tried, when every failure tried the same one
        CASE WHEN count(DISTINCT user_name) = 1 THEN min(user_name) END AS tried_user,
        -- the address of an IPv6 source, when every failure came from the same one
        CASE WHEN min(ipv6_address) = max(ipv6_address) THEN min(ipv6_address) END
            AS only_address
    FROM numbered
    GROUP BY source, burst
    HAVING bool_or(reaches_threshold)
),
followed AS (
    SELECT
        o.device_hostname,
        coalesce(b.only_address, o.source_name) AS src_endpoint_ip,
        b.*,
        s.event_uid AS success_uid,
        s.time AS success_time,
        s.user_name AS success_user
    FROM bursts AS b
    JOIN sources AS o USING (source)
    -- each login once (the shared table that the one-login detections read)
    LEFT JOIN successful_logins AS s
        ON s.device_hostname = o.device_hostname
        AND login_source(s.src_endpoint_ip) = o.source_name
        AND s.time >= b.first_time
        AND s.time <= b.last_time + (SELECT window_length FROM settings)
    -- only the first success after the burst is "the" success
    QUALIFY row_number() OVER (
        PARTITION BY b.source, b.burst
        ORDER BY s.time NULLS LAST
    ) = 1
)
SELECT
    device_hostname,
    first_time AS start_time,
    coalesce(success_time, last_time) AS end_time,
    success_user AS actor_user_name,
    coalesce(success_user, tried_user) AS user_name,
    src_endpoint_ip,
    failures || ' failed logins from ' || src_endpoint_ip
        || CASE
            WHEN success_user IS NOT NULL THEN ', then a successful login as ' || success_user
            ELSE ' (no success followed)'
        END AS message,
    CASE
        WHEN success_uid IS NULL THEN failure_uids
        ELSE list_append(failure_uids, success_uid)
    END AS event_uids
FROM followed
