-- id = "docker.file_change"
-- title = "Change to a watched Docker file or directory"
-- description = """
-- A write, create, delete, rename, chmod/chown or xattr change of a path in [docker]
-- watched_paths (the CIS Docker Benchmark 1.1 list plus current paths; a directory
-- covers everything under it; /var/run is /run), or of any path in an event carrying
-- the CIS audit key `docker`, by anything but the engine's own processes (outside
-- containers: see allowed_socket_processes). Reads and execs are not changes. One
-- finding per process while it keeps changing files.
-- """
-- status = "stable"
-- level = "high"
-- tags = ["attack.persistence", "attack.defense_evasion", "attack.privilege_escalation", "attack.t1543", "attack.t1222"]
-- falsepositives = ["Package upgrades of docker-ce or containerd", "Configuration management writing daemon.json"]
-- references = ["https://www.cisecurity.org/benchmark/docker"]
--
-- [[tests]]
-- name = "bob rewrites /etc/docker/daemon.json"
-- logs = "tests/bob_writes_daemon_json"
-- policy = "tests/policy.toml"
-- count = 1
-- [[tests.expect]]
-- device_hostname = "web-2"
-- actor_user_name = "bob"
-- file_path = "/etc/docker/daemon.json"
-- process_cmd_line = "tee /etc/docker/daemon.json"
--
-- [[tests]]
-- name = "reading daemon.json and dockerd writing /var/lib/docker are not changes"
-- logs = "tests/reads_and_dockerd_writes"
-- policy = "tests/policy.toml"
-- count = 0
WITH changes AS (
    SELECT
        event_uid,
        time,
        device_hostname,
        change,
        file_path,
        audit_key,
        process_pid,
        process_file_path,
        process_cmd_line,
        auid,
        actor_user_name
    FROM file_changes
    WHERE time >= $since
      AND time < $until
),
candidates AS (
    -- cheap: the path's first one or two components head some watched path
    SELECT *
    FROM changes
    WHERE split_part(file_path, '/', 2) IN (SELECT head FROM policy_watched_heads)
       OR split_part(file_path, '/', 2) || '/' || split_part(file_path, '/', 3)
           IN (SELECT head FROM policy_watched_heads)
       OR '*' IN (SELECT head FROM policy_watched_heads)
       OR contains(audit_key, 'docker')
),
watched AS (
    SELECT *
    FROM candidates AS c
    -- the CIS rules' key; auditd joins the keys of several matching rules with commas
    WHERE list_contains(string_split(c.audit_key, ','), 'docker')
       OR EXISTS (
           SELECT 1
           FROM policy_watched_paths AS w
           WHERE c.file_path = w.pattern
              OR starts_with(c.file_path, w.pattern || '/')
              OR (contains(w.pattern, '*') AND c.file_path GLOB w.pattern)
       )
),
by_others AS (
    SELECT *
    FROM (
        SELECT
            *,
            -- in a container, a process can have the engine's path and be anything
            engine_path AND event_uid IN (SELECT event_uid FROM container_events) AS engine_lookalike
        FROM (
            SELECT
                *,
                -- the engine itself (no login user behind it) writes its state and sockets
                w.auid IS NULL
                    AND EXISTS (
                        SELECT 1
                        FROM policy_docker_processes AS p
                        WHERE w.process_file_path GLOB p.pattern
                    ) AS engine_path
            FROM watched AS w
        )
    )
    WHERE NOT engine_path OR engine_lookalike
),
runs AS (
    SELECT
        *,
        sum(starts_run) OVER (
            PARTITION BY device_hostname, process_pid, auid
            ORDER BY time, event_uid
            ROWS UNBOUNDED PRECEDING
        ) AS run_id
    FROM (
        SELECT
            *,
            CASE
                -- not `time - lag(time) <= ...`: TIMESTAMPTZ minus TIMESTAMPTZ goes through
                -- ICU's calendar and costs microseconds per row
                WHEN lag(time) OVER (
                    PARTITION BY device_hostname, process_pid, auid
                    ORDER BY time, event_uid
                ) >= time - INTERVAL 1 MINUTE THEN 0
                ELSE 1
            END AS starts_run
        FROM by_others
    )
)
SELECT
    r.device_hostname,
    min(r.time) AS start_time,
    max(r.time) AS end_time,
    -- min(), not any_value(): the finding's identity includes its actor
    coalesce(min(r.actor_user_name), min(n.user_name)) AS actor_user_name,
    min(r.auid) AS actor_user_uid,
    r.process_pid,
    arg_min(r.process_cmd_line, r.time) AS process_cmd_line,
    arg_min(r.file_path, r.time) AS file_path,
    string_agg(DISTINCT r.change, ', ' ORDER BY r.change) || ' of ' || arg_min(r.file_path, r.time)
        || CASE WHEN count(DISTINCT r.file_path) > 1 THEN ' (+' || (count(DISTINCT r.file_path) - 1) || ' more paths)' ELSE '' END
        || ' by ' || coalesce(arg_min(r.process_file_path, r.time), '?')
        || CASE WHEN bool_or(r.engine_lookalike) THEN ' (in a container, named like the engine)' ELSE '' END
            AS message,
    list(DISTINCT r.event_uid ORDER BY r.event_uid) AS event_uids
FROM runs AS r
LEFT JOIN audit_user_names AS n
    ON n.device_hostname = r.device_hostname
    AND n.auid = r.auid
GROUP BY r.device_hostname, r.process_pid, r.auid, r.run_id
