-- id = "docker.privileged_container"
-- title = "Container started privileged or with host-level powers"
-- description = """
-- A container created with --privileged, with capabilities that break isolation
-- (ALL, SYS_ADMIN, SYS_MODULE, SYS_PTRACE, SYS_RAWIO, DAC_READ_SEARCH), sharing a host
-- namespace (--pid/--net/--ipc/--uts/--userns=host), or given a host disk or memory
-- device (--device /dev/sda1, /dev/nvme0n1, /dev/mapper/..., /dev/mem: the host's
-- filesystem read and written below its permissions). Seen from the docker CLI's argv
-- (auditd EXECVE) and from the daemon (API debug `form data`, docker events); the CLI
-- and the daemon's record of one start are one finding.
-- """
-- status = "stable"
-- level = "critical"
-- tags = ["attack.privilege_escalation", "attack.t1611", "attack.t1610"]
-- falsepositives = ["Monitoring or CNI agents that need host namespaces (node-exporter, cadvisor)"]
-- references = ["https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities"]
--
-- [[tests]]
-- name = "bob runs a privileged alpine with / mounted"
-- logs = "tests/bob_privileged_run"
-- policy = "tests/policy.toml"
-- count = 1
-- [[tests.expect]]
-- device_hostname = "web-2"
-- actor_user_name = "bob"
-- container_name = "pwn"
-- process_cmd_line = "docker run -it --name pwn --privileged -v /:/host alpine chroot /host sh"
-- event_count = 2
--
-- [[tests]]
-- name = "alice runs nginx with a read-only bind mount"
-- logs = "tests/alice_runs_nginx"
-- policy = "tests/policy.toml"
-- count = 0
WITH launches AS (
    SELECT
        *,
        list_filter(
            container_cap_add,
            lambda c: c IN ('ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'SYS_RAWIO', 'DAC_READ_SEARCH')
        ) AS risky_caps,
        list_filter(container_devices, lambda d: host_disk_or_memory(d)) AS risky_devices
    FROM container_launches
    WHERE start_time >= $since
      AND start_time < $until
)
SELECT
    l.device_hostname,
    l.start_time,
    l.end_time,
    coalesce(l.actor_user_name, n.user_name) AS actor_user_name,
    l.auid AS actor_user_uid,
    l.process_pid,
    l.process_cmd_line,
    l.container_name,
    CASE
        -- `docker exec`: a process in a running container (no image of its own)
        WHEN l.container_image_name IS NULL AND l.container_name IS NOT NULL
            THEN 'process run in container ' || l.container_name || ' with '
        ELSE 'container ' || coalesce(
            l.container_name || ' (' || l.container_image_name || ')',
            l.container_name,
            l.container_image_name,
            '?'
        ) || ' started with '
    END
        || array_to_string(
            list_concat(
                CASE WHEN l.container_privileged THEN ['--privileged'] ELSE [] END,
                list_transform(l.risky_caps, lambda c: '--cap-add=' || c),
                list_transform(l.container_host_namespaces, lambda ns: '--' || ns || '=host'),
                list_transform(l.risky_devices, lambda d: '--device=' || d)
            ),
            ' '
        ) AS message,
    l.event_uids
FROM launches AS l
LEFT JOIN audit_user_names AS n
    ON n.device_hostname = l.device_hostname
    AND n.auid = l.auid
WHERE l.container_privileged
   OR len(l.risky_caps) > 0
   OR len(l.container_host_namespaces) > 0
   OR len(l.risky_devices) > 0
