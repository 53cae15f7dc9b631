-- id = "login.brute_force"
-- title = "Password guessing from one source"
-- description = """
-- At least [login] brute_force_failures failed logins from one source address on one
-- host within brute_force_window. One finding per burst (failures chained with gaps
-- shorter than the window), raised on the success that follows it within the window
-- (then the account it broke into is named), or on the burst alone.
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
        to_seconds(brute_force_window_seconds) AS window_length
    FROM policy_settings
),
failures AS (
    SELECT
        f.event_uid,
        f.time,
        f.device_hostname,
        f.src_endpoint_ip,
        f.user_name,
        s.window_length,
        s.threshold
    FROM login_failures AS f
    CROSS JOIN settings AS s
    WHERE f.time >= $since
      AND f.time < $until
      -- a console failure has no source to count against
      AND f.src_endpoint_ip IS NOT NULL
),
chained AS (
    SELECT
        *,
        -- `lag(time) >= time - window`, not `time - lag(time) <= window`: subtracting
        -- two TIMESTAMPTZ values goes through ICU's calendar and costs ~2 us per row
        CASE
            WHEN lag(time) OVER per_source >= time - window_length THEN 0
            ELSE 1
        END AS starts_burst,
        -- the window that ends at this failure holds `threshold` failures from the
        -- same source when the failure `threshold - 1` before it is inside the window
        coalesce(lag(time, threshold - 1) OVER per_source >= time - window_length, false)
            AS reaches_threshold
    FROM failures
    WINDOW per_source AS (PARTITION BY device_hostname, src_endpoint_ip ORDER BY time, event_uid)
),
numbered AS (
    SELECT
        *,
        sum(starts_burst) OVER (
            PARTITION BY device_hostname, src_endpoint_ip
            ORDER BY time, event_uid
            ROWS UNBOUNDED PRECEDING
        ) AS burst
    FROM chained
),
peaks AS (
    -- bursts that reach the threshold; most bursts are a lone typo, so their evidence
    -- lists are only collected below for the few that count
    SELECT DISTINCT
        device_hostname,
        src_endpoint_ip,
        burst
    FROM numbered
    WHERE reaches_threshold
),
bursts AS (
    SELECT
        n.device_hostname,
        n.src_endpoint_ip,
        n.burst,
        min(n.time) AS first_time,
        max(n.time) AS last_time,
        count(*) AS failures,
        list(n.event_uid ORDER BY n.time, n.event_uid) AS failure_uids,
        list(DISTINCT n.user_name ORDER BY n.user_name) FILTER (WHERE n.user_name IS NOT NULL) AS tried_users
    FROM numbered AS n
    SEMI JOIN peaks AS p
        ON p.device_hostname = n.device_hostname
        AND p.src_endpoint_ip = n.src_endpoint_ip
        AND p.burst = n.burst
    GROUP BY n.device_hostname, n.src_endpoint_ip, n.burst
),
followed AS (
    SELECT
        b.*,
        s.event_uid AS success_uid,
        s.time AS success_time,
        s.user_name AS success_user
    FROM bursts AS b
    LEFT JOIN logins AS s
        ON s.device_hostname = b.device_hostname
        AND s.src_endpoint_ip = b.src_endpoint_ip
        AND s.time >= b.first_time
        AND s.time <= b.last_time + (SELECT window_length FROM settings)
    -- only the first success after the burst is "the" success
    QUALIFY row_number() OVER (
        PARTITION BY b.device_hostname, b.src_endpoint_ip, b.burst
        ORDER BY s.time NULLS LAST
    ) = 1
)
SELECT
    device_hostname,
    first_time AS start_time,
    coalesce(success_time, last_time) AS end_time,
    success_user AS actor_user_name,
    coalesce(success_user, CASE WHEN len(tried_users) = 1 THEN tried_users[1] END) AS user_name,
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
