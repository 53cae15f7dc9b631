-- Programs started: auditd EXECVE (argv as logged) and commands that sudo logs to
-- syslog or the journal (`COMMAND=/usr/bin/systemctl stop auditd`: sudo joins argv
-- with spaces, so it is split on spaces here). `auid` is the login uid behind the
-- process, NULL for daemons: auditd writes 4294967295 ("unset") for processes that no
-- login started. Readers filter on `process_cmd_line` first (a plain column, pushed
-- into the scan) before the derived `program`, which is computed per row. A reader
-- that also looks for a tool by `process_file_path` (argv[0] renamed) does so in a
-- second SELECT joined with UNION: DuckDB applies a filter on one column in the scan
-- and reads the other columns of the rows it keeps only, but a filter over two columns
-- after the scan, reading every exec's columns (3-4 times slower at 20M events).
CREATE OR REPLACE VIEW process_execs AS
WITH execs AS (
    SELECT
        *,
        -- argv[0] as logged, else the first word of the command line; read without
        -- splitting the whole line, which would cost on every exec a reader filters out
        CASE
            WHEN process_args IS NULL THEN split_part(process_cmd_line, ' ', 1)
            ELSE process_args[1]
        END AS argv0
    FROM events
    WHERE class_uid = 1007
      -- every exec row has its command line (auditd joins argv with spaces)
      AND process_cmd_line IS NOT NULL
      -- sudo's USER_CMD record repeats the command its own EXECVE logs with argv
      AND coalesce(audit_type, '') <> 'USER_CMD'
      -- an empty argv; a command line split on spaces always has a first word. Written
      -- over both columns so that DuckDB tests it after the scan, on the rows the
      -- readers' filters keep, instead of decoding every exec's argv in the scan
      AND len(coalesce(process_args, string_split(process_cmd_line, ' '))) > 0
)
SELECT
    event_uid,
    time,
    device_hostname,
    source_type,
    status_id,
    process_pid,
    process_parent_process_pid,
    process_name,
    process_file_path,
    process_cmd_line,
    coalesce(process_args, string_split(process_cmd_line, ' ')) AS process_args,
    process_cwd,
    process_uid,
    login_uid(actor_user_uid, process_auid) AS auid,
    actor_user_name,
    session_uid,
    audit_key,
    source_file_id,
    -- the program as invoked: argv[0]'s base name, else comm. The caller chooses
    -- argv[0] (`exec -a x docker ...`): readers that look for a tool match it with
    -- `program_among`, which also reads the file the kernel ran
    coalesce(parse_filename(argv0), process_name) AS program,
    -- the file the kernel ran (auditd's exe), by its name
    parse_filename(process_file_path) AS process_file_name
FROM execs;

-- Socket connections seen by auditd (connect/sendto/sendmsg with a SOCKADDR), denied
-- attempts included: `status_id` 2 is a refused connect.
CREATE OR REPLACE VIEW socket_connects AS
SELECT
    event_uid,
    time,
    device_hostname,
    status_id,
    audit_syscall,
    -- as the process named it: /var/run/docker.sock and /run/docker.sock are one socket
    dst_endpoint_path,
    dst_endpoint_ip,
    dst_endpoint_port,
    process_pid,
    process_name,
    process_file_path,
    process_cmd_line,
    login_uid(actor_user_uid, process_auid) AS auid,
    actor_user_name,
    process_uid,
    audit_key,
    session_uid
FROM events
WHERE class_uid = 4001
  AND source_type = 'auditd'
  AND (dst_endpoint_path IS NOT NULL OR dst_endpoint_ip IS NOT NULL)
  -- bind/listen is the server side (dockerd creating its socket), not a client
  AND coalesce(audit_syscall, 'connect') IN ('connect', 'sendto', 'sendmsg');

-- auditd events of processes that run in a container, told by their security label
-- (macro container_label). Inside a container any executable path can be had, so a
-- process there that is named like the engine (/usr/bin/dockerd) is not the engine.
CREATE OR REPLACE VIEW container_events AS
SELECT DISTINCT event_uid
FROM auditd_records
-- parts are sorted by record type: DuckDB skips the others' row groups by their min/max
WHERE type = 'SYSCALL'
  AND container_label(subj);

-- Whether a command line names the Docker socket or a client of it (docker,
-- docker-compose, nerdctl): cheap on every exec. `contains(..., 'docker')` alone would
-- keep every `runc --root /var/run/docker/...` the engine runs.
CREATE OR REPLACE MACRO names_docker_client(cmd) AS
    contains(cmd, 'docker.sock')
    OR names_program(cmd, 'docker')
    OR names_program(cmd, 'docker-compose')
    OR names_program(cmd, 'nerdctl');

-- Whether a kill command line (pkill, killall, systemctl kill) sends a signal that
-- auditd takes as no stop: HUP reloads its configuration, USR1 rotates its logs, USR2
-- resumes logging, 0 only probes (`-HUP`, `-s USR1`, `--signal=SIGUSR2`, `-1`, ...).
CREATE OR REPLACE MACRO names_benign_signal(args) AS
    len(list_filter(
        args,
        lambda a, i: regexp_matches(upper(a), '^-(SIG)?(HUP|USR1|USR2|0|1|10|12)$')
            OR (a IN ('-s', '--signal') AND regexp_matches(upper(coalesce(args[i + 1], '')), '^(SIG)?(HUP|USR1|USR2|0|1|10|12)$'))
            OR regexp_matches(upper(a), '^--SIGNAL=(SIG)?(HUP|USR1|USR2|0|1|10|12)$')
    )) > 0;
