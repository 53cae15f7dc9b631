-- id = "audit.tampering"
-- title = "Auditing tampered with: rules removed, auditd stopped, events lost"
-- description = """
-- Audit rules deleted or auditing switched off (CONFIG_CHANGE op=remove_rule or
-- audit_enabled=0; auditctl -D, -d, -W, -e 0), a suppression rule added (auditctl -a
-- never,... or exclude,...; CONFIG_CHANGE of a rule on the exclude list), the audit
-- daemon stopped, disabled or killed (DAEMON_END, DAEMON_ABORT, SERVICE_STOP
-- unit=auditd; systemctl/service stop, disable, mask or kill of auditd, unit globs
-- included; pkill/killall auditd by name, pattern or pid file, which SIGKILL leaves
-- unrecorded; systemd's "auditd.service: Main process exited, code=killed"), a
-- process's login uid changed once set (a LOGIN record with old-auid set: root writing
-- /proc/self/loginuid to act under another user's name), or audit events lost
-- (kernel "audit: backlog limit exceeded", "audit_backlog=N > audit_backlog_limit",
-- "audit_lost=N"). Everything on one host within ten minutes of the previous sign is one
-- finding: `auditctl -D` alone writes a CONFIG_CHANGE per rule it removes.
-- """
-- status = "stable"
-- level = "critical"
-- tags = ["attack.defense_evasion", "attack.t1562", "attack.t1562.012", "attack.t1562.001"]
-- falsepositives = ["Planned auditd restarts and rule reloads (augenrules --load removes rules first)", "Host shutdown stops auditd"]
-- references = ["https://attack.mitre.org/techniques/T1562/012/", "https://man7.org/linux/man-pages/man8/auditctl.8.html"]
--
-- [[tests]]
-- name = "auditctl -D then systemctl stop auditd"
-- logs = "tests/bob_stops_auditing"
-- policy = "tests/policy.toml"
-- count = 1
-- [[tests.expect]]
-- device_hostname = "web-2"
-- actor_user_name = "bob"
-- process_cmd_line = "auditctl -D"
-- start_time = "2026-11-27T02:31:10.132Z"
-- end_time = "2026-11-27T02:31:41.402Z"
-- event_count = 9
--
-- [[tests]]
-- name = "the kernel drops audit events"
-- logs = "tests/audit_events_lost"
-- policy = "tests/policy.toml"
-- count = 1
-- [[tests.expect]]
-- device_hostname = "db-1"
-- message = "audit events lost (audit_lost=1); audit events lost (audit_lost=57); audit events lost (backlog limit exceeded)"
-- event_count = 4
--
-- [[tests]]
-- name = "auditd starts at boot and loads its rules"
-- logs = "tests/auditd_boot"
-- policy = "tests/policy.toml"
-- count = 0
WITH audit_records AS (
    SELECT
        event_uid,
        time,
        device_hostname,
        set_login_uid(auid) AS auid,
        relayed_audit(source_file_id) AS relayed,
        CASE
            WHEN type = 'CONFIG_CHANGE' AND op = 'remove_rule' THEN 'audit rule removed'
            WHEN type = 'CONFIG_CHANGE' AND fields['audit_enabled'] = '0' THEN 'auditing disabled'
            -- a rule on the exclude list (5) drops records of a type, whoever loads it
            -- (`auditctl -R file`, augenrules)
            WHEN type = 'CONFIG_CHANGE' AND op = 'add_rule' AND fields['list'] = '5'
                THEN 'audit exclude rule added'
            WHEN type IN ('DAEMON_END', 'DAEMON_ABORT') THEN 'audit daemon stopped'
            WHEN type = 'SERVICE_STOP'
                AND fields['unit'] IN ('auditd', 'auditd.service') THEN 'auditd service stopped'
        END AS sign
    FROM auditd_records
    WHERE time >= $since
      AND time < $until
      -- IN, not list_contains(): parts are sorted by record type, and DuckDB skips the
      -- row groups that hold none of these types by their min/max, so `fields` (a map,
      -- slow to read) is read for these few records only
      AND type IN ('CONFIG_CHANGE', 'DAEMON_END', 'DAEMON_ABORT', 'SERVICE_STOP')
),
rewrites AS (
    -- who acted is the login uid that was rewritten, or the first of a chain of rewrites
    SELECT
        event_uid,
        time,
        device_hostname,
        writer_auid AS auid,
        'login uid rewritten (' || old_auid || ' to ' || coalesce(new_auid::VARCHAR, 'unset') || ')'
            AS sign,
        relayed_audit(source_file_id) AS relayed
    FROM login_uid_writers
    WHERE time >= $since
      AND time < $until
),
commands AS (
    SELECT
        event_uid,
        time,
        device_hostname,
        auid,
        actor_user_name,
        process_pid,
        process_cmd_line,
        source_type <> 'auditd' OR relayed_audit(source_file_id) AS told,
        CASE
            WHEN tool = 'auditctl'
                AND list_has_any(process_args, ['-D', '-d', '-W']) THEN 'audit rules deleted by auditctl'
            WHEN tool = 'auditctl'
                AND len(list_filter(process_args, lambda a, i: (a = '-e' AND process_args[i + 1] = '0') OR a = '-e0')) > 0
                THEN 'auditing disabled by auditctl'
            -- a rule that stops auditing: `-a never,exit ...` for someone (or everyone),
            -- `-a exclude,always -F msgtype=...` for a record type
            WHEN tool = 'auditctl'
                AND len(list_filter(
                    process_args,
                    lambda a, i: (
                        a IN ('-a', '-A')
                        AND regexp_matches(coalesce(process_args[i + 1], ''), '(^|,)(never|exclude)(,|$)')
                    )
                        -- the value attached: -anever,exit
                        OR regexp_matches(a, '^-[aA](.*,)?(never|exclude)(,|$)')
                )) > 0
                THEN 'audit suppression rule added by auditctl'
            -- systemctl takes unit globs (`systemctl kill 'audit*'`)
            WHEN tool IN ('systemctl', 'service')
                AND list_has_any(process_args, ['stop', 'disable', 'mask', 'kill'])
                AND len(list_filter(
                    process_args[2:],
                    lambda a: a IN ('auditd', 'auditd.service')
                        OR (tool = 'systemctl' AND ('auditd.service' GLOB a OR 'auditd' GLOB a))
                )) > 0
                -- `systemctl kill -s HUP auditd` reloads it
                AND NOT (list_contains(process_args, 'kill') AND names_benign_signal(process_args))
                THEN 'auditd stopped by ' || tool
            -- SIGKILL leaves no DAEMON_END. pkill takes a regular expression (`pkill audit`,
            -- `pkill '^auditd'` kill auditd too; -x: the whole name; -i: any case) or a pid
            -- file (-F), killall a name or with -r a regular expression (an invalid one
            -- matches nothing: try()); HUP, USR1, USR2 and 0 reload, rotate or probe: no stop
            WHEN tool IN ('pkill', 'killall')
                AND (
                    len(list_filter(
                        process_args[2:],
                        lambda a: NOT starts_with(a, '-')
                            AND (
                                a IN ('auditd', 'auditd.service')
                                OR (ignore_case AND lower(a) IN ('auditd', 'auditd.service'))
                                OR (
                                    (tool = 'pkill' OR list_has_any(process_args, ['-r', '--regexp']))
                                    AND length(a) >= 3
                                    AND coalesce(
                                        try(regexp_matches(
                                            'auditd',
                                            CASE WHEN ignore_case THEN '(?i)' ELSE '' END
                                                || CASE WHEN tool = 'pkill' AND len(list_filter(process_args, lambda o: regexp_full_match(o, '-[a-zA-Z]*x[a-zA-Z]*|--exact'))) > 0
                                                    THEN '^(' || a || ')$' ELSE a END
                                        )),
                                        false
                                    )
                                )
                            )
                    )) > 0
                    OR (
                        tool = 'pkill'
                        AND contains(option_value(process_args, '^(-F|--pidfile)$', '^(-F|--pidfile=)(.+)$'), 'audit')
                    )
                )
                AND NOT names_benign_signal(process_args)
                THEN 'auditd killed by ' || tool
        END AS sign
    FROM (
        SELECT
            *,
            program_among(
                program, process_file_name, ['auditctl', 'systemctl', 'service', 'pkill', 'killall']
            ) AS tool,
            -- pkill -i (also in a cluster: -ix), killall -I
            len(list_filter(
                process_args,
                lambda o: regexp_full_match(o, '--ignore-case')
                    OR (tool = 'pkill' AND regexp_full_match(o, '-[a-zA-Z]*i[a-zA-Z]*'))
                    OR (tool = 'killall' AND regexp_full_match(o, '-[a-zA-Z]*I[a-zA-Z]*'))
            )) > 0 AS ignore_case
        FROM (
            -- cheap on every exec: auditctl, or a command naming auditd...
            SELECT *
            FROM process_execs
            WHERE time >= $since
              AND time < $until
              AND contains(process_cmd_line, 'audit')
            UNION ALL
            -- ...or auditctl run with argv[0] renamed, or a kill or systemctl whose
            -- pattern or glob names auditd without the word (`pkill 'a.ditd'`,
            -- `systemctl stop 'a*d'`): only the file run names it (a filter on one
            -- column: see process_execs; the other leaves out what the first selects,
            -- both in the scan)
            SELECT *
            FROM process_execs
            WHERE time >= $since
              AND time < $until
              AND process_file_name IN ('auditctl', 'pkill', 'killall', 'systemctl')
              AND NOT contains(process_cmd_line, 'audit')
        )
    )
    WHERE tool IS NOT NULL
),
system_messages AS (
    SELECT
        event_uid,
        time,
        device_hostname,
        CASE
            WHEN contains(message, 'backlog limit exceeded')
                OR regexp_matches(message, 'audit_backlog=[0-9]+ > audit_backlog_limit')
                THEN 'audit events lost (backlog limit exceeded)'
            WHEN regexp_matches(message, 'audit_lost=[1-9]') THEN 'audit events lost (' || regexp_extract(message, 'audit_lost=[0-9]+') || ')'
            WHEN contains(message, 'rate limit exceeded') THEN 'audit events lost (rate limit exceeded)'
            WHEN contains(message, 'hold queue overflow') THEN 'audit events lost (kauditd hold queue overflow)'
            -- `kill -9` of auditd's pid: only systemd says so
            WHEN app_name = 'systemd'
                AND regexp_matches(message, '^auditd\.service: Main process exited, code=(killed|dumped)')
                THEN 'auditd killed (' || regexp_extract(message, 'status=[^ ,]+') || ')'
        END AS sign
    FROM events
    WHERE time >= $since
      AND time < $until
      -- IN, not list_contains(): DuckDB skips the parts of other sources by their min/max
      AND source_type IN ('syslog', 'journald')
      AND app_name IN ('kernel', 'systemd')
      AND contains(message, 'audit')
),
signs AS (
    -- `told`: the actor and command are what a log line says of itself (a sudo line in
    -- syslog, or an audit record relayed through it: any local user can write those),
    -- not what the kernel recorded
    SELECT event_uid, time, device_hostname, auid, NULL AS actor_user_name, NULL AS process_pid, NULL AS process_cmd_line, relayed AS told, sign
    FROM audit_records
    WHERE sign IS NOT NULL
    UNION ALL
    SELECT event_uid, time, device_hostname, auid, NULL, NULL, NULL, relayed, sign
    FROM rewrites
    UNION ALL
    SELECT event_uid, time, device_hostname, auid, actor_user_name, process_pid, process_cmd_line, told, sign
    FROM commands
    WHERE sign IS NOT NULL
    UNION ALL
    SELECT event_uid, time, device_hostname, NULL, NULL, NULL, NULL, true, sign
    FROM system_messages
    WHERE sign IS NOT NULL
),
incidents AS (
    SELECT
        *,
        sum(starts_incident) OVER (
            PARTITION BY device_hostname
            ORDER BY time, event_uid
            ROWS UNBOUNDED PRECEDING
        ) AS incident
    FROM (
        SELECT
            *,
            CASE
                -- not `time - lag(time) <= ...`: TIMESTAMPTZ minus TIMESTAMPTZ goes through
                -- ICU's calendar and costs microseconds per row
                WHEN lag(time) OVER (PARTITION BY device_hostname ORDER BY time, event_uid)
                    >= time - INTERVAL 10 MINUTE THEN 0
                ELSE 1
            END AS starts_incident
        FROM signs
    )
),
reported AS (
    SELECT
        i.device_hostname,
        min(i.time) AS start_time,
        max(i.time) AS end_time,
        -- the first the kernel recorded, else the first a line told: a line forged in
        -- another user's name just before the real command does not take its place. Name
        -- and uid from one sign, so that a forged name never stands beside the kernel's uid
        arg_min(
            {'name': coalesce(i.actor_user_name, n.user_name), 'uid': i.auid},
            (i.told, i.time)
        ) FILTER (WHERE coalesce(i.actor_user_name, n.user_name) IS NOT NULL OR i.auid IS NOT NULL)
            AS actor,
        arg_min(i.process_pid, (i.told, i.time)) FILTER (WHERE i.process_cmd_line IS NOT NULL) AS process_pid,
        arg_min(i.process_cmd_line, (i.told, i.time)) FILTER (WHERE i.process_cmd_line IS NOT NULL) AS process_cmd_line,
        string_agg(DISTINCT i.sign, '; ' ORDER BY i.sign) AS message,
        list(DISTINCT i.event_uid ORDER BY i.event_uid) AS event_uids
    FROM incidents AS i
    LEFT JOIN audit_user_names AS n
        ON n.device_hostname = i.device_hostname
        AND n.auid = i.auid
    GROUP BY i.device_hostname, i.incident
)
SELECT
    * EXCLUDE (actor),
    actor.name AS actor_user_name,
    actor.uid AS actor_user_uid
FROM reported
