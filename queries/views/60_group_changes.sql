-- Group membership changes: one row per (user, group) changed, from the account
-- tools' own records (syslog `usermod[..]: add 'bob' to group 'docker'`, auditd
-- USER_MGMT/GRP_MGMT) and from their command lines (auditd EXECVE of usermod, gpasswd,
-- adduser, deluser, useradd, groupmod). `change` is add, remove or set (usermod -G without -a
-- replaces the list: the user ends up in each group named).
-- Whether a command line names an account tool that changes group members.
CREATE OR REPLACE MACRO names_account_tool(cmd) AS
    contains(cmd, 'usermod')
    OR contains(cmd, 'gpasswd')
    OR contains(cmd, 'adduser')
    OR contains(cmd, 'deluser')
    OR contains(cmd, 'useradd')
    OR contains(cmd, 'groupmod');

CREATE OR REPLACE VIEW group_changes AS
WITH tool_execs AS (
    SELECT
        event_uid,
        time,
        device_hostname,
        process_cmd_line,
        auid,
        actor_user_name,
        program_among(program, process_file_name, ['usermod', 'gpasswd', 'adduser', 'deluser', 'useradd', 'groupmod']) AS program,
        process_args AS args,
        len(process_args) AS n
    FROM (
        SELECT *
        FROM process_execs
        -- cheap on every exec: the command line names the tool...
        WHERE names_account_tool(process_cmd_line)
        UNION ALL
        -- ...or, argv[0] renamed, only the file run does (a filter of its own: see
        -- process_execs; the other leaves out what the first selects, both in the scan).
        -- Not list_contains(): DuckDB makes a list of five or more names a join, read
        -- after the scan
        SELECT *
        FROM process_execs
        WHERE (
            suffix(process_file_path, '/usermod')
            OR suffix(process_file_path, '/gpasswd')
            OR suffix(process_file_path, '/adduser')
            OR suffix(process_file_path, '/deluser')
            OR suffix(process_file_path, '/useradd')
            OR suffix(process_file_path, '/groupmod')
        )
          AND NOT names_account_tool(process_cmd_line)
    )
    -- a failed exec changed nothing
    WHERE coalesce(status_id, 1) <> 2
      AND program_among(program, process_file_name, ['usermod', 'gpasswd', 'adduser', 'deluser', 'useradd', 'groupmod']) IS NOT NULL
),
parsed AS (
    -- the columns of tool_execs, with the users, groups and change its argv names
    SELECT
        * EXCLUDE (program, args, n),
        CASE
            WHEN program IN ('usermod', 'useradd') THEN [args[n]]
            WHEN program = 'gpasswd' AND args[n - 2] IN ('-a', '--add', '-d', '--delete') THEN [args[n - 1]]
            WHEN program = 'gpasswd' AND args[n - 2] IN ('-M', '--members') THEN string_split(args[n - 1], ',')
            WHEN program IN ('adduser', 'deluser') AND len(list_filter(args[2:], lambda a: NOT starts_with(a, '-'))) = 2
                THEN [list_filter(args[2:], lambda a: NOT starts_with(a, '-'))[1]]
            -- groupmod -U eve,bob docker, -aU eve docker, --users=eve (shadow 4.13+)
            WHEN program = 'groupmod' THEN string_split(option_value(args, '^(-[a-zA-Z]*U|--users)$', '^(-[a-zA-Z]*U|--users=)(.+)$'), ',')
        END AS users,
        CASE
            WHEN program IN ('usermod', 'useradd') THEN list_concat(
                -- -G docker,sudo (-aG, -Gdocker, --groups=docker)
                string_split(option_value(args, '^(-[a-zA-Z]*G|--groups)$', '^(-[a-zA-Z]*G|--groups=)(.+)$'), ','),
                -- the primary group (-g docker, --gid=docker): its members have its rights
                -- as much as the listed ones
                list_filter([option_value(args, '^(-[a-zA-Z]*g|--gid)$', '^(-[a-zA-Z]*g|--gid=)(.+)$')], lambda g: g IS NOT NULL)
            )
            WHEN program IN ('gpasswd', 'adduser', 'deluser', 'groupmod') THEN [args[n]]
        END AS groups,
        CASE
            WHEN program IN ('deluser') THEN 'remove'
            WHEN program = 'gpasswd' AND args[n - 2] IN ('-d', '--delete') THEN 'remove'
            WHEN program = 'gpasswd' AND args[n - 2] IN ('-M', '--members') THEN 'set'
            WHEN program = 'usermod' AND list_has_any(args, ['-r', '--remove']) THEN 'remove'
            WHEN program IN ('usermod', 'groupmod') AND NOT len(list_filter(args, lambda a: regexp_matches(a, '^(-[a-zA-Z]*a[a-zA-Z]*|--append)$'))) > 0 THEN 'set'
            ELSE 'add'
        END AS change
    FROM tool_execs
),
from_commands AS (
    SELECT
        event_uid,
        time,
        device_hostname,
        'command' AS seen_by,
        process_cmd_line,
        auid,
        actor_user_name,
        unnest(users) AS user_name,
        group_name,
        change
    FROM (SELECT *, unnest(groups) AS group_name FROM parsed WHERE users IS NOT NULL AND groups IS NOT NULL)
),
from_records AS (
    SELECT
        event_uid,
        time,
        device_hostname,
        'record' AS seen_by,
        process_cmd_line,
        login_uid(actor_user_uid, process_auid) AS auid,
        actor_user_name,
        -- gpasswd -M's record names the whole new member list
        unnest(
            CASE WHEN activity_name = 'Set Group Members' THEN string_split(user_name, ',') ELSE [user_name] END
        ) AS user_name,
        group_name,
        CASE
            WHEN activity_name = 'Set Group Members' THEN 'set'
            WHEN regexp_matches(lower(coalesce(activity_name, message, '')), 'remov|delet') THEN 'remove'
            ELSE 'add'
        END AS change
    FROM events
    -- IN, not list_contains(): parts are sorted by class, and DuckDB skips the row
    -- groups of other classes by their min/max
    WHERE class_uid IN (3001, 3005)
      AND group_name IS NOT NULL
      -- groupadd/groupdel records name the group alone (no user): no member changed. A
      -- user named like the group (`useradd -G docker docker`) is a member change all
      -- the same
      AND user_name IS NOT NULL
)
SELECT * FROM from_commands
-- `gpasswd -M '' docker` empties the group: no one named was added
WHERE user_name <> ''
UNION ALL
SELECT * FROM from_records
WHERE user_name <> '';
