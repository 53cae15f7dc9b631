-- id = "docker.sensitive_mount"
-- title = "Container started with a sensitive host path mounted"
-- description = """
-- A container created with a host path from [docker] sensitive_mounts bind-mounted
-- (-v, --volume, --mount type=bind, API Binds/Mounts), or a path under one of them
-- ("/" matches only itself: everything is under it). /var/run is /run. Seen from the
-- docker CLI's argv and from the daemon; one launch is one finding.
-- """
-- status = "stable"
-- level = "high"
-- tags = ["attack.privilege_escalation", "attack.t1611", "attack.t1610"]
-- falsepositives = ["Agents that mount /proc or the Docker socket by design (add them to an allow list)"]
-- references = ["https://docs.docker.com/engine/storage/bind-mounts/"]
--
-- [[tests]]
-- name = "bob mounts / into a container"
-- logs = "tests/bob_privileged_run"
-- policy = "tests/policy.toml"
-- count = 1
-- [[tests.expect]]
-- device_hostname = "web-2"
-- actor_user_name = "bob"
-- file_path = "/"
-- container_name = "pwn"
-- event_count = 2
--
-- [[tests]]
-- name = "alice mounts /srv/www read-only"
-- logs = "tests/alice_runs_nginx"
-- policy = "tests/policy.toml"
-- count = 0
WITH mounts AS (
    SELECT
        event_uid,
        start_time,
        end_time,
        device_hostname,
        process_pid,
        process_cmd_line,
        auid,
        actor_user_name,
        container_name,
        container_image_name,
        event_uids,
        unnest(container_mounts) AS host_path
    FROM container_launches
    WHERE start_time >= $since
      AND start_time < $until
),
sensitive AS (
    SELECT *
    FROM mounts AS m
    WHERE EXISTS (
        SELECT 1
        FROM policy_sensitive_mounts AS s
        WHERE m.host_path = s.path
           -- "/" would match every path under it
           OR (s.path <> '/' AND starts_with(m.host_path, s.path || '/'))
           -- a directory above one (/run holds docker.sock, /var holds /var/lib/docker)
           OR (m.host_path <> '' AND starts_with(s.path, rtrim(m.host_path, '/') || '/'))
    )
)
SELECT
    s.device_hostname,
    s.start_time,
    any_value(s.end_time) AS end_time,
    -- min(), not any_value(): an auid can map to several names; the identity needs one
    coalesce(any_value(s.actor_user_name), min(n.user_name)) AS actor_user_name,
    any_value(s.auid) AS actor_user_uid,
    any_value(s.process_pid) AS process_pid,
    any_value(s.process_cmd_line) AS process_cmd_line,
    min(s.host_path) AS file_path,
    any_value(s.container_name) AS container_name,
    'container ' || coalesce(
        any_value(s.container_name) || ' (' || any_value(s.container_image_name) || ')',
        any_value(s.container_name),
        any_value(s.container_image_name),
        '?'
    )
        || ' started with host ' || string_agg(DISTINCT s.host_path, ', ' ORDER BY s.host_path)
        || ' mounted' AS message,
    any_value(s.event_uids) AS event_uids
FROM sensitive AS s
LEFT JOIN audit_user_names AS n
    ON n.device_hostname = s.device_hostname
    AND n.auid = s.auid
GROUP BY s.event_uid, s.device_hostname, s.start_time
