-- id = "docker.group_change"
-- title = "docker group membership changed for a user outside the policy"
-- description = """
-- Members of the docker group can use the Docker socket, which is root on the host. A
-- user added to (or removed from) `docker` who is not in [docker]
-- allowed_group_members, from usermod/gpasswd/adduser/groupmod records in syslog or
-- auditd and from their command lines (`-G`, `-g` (the primary group), `gpasswd -a/-M`,
-- `groupmod -U`; a group given by number, `-G 999`, is named as the host's logs name
-- its id; a group created with docker's id, `groupadd -o -g 999 dockr`, counts as
-- docker; one change seen several ways is one finding); and /etc/group, /etc/gshadow or
-- /etc/passwd (a primary group) edited by anything but the account tools. The actor is
-- the login user.
-- """
-- status = "stable"
-- level = "high"
-- tags = ["attack.persistence", "attack.privilege_escalation", "attack.t1098", "attack.t1078.003"]
-- falsepositives = ["Onboarding of an administrator before the policy lists them"]
-- references = ["https://docs.docker.com/engine/install/linux-postinstall/"]
--
-- [[tests]]
-- name = "sudo usermod -aG docker bob"
-- logs = "tests/bob_joins_docker_group"
-- policy = "tests/policy.toml"
-- count = 1
-- [[tests.expect]]
-- device_hostname = "web-2"
-- user_name = "bob"
-- group_name = "docker"
-- actor_user_name = "bob"
-- event_count = 6
--
-- [[tests]]
-- name = "alice is added to the docker group"
-- logs = "tests/alice_joins_docker_group"
-- policy = "tests/policy.toml"
-- count = 0
WITH docker_changes AS (
    SELECT
        event_uid,
        time,
        device_hostname,
        process_cmd_line,
        auid,
        actor_user_name,
        user_name,
        group_name,
        change
    FROM group_changes AS g
    WHERE time >= $since
      AND time < $until
      -- docker, or a group created with its id
      AND (
          group_name = 'docker'
          OR EXISTS (
              SELECT 1
              FROM docker_group_aliases AS a
              WHERE a.device_hostname = g.device_hostname
                AND a.group_name = g.group_name
                AND g.time >= a.since
                AND (a.until IS NULL OR g.time < a.until)
          )
      )
      AND user_name NOT IN (SELECT user_name FROM policy_group_members)
),
grouped AS (
    -- the command, its syslog lines and its audit records name one change
    SELECT
        *,
        sum(starts_change) OVER (
            PARTITION BY device_hostname, user_name
            ORDER BY time, event_uid
            ROWS UNBOUNDED PRECEDING
        ) AS change_id
    FROM (
        SELECT
            *,
            CASE
                -- not `time - lag(time) <= ...`: TIMESTAMPTZ minus TIMESTAMPTZ goes through
                -- ICU's calendar and costs microseconds per row
                WHEN lag(time) OVER (
                    PARTITION BY device_hostname, user_name
                    ORDER BY time, event_uid
                ) >= time - INTERVAL 1 MINUTE THEN 0
                ELSE 1
            END AS starts_change
        FROM docker_changes
    )
),
membership_findings AS (
    SELECT
        g.device_hostname,
        min(g.time) AS start_time,
        max(g.time) AS end_time,
        -- min()/arg_min(), not any_value(): a finding's identity includes its actor, so
        -- the same evidence must name the same actor on every run. The login uid's name
        -- first: gpasswd's own line names the effective user (`added by root` under sudo)
        coalesce(min(n.user_name), min(g.actor_user_name)) AS actor_user_name,
        min(g.auid) AS actor_user_uid,
        g.user_name,
        arg_min(g.process_cmd_line, g.time) AS process_cmd_line,
        NULL AS file_path,
        'docker' AS group_name,
        g.user_name || ' ' || CASE WHEN bool_and(g.change = 'remove') THEN 'removed from' ELSE 'added to' END
            || ' the docker group'
            || coalesce(' (as ' || max(g.group_name) FILTER (WHERE g.group_name <> 'docker') || ', which has its id)', '')
            || ', not in allowed_group_members' AS message,
        list(DISTINCT g.event_uid ORDER BY g.event_uid) AS event_uids
    FROM grouped AS g
    LEFT JOIN audit_user_names AS n
        ON n.device_hostname = g.device_hostname
        AND n.auid = g.auid
    GROUP BY g.device_hostname, g.user_name, g.change_id
),
group_file_edits AS (
    SELECT
        c.device_hostname,
        c.time AS start_time,
        c.time AS end_time,
        coalesce(c.actor_user_name, n.user_name) AS actor_user_name,
        c.auid AS actor_user_uid,
        NULL AS user_name,
        c.process_cmd_line,
        c.file_path,
        'docker' AS group_name,
        c.change || ' of ' || c.file_path || ' by ' || coalesce(c.process_file_path, '?')
            || ' outside the account tools' AS message,
        [c.event_uid] AS event_uids
    -- the changes of the events that name these files, tested in the scan
    -- /etc/passwd too: a user's primary group (its fourth field) may be docker's id
    FROM file_changes_of(['/etc/group', '/etc/gshadow', '/etc/passwd']) AS c
    LEFT JOIN audit_user_names AS n
        ON n.device_hostname = c.device_hostname
        AND n.auid = c.auid
    WHERE c.time >= $since
      AND c.time < $until
      AND c.file_path IN ('/etc/group', '/etc/gshadow', '/etc/passwd')
      -- the account tools rewrite these files for every change; their own records
      -- (above) say which group and user changed. Only the installed ones: a copy of
      -- python at /tmp/gpasswd is no account tool
      AND NOT regexp_full_match(
          coalesce(c.process_file_path, ''),
          '/(usr/)?(local/)?s?bin/(usermod|useradd|userdel|groupadd|groupdel|groupmod|gpasswd|chgpasswd|newusers|grpconv|grpunconv|pwconv|pwunconv|chsh|chfn|passwd|systemd-sysusers)'
      )
)
SELECT * FROM membership_findings
UNION ALL
SELECT * FROM group_file_edits
