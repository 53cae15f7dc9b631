-- Containers started, with the settings that matter for escapes: privileged mode,
-- added capabilities, host namespaces, host paths mounted. From the docker CLI's argv
-- (auditd EXECVE) and from the daemon (API debug log `form data`, `docker events`).

-- Whether a command line names a container client (docker, podman, nerdctl): its
-- argv[0] is the first word, so the client's name ends a word of it. `contains(...,
-- 'docker')` alone would keep every `runc --root /var/run/docker/...` the engine runs.
CREATE OR REPLACE MACRO names_container_client(cmd) AS
    names_program(cmd, 'docker')
    OR names_program(cmd, 'docker-compose')
    OR names_program(cmd, 'podman')
    OR names_program(cmd, 'nerdctl');

-- A docker CLI option that takes the next word as its value: `--name x`, `-v a:b`.
-- Boolean flags (`--rm`, `-it`) and `--opt=value` forms do not.
CREATE OR REPLACE MACRO docker_option_takes_value(o) AS
    (
        regexp_matches(o, '^--[a-z][a-z0-9-]*$')
        AND o NOT IN (
            '--privileged', '--rm', '--detach', '--interactive', '--tty', '--init',
            '--publish-all', '--read-only', '--no-healthcheck', '--oom-kill-disable',
            '--quiet', '--disable-content-trust', '--help', '--sig-proxy', '--use-api-socket',
            -- compose run's
            '--no-deps', '--service-ports', '--use-aliases', '--build', '--remove-orphans',
            '--quiet-pull', '--no-TTY'
        )
    )
    OR (
        regexp_matches(o, '^-[a-zA-Z]$')
        AND o NOT IN ('-d', '-i', '-t', '-P', '-q', '-T')
    );

-- A docker CLI argv with short flag clusters taken apart as the CLI does: in `-dv /:/x`
-- the boolean flags (run's d, i, t, P, q; the global D) come first and the letter after
-- them takes the value (the rest of the word, or the next word): `-v /:/x`, `-DH x`.
CREATE OR REPLACE MACRO docker_argv(args) AS
    list_transform(
        args,
        lambda a: CASE
            WHEN regexp_matches(a, '^-[ditPqD]+[a-zA-Z]') THEN regexp_replace(a, '^-[ditPqD]+', '-')
            ELSE a
        END
    );

-- An image reference as one text: `docker.io/library/nginx:latest` is `nginx`.
CREATE OR REPLACE MACRO image_ref(image) AS
    regexp_replace(regexp_replace(image, '^(docker\.io/)?(library/)?', ''), ':latest$', '');

CREATE OR REPLACE VIEW docker_cli_runs AS
WITH docker_cli AS (
    SELECT
        event_uid,
        time,
        device_hostname,
        status_id,
        process_pid,
        process_cmd_line,
        process_args AS args,
        auid,
        actor_user_name,
        process_uid,
        process_cwd,
        source_type,
        source_file_id
    FROM (
        -- cheap on every exec: the command line names a client...
        SELECT *
        FROM process_execs
        WHERE names_container_client(process_cmd_line)
        UNION ALL
        -- ...or, argv[0] renamed, the file run names it (a filter on one column: see
        -- process_execs; the other leaves out what the first selects, both in the scan)
        SELECT *
        FROM process_execs
        WHERE list_contains(['docker', 'docker-compose', 'podman', 'nerdctl'], process_file_name)
          AND NOT names_container_client(process_cmd_line)
    )
    -- `run`, `create` or `exec` is a word of argv after the first, so the command line
    -- has it after a space: this keeps `docker ps` and the like out
    WHERE (
        contains(process_cmd_line, ' run')
        OR contains(process_cmd_line, ' create')
        OR contains(process_cmd_line, ' exec')
    )
      AND program_among(program, process_file_name, ['docker', 'docker-compose', 'podman', 'nerdctl']) IS NOT NULL
),
argvs AS (
    -- a fleet runs the same few commands again and again: each argv is parsed once
    SELECT DISTINCT
        args,
        docker_argv(args) AS argv
    FROM docker_cli
),
subcommands AS (
    SELECT
        args,
        argv,
        -- the first word after the global options: `docker -H x container run ...`,
        -- `docker compose -f x.yml run ...`, `docker-compose -p x run ...`, `docker
        -- service create ...`
        list_position(
            list_transform(
                argv,
                lambda a, i: i > 1
                    AND NOT starts_with(a, '-')
                    -- `docker service create` (swarm) takes run's options too
                    AND a NOT IN ('container', 'compose', 'service')
                    -- the global options that take the next word as their value
                    -- (docker's, then compose's)
                    AND argv[i - 1] NOT IN (
                        '-H', '--host', '-c', '--context', '--config', '-l', '--log-level',
                        '--tlscacert', '--tlscert', '--tlskey',
                        '-f', '--file', '-p', '--project-name', '--profile', '--env-file',
                        '--project-directory', '--ansi', '--progress', '--parallel'
                    )
            ),
            true
        ) AS sub_idx
    FROM argvs
),
runs AS (
    SELECT
        *,
        -- the image (exec: the container; compose run: the service) is the first word
        -- after `run` that is neither an option nor an option's value; everything after
        -- it is the container's own command line
        coalesce(
            list_position(
                list_transform(
                    argv,
                    lambda a, i: i > sub_idx
                        AND NOT starts_with(a, '-')
                        AND NOT (i - 1 > sub_idx AND docker_option_takes_value(argv[i - 1]))
                ),
                true
            ),
            len(argv) + 1
        ) AS image_idx
    FROM subcommands
    -- `exec --privileged` gives a process in a running container every capability
    WHERE argv[sub_idx] IN ('run', 'create', 'exec')
),
options AS (
    SELECT
        *,
        list_transform(
            argv[sub_idx + 1:image_idx - 1],
            lambda o, i: {
                'name': CASE
                    WHEN starts_with(o, '--') AND contains(o, '=') THEN split_part(o, '=', 1)
                    WHEN regexp_matches(o, '^-[a-zA-Z].') AND NOT regexp_matches(o, '^-[ditPq]+$') THEN substr(o, 1, 2)
                    ELSE o
                END,
                'value': CASE
                    WHEN starts_with(o, '--') AND contains(o, '=') THEN substr(o, strpos(o, '=') + 1)
                    WHEN regexp_matches(o, '^-[a-zA-Z].') AND NOT regexp_matches(o, '^-[ditPq]+$') THEN ltrim(substr(o, 3), '=')
                    WHEN docker_option_takes_value(o) THEN argv[sub_idx + i + 1]
                END
            }
        ) AS pairs
    FROM runs
),
parsed AS (
    SELECT
        args,
        CASE
            WHEN argv[sub_idx] = 'exec' THEN argv[image_idx]
            ELSE list_filter(pairs, lambda p: p.name = '--name')[1].value
        END AS container_name,
        CASE WHEN argv[sub_idx] <> 'exec' THEN argv[image_idx] END AS container_image_name,
        len(list_filter(pairs, lambda p: p.name = '--privileged' AND coalesce(lower(p.value), 'true') <> 'false')) > 0
            AS container_privileged,
        list_transform(
            list_filter(pairs, lambda p: p.name = '--cap-add'),
            lambda p: regexp_replace(upper(p.value), '^CAP_', '')
        ) AS container_cap_add,
        list_transform(
            list_filter(
                pairs,
                lambda p: p.name IN ('--pid', '--net', '--network', '--ipc', '--uts', '--userns', '--cgroupns')
                    AND p.value = 'host'
            ),
            lambda p: CASE p.name WHEN '--net' THEN 'network' ELSE ltrim(p.name, '-') END
        ) AS container_host_namespaces,
        list_transform(
            list_filter(
                list_concat(
                    list_transform(
                        list_filter(pairs, lambda p: p.name IN ('-v', '--volume')),
                        lambda p: split_part(p.value, ':', 1)
                    ),
                    list_transform(
                        list_filter(
                            pairs,
                            -- docker reads the mount as a CSV record (its fields may be
                            -- quoted), its keys and type in any case; a local volume
                            -- with `volume-opt=o=bind` binds its `volume-opt=device=`
                            lambda p: p.name = '--mount'
                                AND (
                                    regexp_matches(lower(replace(p.value, '"', '')), '(^|,)type=bind(,|$)')
                                    OR regexp_matches(lower(replace(p.value, '"', '')), '(^|,)volume-opt=o=([^,=]*,)*r?bind(,|$)')
                                )
                        ),
                        lambda p: CASE
                            WHEN regexp_matches(lower(replace(p.value, '"', '')), '(^|,)type=bind(,|$)')
                                THEN regexp_extract(replace(p.value, '"', ''), '(?i)(^|,)(source|src)=([^,]+)', 3)
                            ELSE regexp_extract(replace(p.value, '"', ''), '(?i)(^|,)volume-opt=device=([^,]+)', 2)
                        END
                    ),
                    -- `--use-api-socket` (docker 28) mounts the engine's socket
                    CASE WHEN len(list_filter(pairs, lambda p: p.name = '--use-api-socket' AND coalesce(lower(p.value), 'true') <> 'false')) > 0
                        THEN ['/var/run/docker.sock'] ELSE [] END
                ),
                -- a named volume (`-v data:/x`) is not a host path; `./x` and `../x` are,
                -- relative to the client's cwd (docker 23 and later), resolved below
                lambda m: starts_with(m, '/') OR m = '.' OR m = '..' OR starts_with(m, './') OR starts_with(m, '../')
            ),
            lambda m: CASE WHEN starts_with(m, '/') THEN host_path(clean_path(m)) ELSE m END
        ) AS container_mounts,
        -- `--device /dev/sda1[:/dev/xvda[:rwm]]`: the host's device node (a CDI name,
        -- `vendor.com/gpu=all`, as written)
        list_transform(
            list_filter(pairs, lambda p: p.name = '--device'),
            lambda p: CASE
                WHEN starts_with(p.value, '/') THEN clean_path(split_part(p.value, ':', 1))
                ELSE p.value
            END
        ) AS container_devices,
        -- named volumes (`-v data:/x`, `--mount src=data,...`), which `docker volume
        -- create -o o=bind -o device=/ data` may have bound to a host path (volume_definitions)
        list_filter(
            list_concat(
                list_transform(
                    list_filter(pairs, lambda p: p.name IN ('-v', '--volume') AND contains(p.value, ':')),
                    lambda p: split_part(p.value, ':', 1)
                ),
                list_transform(
                    list_filter(
                        pairs,
                        -- a mount's type is volume unless it says otherwise
                        lambda p: p.name = '--mount'
                            AND NOT regexp_matches(lower(replace(p.value, '"', '')), '(^|,)type=(bind|tmpfs|npipe|cluster|image)(,|$)')
                            AND NOT regexp_matches(lower(replace(p.value, '"', '')), '(^|,)volume-opt=o=([^,=]*,)*r?bind(,|$)')
                    ),
                    lambda p: regexp_extract(replace(p.value, '"', ''), '(?i)(^|,)(source|src)=([^,]+)', 3)
                )
            ),
            lambda v: v <> '' AND NOT (starts_with(v, '/') OR v = '.' OR v = '..' OR starts_with(v, './') OR starts_with(v, '../'))
        ) AS container_volumes,
        -- `--volumes-from agent[:ro]`: the containers whose mounts this one gets
        list_transform(
            list_filter(pairs, lambda p: p.name = '--volumes-from'),
            lambda p: regexp_replace(p.value, ':(ro|rw)$', '')
        ) AS container_volumes_from
    FROM options
)
SELECT
    c.event_uid,
    c.time,
    c.device_hostname,
    'cli' AS seen_by,
    c.status_id,
    c.process_pid,
    c.process_cmd_line,
    c.auid,
    c.actor_user_name,
    c.process_uid,
    p.container_name,
    p.container_image_name,
    p.container_privileged,
    p.container_cap_add,
    p.container_host_namespaces,
    -- relative sources from this run's cwd (dropped when it is unknown)
    list_filter(
        list_transform(
            p.container_mounts,
            lambda m: CASE
                WHEN starts_with(m, '/') THEN m
                WHEN starts_with(c.process_cwd, '/') THEN host_path(clean_path(c.process_cwd || '/' || m))
            END
        ),
        lambda m: m IS NOT NULL
    ) AS container_mounts,
    p.container_devices,
    p.container_volumes,
    p.container_volumes_from,
    -- an audit record relayed through syslog or the journal's text output where the
    -- kernel's own are in the lake: it pairs with no API create (container_launches)
    c.source_type = 'auditd' AND relayed_beside_kernel(c.source_file_id, c.device_hostname)
        AS relayed_beside_kernel
FROM docker_cli AS c
JOIN parsed AS p
    ON p.args IS NOT DISTINCT FROM c.args;

-- What each named volume is, as it was made and removed: `docker volume create -o
-- type=none -o o=bind -o device=/ hostroot` (a local volume that is a bind mount in
-- disguise; then `-v hostroot:/host` mounts /), any other create (no host path), and
-- `docker volume rm` (gone: a later `-v hostroot:/x` makes a plain volume), by the CLI
-- or the API (`POST /volumes/create`, `DELETE /volumes/NAME`). `device` is the host
-- path the volume binds, or NULL. `docker volume prune` names no volume: not here.
CREATE OR REPLACE VIEW volume_definitions AS
WITH commands AS (
    SELECT
        device_hostname,
        time,
        docker_argv(process_args) AS argv
    FROM process_execs
    WHERE names_container_client(process_cmd_line)
      AND contains(process_cmd_line, ' volume')
      AND (contains(process_cmd_line, ' create') OR contains(process_cmd_line, ' rm') OR contains(process_cmd_line, ' remove'))
),
verbs AS (
    SELECT
        *,
        -- the word after `volume`
        list_filter(
            list_transform(argv, lambda a, i: CASE WHEN i > list_position(argv, 'volume') AND NOT starts_with(a, '-') THEN i END),
            lambda i: i IS NOT NULL
        )[1] AS verb_idx
    FROM commands
    WHERE list_position(argv, 'volume') IS NOT NULL
),
operands AS (
    SELECT
        *,
        argv[verb_idx] AS verb,
        -- the operands after the verb (-d is create's --driver, with a value)
        list_filter(
            list_transform(
                argv,
                lambda a, i: CASE
                    WHEN i > verb_idx
                        AND NOT starts_with(a, '-')
                        AND NOT (argv[i - 1] IN ('-d', '-o', '-l') OR docker_option_takes_value(argv[i - 1]))
                        THEN a
                END
            ),
            lambda a: a IS NOT NULL
        ) AS names,
        -- each `-o k=v` (`--opt k=v`, `--opt=k=v`, `-ok=v`)
        list_filter(
            list_transform(
                argv,
                lambda a, i: CASE
                    WHEN i > 1 AND argv[i - 1] IN ('-o', '--opt') THEN a
                    WHEN starts_with(a, '--opt=') THEN substr(a, 7)
                    -- pflag: `-ok=v` and `-o=k=v` alike
                    WHEN regexp_matches(a, '^-o.') THEN ltrim(substr(a, 3), '=')
                END
            ),
            lambda v: v IS NOT NULL
        ) AS opts
    FROM verbs
)
SELECT
    device_hostname,
    time,
    coalesce(option_value(argv, '^--name$', '^(--name=)(.+)$'), names[1]) AS volume_name,
    CASE
        WHEN len(list_filter(opts, lambda v: regexp_matches(v, '^o=(.*,)?r?bind(,|$)'))) > 0
            AND starts_with(list_filter(opts, lambda v: starts_with(v, 'device='))[-1], 'device=/')
            THEN clean_path(substr(list_filter(opts, lambda v: starts_with(v, 'device='))[-1], 8))
    END AS device
FROM operands
WHERE verb = 'create'
  -- the name given (`--name x`, or the first operand)
  AND volume_name IS NOT NULL
UNION ALL
SELECT
    device_hostname,
    time,
    unnest(names) AS volume_name,
    NULL AS device
FROM operands
WHERE verb IN ('rm', 'remove')
UNION ALL
SELECT
    device_hostname,
    time,
    coalesce(
        unmapped['volume_name'],
        CASE WHEN starts_with(api_operation, 'DELETE /volumes/') THEN split_part(api_operation, '/', 3) END
    ) AS volume_name,
    unmapped['volume_device'] AS device
FROM events
WHERE source_type = 'dockerd'
  AND class_uid = 6003
  AND (unmapped['volume_name'] IS NOT NULL OR starts_with(api_operation, 'DELETE /volumes/'));

CREATE OR REPLACE VIEW container_starts AS
SELECT
    event_uid,
    time,
    device_hostname,
    seen_by,
    process_pid,
    process_cmd_line,
    auid,
    actor_user_name,
    container_name,
    container_image_name,
    container_privileged,
    container_cap_add,
    container_host_namespaces,
    container_mounts,
    container_devices,
    container_volumes,
    container_volumes_from,
    relayed_beside_kernel
FROM docker_cli_runs
UNION ALL
SELECT
    event_uid,
    time,
    device_hostname,
    'daemon' AS seen_by,
    NULL AS process_pid,
    NULL AS process_cmd_line,
    NULL AS auid,
    actor_user_name,
    container_name,
    container_image_name,
    coalesce(container_privileged, false) AS container_privileged,
    -- the API takes "CAP_SYS_ADMIN" and "sys_admin" alike
    list_transform(coalesce(container_cap_add, []), lambda c: regexp_replace(upper(c), '^CAP_', ''))
        AS container_cap_add,
    coalesce(container_host_namespaces, []) AS container_host_namespaces,
    list_transform(coalesce(container_mounts, []), lambda m: host_path(m)) AS container_mounts,
    -- the parser keeps HostConfig.Devices' host paths as a JSON list
    coalesce(from_json(unmapped['devices'], '["VARCHAR"]'), []) AS container_devices,
    coalesce(from_json(unmapped['volumes'], '["VARCHAR"]'), []) AS container_volumes,
    coalesce(from_json(unmapped['volumes_from'], '["VARCHAR"]'), []) AS container_volumes_from,
    false AS relayed_beside_kernel
FROM events
WHERE source_type = 'dockerd'
  AND (
      container_privileged
      OR len(container_mounts) > 0
      OR len(container_cap_add) > 0
      OR len(container_host_namespaces) > 0
      -- a create body (HostConfig gives a list of mounts, empty or not) may pass devices
      OR (container_mounts IS NOT NULL AND unmapped['devices'] IS NOT NULL)
      OR (container_mounts IS NOT NULL AND unmapped['volumes'] IS NOT NULL)
      OR (container_mounts IS NOT NULL AND unmapped['volumes_from'] IS NOT NULL)
  );

-- Symbolic links made on a host with `ln -s`, as its logged execs name them: each link
-- (absolute: a relative one is in the cwd) and the path it points to (a relative
-- target is read from the link's directory, or from the cwd with --relative). docker
-- binds what a link points to, so `ln -s / /tmp/r` then `-v /tmp/r:/host` mounts the
-- host's root. Links other programs make are not seen here.
-- Whether ln's options hold the flag `letter` (alone, or in a cluster before -S or -t,
-- which take the rest as their value) or its long form.
CREATE OR REPLACE MACRO ln_has_flag(flags, letter, long) AS
    len(list_filter(
        flags,
        lambda f: f = long OR starts_with(f, long || '=') OR regexp_matches(f, '^-[bdfFiLnPrsTv]*' || letter)
    )) > 0;

-- A path and each directory above it: `/a/b` gives `/a`, `/a/b`.
CREATE OR REPLACE MACRO path_and_parents(p) AS
    list_transform(
        range(2, len(string_split(p, '/')) + 1),
        lambda i: array_to_string(string_split(p, '/')[1:i], '/')
    );

CREATE OR REPLACE VIEW symbolic_links AS
WITH ln_runs AS (
    SELECT
        event_uid,
        time,
        device_hostname,
        process_cwd,
        -- getopt_long takes long options abbreviated (`--sym`)
        expand_long_options(
            process_args,
            [
                '--backup', '--directory', '--force', '--interactive', '--logical',
                '--no-dereference', '--physical', '--relative', '--suffix', '--symbolic',
                '--target-directory', '--no-target-directory', '--verbose', '--help',
                '--version'
            ]
        ) AS args
    FROM (
        -- the file run is ln, or argv[0] names it (the command line starts with it): each
        -- a filter on one column, which DuckDB runs in the scan (see docker_cli)
        SELECT *
        FROM process_execs
        WHERE process_file_name = 'ln'
        UNION ALL
        SELECT *
        FROM process_execs
        WHERE (starts_with(process_cmd_line, 'ln ') OR contains(process_cmd_line, '/ln '))
          AND process_file_name IS DISTINCT FROM 'ln'
    )
    WHERE program_among(program, process_file_name, ['ln']) IS NOT NULL
      AND status_id IS DISTINCT FROM 2
),
parsed AS (
    SELECT
        *,
        -- `-S SUFFIX` and `-t DIRECTORY` take a value, in a cluster after flags too
        operands(args, '-[bdfFiLnPrsTv]*[St]|--(suffix|target-directory)') AS names,
        option_value(
            args,
            '^(-[bdfFiLnPrsTv]*t|--target-directory)$',
            '^(-[bdfFiLnPrsTv]*t|--target-directory=)(.+)$'
        ) AS directory,
        -- the options before `--`, not the values of -S and -t
        list_filter(
            args[2:coalesce(list_position(args, '--'), len(args) + 1) - 1],
            lambda a, i: starts_with(a, '-')
                AND a <> '-'
                AND NOT regexp_full_match(args[i], '-[bdfFiLnPrsTv]*[St]|--(suffix|target-directory)')
        ) AS flags
    FROM ln_runs
),
links AS (
    SELECT
        event_uid,
        time,
        device_hostname,
        process_cwd,
        ln_has_flag(flags, 'r', '--relative') AS relative,
        -- `-f` with `-n` or `-T`, no `-i` (which asks, and takes no answer as no) and no
        -- option ln refuses: an old link of that name is replaced, not followed into
        -- the directory it points to. Anything else may leave it: both targets count
        ln_has_flag(flags, 'f', '--force')
            AND NOT ln_has_flag(flags, 'i', '--interactive')
            AND (ln_has_flag(flags, 'n', '--no-dereference') OR ln_has_flag(flags, 'T', '--no-target-directory'))
            AND len(list_filter(
                flags,
                lambda f: NOT regexp_full_match(f, '-[bdfFiLnPrsTv]*([St].*)?')
                    AND NOT list_contains(
                        ['--backup', '--directory', '--force', '--interactive', '--logical',
                         '--no-dereference', '--physical', '--relative', '--suffix', '--symbolic',
                         '--target-directory', '--no-target-directory', '--verbose'],
                        split_part(f, '=', 1)
                    )
            )) = 0
            AS replaces,
        unnest(
            CASE
                -- `ln -s -t DIRECTORY TARGET...`, `ln -s TARGET... DIRECTORY`: each link
                -- in the directory, named as its target
                WHEN directory IS NOT NULL THEN list_transform(
                    names, lambda n: {'target': n, 'link': directory || '/' || parse_filename(rtrim(n, '/'))}
                )
                WHEN len(names) > 2 THEN list_transform(
                    names[1:-2], lambda n: {'target': n, 'link': names[-1] || '/' || parse_filename(rtrim(n, '/'))}
                )
                -- `ln -s TARGET`: the link in the cwd
                WHEN len(names) = 1 THEN [{'target': names[1], 'link': parse_filename(rtrim(names[1], '/'))}]
                -- `ln -s TARGET LINK`: LINK, or in LINK if it is a directory (the log
                -- does not say; -T and -n say it is not)
                WHEN len(names) = 2 THEN list_concat(
                    [{'target': names[1], 'link': names[2]}],
                    CASE
                        WHEN ln_has_flag(flags, 'T', '--no-target-directory') OR ln_has_flag(flags, 'n', '--no-dereference')
                            THEN []
                        ELSE [{'target': names[1], 'link': names[2] || '/' || parse_filename(rtrim(names[1], '/'))}]
                    END
                )
                ELSE []
            END
        ) AS made
    FROM parsed
    WHERE ln_has_flag(flags, 's', '--symbolic')
)
SELECT
    event_uid,
    time,
    device_hostname,
    replaces,
    -- as mounts are compared: /var/run is /run
    host_path(link_path) AS link_path,
    clean_path(
        CASE
            WHEN starts_with(made.target, '/') THEN made.target
            WHEN relative THEN process_cwd || '/' || made.target
            ELSE regexp_replace(link_path, '/[^/]*$', '') || '/' || made.target
        END
    ) AS target_path
FROM (
    SELECT
        *,
        clean_path(CASE WHEN starts_with(made.link, '/') THEN made.link ELSE process_cwd || '/' || made.link END)
            AS link_path
    FROM links
    -- a link named as a target with no name (`/`) is not made, nor one named `.` or
    -- `..` (`ln -s /etc/localtime .` makes a link in the cwd, which the other reading has)
    WHERE NOT suffix(made.link, '/')
      AND NOT regexp_matches(made.link, '(^|/)\.\.?$')
      AND (starts_with(made.link, '/') OR process_cwd IS NOT NULL)
      AND (starts_with(made.target, '/') OR process_cwd IS NOT NULL)
);

-- One row per container launch: a docker CLI command and the daemon's record of the
-- create it sent (the closest CLI command on that host in the minute before, of the
-- same image and name, that asked for every privilege, capability, namespace, mount
-- and device the create holds) are merged; daemon records with no such command (API
-- clients, compose, or a command that asked for less) stand alone, with no actor.
-- The merged row holds what both records name, and a launch `--volumes-from` another
-- container also holds that container's mounts (a docker.sock it had mounted).
CREATE OR REPLACE VIEW container_launches AS
WITH RECURSIVE cli AS (
    SELECT * FROM container_starts WHERE seen_by = 'cli'
),
daemon AS (
    SELECT * FROM container_starts WHERE seen_by = 'daemon'
),
twins AS (
    SELECT
        d.event_uid AS daemon_uid,
        c.event_uid AS cli_uid
    FROM (
        -- the minutes (since the epoch) that the window from a minute before the
        -- daemon's record to 5 seconds after it touches, so that the join is on
        -- host and minute rather than on the host alone
        SELECT
            *,
            unnest(range(
                (epoch_us(time) - 60000000) // 60000000,
                (epoch_us(time) + 5000000) // 60000000 + 1
            )) AS minute
        FROM daemon
    ) AS d
    JOIN (
        SELECT
            *,
            epoch_us(time) // 60000000 AS minute
        FROM cli
    ) AS c
        ON c.device_hostname = d.device_hostname
        AND c.minute = d.minute
    WHERE c.time BETWEEN d.time - INTERVAL 1 MINUTE AND d.time + INTERVAL 5 SECOND
      -- the same image: not another user's run of another image (which would put a
      -- privileged API create on that user's harmless command); an exec (no image) pairs
      -- with an exec only
      AND image_ref(c.container_image_name) IS NOT DISTINCT FROM image_ref(d.container_image_name)
      -- and nothing the command did not ask for: another user's API create of the same
      -- image, privileged or with / mounted, is not alice's `docker run --rm alpine`
      AND (c.container_privileged OR NOT coalesce(d.container_privileged, false))
      AND list_has_all(coalesce(c.container_cap_add, []), coalesce(d.container_cap_add, []))
      AND list_has_all(coalesce(c.container_host_namespaces, []), coalesce(d.container_host_namespaces, []))
      AND list_has_all(coalesce(c.container_mounts, []), coalesce(d.container_mounts, []))
      AND list_has_all(coalesce(c.container_devices, []), coalesce(d.container_devices, []))
      AND list_has_all(coalesce(c.container_volumes, []), coalesce(d.container_volumes, []))
      AND list_has_all(coalesce(c.container_volumes_from, []), coalesce(d.container_volumes_from, []))
      AND (c.container_name IS NULL OR d.container_name IS NULL OR c.container_name = d.container_name)
      -- not a relayed record where the kernel's own are in the lake: there it repeats
      -- one of those, or is forged (`logger -t audispd` of a `docker run` that asked
      -- for everything bob's API create holds, to put it on alice)
      AND NOT c.relayed_beside_kernel
    QUALIFY row_number() OVER (PARTITION BY d.event_uid ORDER BY abs(epoch(d.time) - epoch(c.time)), c.event_uid) = 1
),
cli_merged AS (
    SELECT
        c.event_uid,
        c.time AS start_time,
        greatest(c.time, coalesce(max(d.time), c.time)) AS end_time,
        c.device_hostname,
        c.process_pid,
        c.process_cmd_line,
        c.auid,
        c.actor_user_name,
        coalesce(c.container_name, any_value(d.container_name)) AS container_name,
        coalesce(c.container_image_name, any_value(d.container_image_name)) AS container_image_name,
        c.container_privileged OR coalesce(bool_or(d.container_privileged), false) AS container_privileged,
        list_distinct(list_concat(c.container_cap_add, flatten(coalesce(list(d.container_cap_add) FILTER (WHERE d.event_uid IS NOT NULL), []))))
            AS container_cap_add,
        list_distinct(list_concat(c.container_host_namespaces, flatten(coalesce(list(d.container_host_namespaces) FILTER (WHERE d.event_uid IS NOT NULL), []))))
            AS container_host_namespaces,
        list_distinct(list_concat(c.container_mounts, flatten(coalesce(list(d.container_mounts) FILTER (WHERE d.event_uid IS NOT NULL), []))))
            AS container_mounts,
        list_distinct(list_concat(c.container_devices, flatten(coalesce(list(d.container_devices) FILTER (WHERE d.event_uid IS NOT NULL), []))))
            AS container_devices,
        c.container_volumes,
        c.container_volumes_from,
        list_concat([c.event_uid], coalesce(list(d.event_uid ORDER BY d.event_uid) FILTER (WHERE d.event_uid IS NOT NULL), []))
            AS event_uids
    FROM cli AS c
    LEFT JOIN twins AS t
        ON t.cli_uid = c.event_uid
    LEFT JOIN daemon AS d
        ON d.event_uid = t.daemon_uid
    GROUP BY
        c.event_uid,
        c.time,
        c.device_hostname,
        c.process_pid,
        c.process_cmd_line,
        c.auid,
        c.actor_user_name,
        c.container_name,
        c.container_image_name,
        c.container_privileged,
        c.container_cap_add,
        c.container_host_namespaces,
        c.container_mounts,
        c.container_devices,
        c.container_volumes,
        c.container_volumes_from
),
launches AS (
    SELECT * FROM cli_merged
    UNION ALL
    SELECT
        d.event_uid,
        d.time AS start_time,
        d.time AS end_time,
        d.device_hostname,
        d.process_pid,
        d.process_cmd_line,
        d.auid,
        d.actor_user_name,
        d.container_name,
        d.container_image_name,
        d.container_privileged,
        d.container_cap_add,
        d.container_host_namespaces,
        d.container_mounts,
        d.container_devices,
        d.container_volumes,
        d.container_volumes_from,
        [d.event_uid] AS event_uids
    FROM daemon AS d
    -- reported with the CLI command that asked for it
    WHERE d.event_uid NOT IN (SELECT daemon_uid FROM twins)
),
points AS (
    -- every launch, and every daemon create also when there is nothing to flag in it
    -- (which container_starts leaves out): what it mounts itself, the named volumes it
    -- mounts and the containers it takes volumes from. A point with an image can be
    -- taken from (an exec in a container has none, and no mounts of its own)
    SELECT
        event_uid,
        device_hostname,
        start_time,
        container_name,
        container_image_name IS NOT NULL AS has_image,
        container_mounts AS mounts,
        container_volumes AS volumes,
        container_volumes_from AS volumes_from
    FROM launches
    UNION ALL
    SELECT
        event_uid,
        device_hostname,
        time,
        container_name,
        true,
        list_transform(coalesce(container_mounts, []), lambda m: host_path(m)),
        coalesce(from_json(unmapped['volumes'], '["VARCHAR"]'), []),
        coalesce(from_json(unmapped['volumes_from'], '["VARCHAR"]'), [])
    FROM events
    WHERE source_type = 'dockerd'
      AND class_uid = 6003
      AND container_name IS NOT NULL
      AND container_image_name IS NOT NULL
      AND event_uid NOT IN (SELECT event_uid FROM launches)
),
bound AS (
    -- a named volume: the host path its latest definition on the host bound when the
    -- container was made (none if it was made plain or removed since)
    SELECT
        v.event_uid,
        -- not a WHERE on b.device: pushed below the ASOF join, it would make the join
        -- skip the removal and find the bound create before it
        list(b.device) FILTER (WHERE b.device IS NOT NULL) AS devices
    FROM (
        SELECT
            event_uid,
            device_hostname,
            start_time,
            unnest(volumes) AS volume_name
        FROM points
    ) AS v
    ASOF JOIN volume_definitions AS b
        ON b.device_hostname = v.device_hostname
        AND b.volume_name = v.volume_name
        AND b.time <= v.start_time
    GROUP BY v.event_uid
),
own_paths AS (
    -- each point's host paths: its mounts and the paths its named volumes bind
    SELECT
        p.event_uid,
        p.device_hostname,
        p.start_time,
        list_distinct(list_concat(coalesce(p.mounts, []), coalesce(b.devices, []))) AS paths
    FROM points AS p
    LEFT JOIN bound AS b USING (event_uid)
),
link_states AS MATERIALIZED (
    -- what each link may reach after each ln of its name: the target it was made with
    -- and the 7 latest since. A later `ln -sfn` (or -sfT) replaces a link; any other
    -- later ln of that name may leave it (ln makes the new link inside the directory it
    -- points to, or fails), so its targets since the last replacement count. Bounded:
    -- each ln is an exec any user can log
    SELECT
        device_hostname,
        link_path,
        time,
        list_concat([first(target_path) OVER made], list(target_path) OVER latest) AS targets,
        list_concat([first(event_uid) OVER made], list(event_uid) OVER latest) AS link_uids
    FROM (
        SELECT
            *,
            max(CASE WHEN replaces THEN time END) OVER (
                PARTITION BY device_hostname, link_path
                ORDER BY time, event_uid
                ROWS UNBOUNDED PRECEDING
            ) AS made_at
        FROM symbolic_links
    )
    WINDOW
        made AS (
            PARTITION BY device_hostname, link_path, made_at
            ORDER BY time, event_uid
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ),
        latest AS (
            PARTITION BY device_hostname, link_path, made_at
            ORDER BY time, event_uid
            ROWS 6 PRECEDING
        )
),
linked AS (
    -- a path through a symbolic link made on the host before: where the link may point
    -- then (link_states), and the execs that made it so
    SELECT
        o.event_uid,
        list_distinct(flatten(list(list_transform(
            k.targets,
            lambda t: host_path(clean_path(t || '/' || substr(o.path, length(k.link_path) + 1)))
        )))) AS targets,
        list_distinct(flatten(list(k.link_uids))) AS link_uids
    FROM (
        -- each mount path with each directory above it, so that the join on links is on
        -- equal paths (`/a/b/c`: `/a`, `/a/b` and `/a/b/c`)...
        SELECT *
        FROM (
            SELECT
                event_uid,
                device_hostname,
                start_time,
                path,
                unnest(path_and_parents(path)) AS prefix
            FROM (
                SELECT
                    event_uid,
                    device_hostname,
                    start_time,
                    unnest(paths) AS path
                FROM own_paths
            )
        )
        -- ...where a link was made (most launches mount none): the ASOF join below
        -- would sort every one
        WHERE (device_hostname, prefix) IN (SELECT device_hostname, link_path FROM link_states)
    ) AS o
    ASOF JOIN link_states AS k
        ON k.device_hostname = o.device_hostname
        AND k.link_path = o.prefix
        AND k.time <= o.start_time
    GROUP BY o.event_uid
),
own AS (
    SELECT
        p.event_uid,
        list_distinct(list_concat(p.paths, coalesce(l.targets, []))) AS mounts
    FROM own_paths AS p
    LEFT JOIN linked AS l USING (event_uid)
),
taken_from AS (
    -- `--volumes-from agent`: agent's latest launch on the host before
    SELECT
        v.event_uid,
        s.event_uid AS source_uid
    FROM (
        SELECT
            event_uid,
            device_hostname,
            start_time,
            unnest(volumes_from) AS source_name
        FROM points
    ) AS v
    ASOF JOIN (SELECT * FROM points WHERE has_image) AS s
        ON s.device_hostname = v.device_hostname
        AND s.container_name = v.source_name
        AND s.start_time <= v.start_time
),
sources AS (
    -- and the containers that agent took volumes from in turn (docker copies them into
    -- its own), 8 deep: a chain is an exec per link, which any user can log (docker
    -- refusing them does not stop auditd recording them), and every link of a chain
    -- followed to its end would cost its length squared
    SELECT event_uid, source_uid, 1 AS depth FROM taken_from
    UNION
    SELECT s.event_uid, t.source_uid, s.depth + 1
    FROM sources AS s
    JOIN taken_from AS t
        ON t.event_uid = s.source_uid
    WHERE s.depth < 8
),
shared AS (
    SELECT
        event_uid,
        list_distinct(flatten(list(mounts))) AS mounts
    FROM (
        SELECT s.event_uid, o.mounts
        FROM sources AS s
        JOIN own AS o
            ON o.event_uid = s.source_uid
        UNION ALL
        SELECT event_uid, devices
        FROM bound
        UNION ALL
        SELECT event_uid, targets
        FROM linked
    )
    GROUP BY event_uid
)
SELECT
    l.* REPLACE (
        CASE
            WHEN v.mounts IS NULL THEN l.container_mounts
            ELSE list_distinct(list_concat(l.container_mounts, v.mounts))
        END AS container_mounts,
        -- the links it mounted through are part of the story
        CASE
            WHEN k.link_uids IS NULL THEN l.event_uids
            ELSE list_concat(l.event_uids, k.link_uids)
        END AS event_uids
    )
FROM launches AS l
LEFT JOIN shared AS v USING (event_uid)
LEFT JOIN linked AS k USING (event_uid);
