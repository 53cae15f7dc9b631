-- id = "docker.socket_access"
-- title = "Docker socket used by a user or process outside the policy"
-- description = """
-- Whoever can talk to /run/docker.sock is root on the host. Flags connections to the
-- socket seen by auditd (connect with a SOCKADDR, denied attempts included) and clients
-- run against it (docker, curl --unix-socket, socat, nc -U, scripts naming the socket)
-- by a login user (auid) outside [docker] allowed_socket_users. Processes with no login
-- user (auid unset) are allowed only when their executable is in
-- allowed_socket_processes (the engine's own dockerd/containerd) and their security
-- label does not put them in a container. In a session whose login uid was rewritten
-- (root writing /proc/self/loginuid), the one who wrote it is the actor (the first
-- writer, of a chain of rewrites). One finding per user and host while the use
-- continues (gaps under an hour).
-- """
-- status = "stable"
-- level = "high"
-- tags = ["attack.privilege_escalation", "attack.execution", "attack.t1611", "attack.t1610"]
-- falsepositives = ["Monitoring agents that read the Docker API (add their executable to allowed_socket_processes)"]
-- references = ["https://docs.docker.com/engine/security/#docker-daemon-attack-surface"]
--
-- [[tests]]
-- name = "bob queries the API with curl over the socket"
-- logs = "tests/bob_curl_socket"
-- policy = "tests/policy.toml"
-- count = 1
-- [[tests.expect]]
-- device_hostname = "web-2"
-- actor_user_name = "bob"
-- actor_user_uid = 1003
-- process_cmd_line = "curl --unix-socket /var/run/docker.sock http://localhost/containers/json"
-- event_count = 2
--
-- [[tests]]
-- name = "alice runs docker ps and dockerd serves it"
-- logs = "tests/alice_docker_ps"
-- policy = "tests/policy.toml"
-- count = 0
WITH rewritten AS (
    -- sessions whose login uid was rewritten (their few rows, for the semi joins below)
    SELECT DISTINCT
        device_hostname,
        session_uid
    FROM login_uid_rewrites
),
writers AS (
    -- who wrote a rewritten session's login uid (the last rewrite, if several), and when
    SELECT
        device_hostname,
        session_uid,
        max(time) AS since,
        arg_max(writer_auid, time) AS writer_auid
    FROM login_uid_writers
    GROUP BY device_hostname, session_uid
),
all_connects AS NOT MATERIALIZED (
    SELECT
        event_uid,
        time,
        device_hostname,
        auid,
        actor_user_name,
        process_pid,
        process_file_path,
        process_cmd_line,
        status_id,
        session_uid,
        dst_endpoint_path,
        audit_key
    FROM socket_connects
    WHERE time >= $since
      AND time < $until
),
all_execs AS NOT MATERIALIZED (
    SELECT
        event_uid,
        time,
        device_hostname,
        auid,
        actor_user_name,
        process_pid,
        process_file_path,
        process_cmd_line,
        status_id,
        session_uid,
        program,
        process_file_name,
        process_args
    FROM process_execs
    WHERE time >= $since
      AND time < $until
),
connects AS NOT MATERIALIZED (
    -- not those of a login user the policy allows (outside_policy below decides; this
    -- test runs in the scan, so that the allowed users' many connections are not read
    -- at all)...
    SELECT *
    FROM all_connects
    WHERE actor_user_name IS NULL
       OR NOT list_contains(getvariable('policy_socket_users'), actor_user_name)
    UNION ALL
    -- ...unless the login uid was rewritten to that user (see named)
    SELECT c.*
    FROM all_connects AS c
    SEMI JOIN rewritten AS r
        ON r.device_hostname = c.device_hostname
        AND r.session_uid = c.session_uid
    WHERE list_contains(getvariable('policy_socket_users'), c.actor_user_name)
),
execs AS NOT MATERIALIZED (
    -- as connects
    SELECT *
    FROM all_execs
    WHERE actor_user_name IS NULL
       OR NOT list_contains(getvariable('policy_socket_users'), actor_user_name)
    UNION ALL
    SELECT e.*
    FROM all_execs AS e
    SEMI JOIN rewritten AS r
        ON r.device_hostname = e.device_hostname
        AND r.session_uid = e.session_uid
    WHERE list_contains(getvariable('policy_socket_users'), e.actor_user_name)
),
accesses AS (
    -- each selection a filter on one column, which DuckDB applies in the scan (see
    -- process_execs); UNION: an event two of them select is kept once
    SELECT * EXCLUDE (dst_endpoint_path, audit_key)
    FROM connects
    -- /var/run is a symlink to /run. list_contains(), not IN: DuckDB pushes it into the
    -- Parquet scan, so the other columns are read for these connections only
    WHERE list_contains(['/var/run/docker.sock', '/run/docker.sock'], dst_endpoint_path)
    UNION
    -- the socket reached by another name (a symlink, a bind mount, /proc/N/root/...):
    -- the CIS rules' watch on it tags the connect with their key `docker`
    SELECT * EXCLUDE (dst_endpoint_path, audit_key)
    FROM connects
    WHERE contains(audit_key, 'docker')
      -- auditd joins the keys of several matching rules with commas
      AND list_contains(string_split(audit_key, ','), 'docker')
      AND dst_endpoint_path IS NOT NULL
    UNION
    SELECT * EXCLUDE (program, process_file_name, process_args)
    FROM execs
    -- a command naming the socket or a client (cheap on every exec, in the scan)
    WHERE names_docker_client(process_cmd_line)
      AND (
          program_among(program, process_file_name, ['docker', 'docker-compose', 'nerdctl']) IS NOT NULL
          OR contains(array_to_string(process_args, ' '), 'docker.sock')
      )
    UNION
    -- a client run with argv[0] renamed: only the file run names it
    SELECT * EXCLUDE (program, process_file_name, process_args)
    FROM execs
    WHERE list_contains(['docker', 'docker-compose', 'nerdctl'], process_file_name)
      -- those the command line names are above: two filters on one column each, both
      -- run in the scan, which then reads the other columns of no exec in most lakes
      AND NOT names_docker_client(process_cmd_line)
),
named AS (
    -- in a session whose login uid was rewritten, the writer acted, whoever it names
    SELECT
        a.* EXCLUDE (session_uid) REPLACE (coalesce(w.writer_auid, a.auid) AS auid),
        coalesce(CASE WHEN w.writer_auid IS NULL THEN a.actor_user_name END, n.user_name) AS actor_name
    FROM accesses AS a
    LEFT JOIN writers AS w
        ON w.device_hostname = a.device_hostname
        AND w.session_uid = a.session_uid
        AND a.time >= w.since
    LEFT JOIN audit_user_names AS n
        ON n.device_hostname = a.device_hostname
        AND n.auid = coalesce(w.writer_auid, a.auid)
),
engine_named AS (
    SELECT
        *,
        -- the engine's own processes (no login user behind them) serve the socket
        auid IS NULL
            AND EXISTS (
                SELECT 1
                FROM policy_docker_processes AS p
                WHERE named.process_file_path GLOB p.pattern
            ) AS engine_path
    FROM named
    -- login users the policy allows
    WHERE coalesce(actor_name, '') NOT IN (SELECT user_name FROM policy_socket_users)
),
outside_policy AS (
    SELECT *
    FROM (
        SELECT
            *,
            -- in a container, a process can have the engine's path and be anything
            engine_path AND event_uid IN (SELECT event_uid FROM container_events) AS engine_lookalike
        FROM engine_named
    )
    WHERE NOT engine_path OR engine_lookalike
),
sessions AS (
    SELECT
        *,
        sum(starts_use) OVER (
            PARTITION BY device_hostname, actor_name, auid
            ORDER BY time, event_uid
            ROWS UNBOUNDED PRECEDING
        ) AS use_id
    FROM (
        SELECT
            *,
            CASE
                -- not `time - lag(time) <= ...`: TIMESTAMPTZ minus TIMESTAMPTZ goes through
                -- ICU's calendar and costs microseconds per row
                WHEN lag(time) OVER (
                    PARTITION BY device_hostname, actor_name, auid
                    ORDER BY time, event_uid
                ) >= time - INTERVAL 1 HOUR THEN 0
                ELSE 1
            END AS starts_use
        FROM outside_policy
    )
)
SELECT
    device_hostname,
    min(time) AS start_time,
    max(time) AS end_time,
    any_value(actor_name) AS actor_user_name,
    any_value(auid) AS actor_user_uid,
    arg_min(process_pid, time) AS process_pid,
    arg_min(process_cmd_line, time) AS process_cmd_line,
    '/run/docker.sock' AS file_path,
    'docker socket used by ' || coalesce(any_value(actor_name), 'uid ' || any_value(auid), 'a process with no login user')
        || ': ' || coalesce(arg_min(process_cmd_line, time), arg_min(process_file_path, time), '?')
        || CASE WHEN bool_or(engine_lookalike) THEN ' (in a container, named like the engine)' ELSE '' END
        || CASE WHEN count(*) > 1 THEN ' (+' || (count(*) - 1) || ' more)' ELSE '' END AS message,
    list(event_uid ORDER BY time, event_uid) AS event_uids
FROM sessions
GROUP BY device_hostname, actor_name, auid, use_id
