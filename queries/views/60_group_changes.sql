-- Group membership changes: one row per (user, group) changed, from the account
-- tools' own records (syslog `usermod[..]: add 'bob' to group 'docker'`, auditd
-- USER_MGMT/GRP_MGMT) and from their command lines (auditd EXECVE of usermod, gpasswd,
-- adduser, deluser, useradd, groupmod). `change` is add, remove or set (usermod -G without -a
-- replaces the list: the user ends up in each group named). A group that usermod or
-- useradd is given by number is named as the host's logs name its id (group_ids_named),
-- or stays a number.
-- Whether a command line names an account tool that changes group members.
CREATE OR REPLACE MACRO names_account_tool(cmd) AS
    contains(cmd, 'usermod')
    OR contains(cmd, 'gpasswd')
    OR contains(cmd, 'adduser')
    OR contains(cmd, 'deluser')
    OR contains(cmd, 'useradd')
    OR contains(cmd, 'groupmod');

-- Groups created and deleted, with their ids: groupadd's syslog line (`new group:
-- name=docker, GID=999`) and its ADD_GROUP audit record (`id=999 grp="docker"`),
-- groupdel's line and its DEL_GROUP record. `change` is create or delete.
CREATE OR REPLACE VIEW group_lifecycle AS
SELECT
    device_hostname,
    time,
    TRY_CAST(coalesce(unmapped['gid'], unmapped['id']) AS BIGINT) AS gid,
    group_name,
    CASE WHEN activity_name = 'Delete Group' OR audit_type = 'DEL_GROUP' THEN 'delete' ELSE 'create' END
        AS change,
    -- readers leave out relayed audit records beside the kernel's (relayed_beside_kernel:
    -- a forged `audispd: type=DEL_GROUP ... grp="docker"` must not end the kernel's
    -- docker), after their joins: that filter here made DuckDB read every PATH and
    -- SYSCALL record's map in group_ids_named (group_change 0.8 -> 2 s at 20M events)
    source_type,
    source_file_id
FROM events
WHERE class_uid = 3001
  AND group_name IS NOT NULL
  AND (activity_name IN ('Create Group', 'Delete Group') OR audit_type IN ('ADD_GROUP', 'DEL_GROUP'));

-- Other names of the docker group on a host: a group created with docker's id while
-- docker held it (`groupadd -o -g 999 dockr`), whose members have docker's rights from
-- its creation (`since`) until it or docker is deleted (`until`, NULL: not deleted).
-- Not a group given the id of a docker deleted before.
CREATE OR REPLACE VIEW docker_group_aliases AS
WITH lifecycle AS MATERIALIZED (
    -- read once: it reads every account change's `unmapped` map
    SELECT *
    FROM group_lifecycle
    WHERE NOT (source_type = 'auditd' AND relayed_beside_kernel(source_file_id, device_hostname))
)
SELECT
    a.device_hostname,
    a.group_name,
    a.time AS since,
    min(x.time) AS until
FROM lifecycle AS a
JOIN lifecycle AS d
    ON d.device_hostname = a.device_hostname
    AND d.gid = a.gid
    AND d.group_name = 'docker'
    AND d.change = 'create'
    AND d.time <= a.time
LEFT JOIN lifecycle AS x
    ON x.device_hostname = a.device_hostname
    AND x.change = 'delete'
    AND x.group_name IN (a.group_name, 'docker')
    AND x.time >= a.time
WHERE a.change = 'create'
  AND a.group_name <> 'docker'
  AND NOT EXISTS (
      SELECT 1
      FROM lifecycle AS y
      WHERE y.device_hostname = a.device_hostname
        AND y.group_name = 'docker'
        AND y.change = 'delete'
        AND y.time BETWEEN d.time AND a.time
  )
GROUP BY a.device_hostname, a.group_name, a.time;

-- The name of each group id in `wanted` (a list of {device_hostname, gid, time}) on its
-- host at that time, as the logs name it: the group's creation (group_lifecycle), and
-- ENRICHED audit records, which write the name beside each id (PATH ogid/OGID, SYSCALL
-- gid/GID and egid/EGID). The latest name seen by then wins (a gid deleted and given to
-- another group), else the first seen after. Only the records of the ids wanted are read.
CREATE OR REPLACE MACRO group_ids_named(wanted) AS TABLE
WITH wanted_ids AS (
    SELECT
        w.device_hostname,
        w.gid,
        w.time
    FROM (SELECT unnest(wanted) AS w)
),
seen AS (
    SELECT device_hostname, time, gid, group_name, source_type, source_file_id
    FROM group_lifecycle
    WHERE change = 'create'
    UNION ALL
    SELECT
        r.device_hostname,
        r.time,
        unnest([r.ogid, r.gid, r.egid]) AS gid,
        unnest([r.enriched['OGID'], r.enriched['GID'], r.enriched['EGID']]) AS group_name,
        'auditd' AS source_type,
        r.source_file_id
    FROM auditd_records AS r
    WHERE r.type IN ('PATH', 'SYSCALL')
      AND (r.ogid IN (SELECT gid FROM wanted_ids)
           OR r.gid IN (SELECT gid FROM wanted_ids)
           OR r.egid IN (SELECT gid FROM wanted_ids))
)
SELECT
    w.device_hostname,
    w.gid,
    w.time,
    coalesce(
        arg_max(s.group_name, s.time) FILTER (WHERE s.time <= w.time),
        arg_min(s.group_name, s.time)
    ) AS group_name
FROM wanted_ids AS w
JOIN seen AS s
    ON s.device_hostname = w.device_hostname
    AND s.gid = w.gid
-- an interpretation that failed is the number again, or unknown
WHERE s.group_name IS NOT NULL
  AND s.group_name <> s.gid::VARCHAR
  AND s.group_name NOT IN ('unknown', '?')
  -- a forged `audispd: type=ADD_GROUP ... id=999 grp="devs"` names no kernel gid
  AND NOT (s.source_type = 'auditd' AND relayed_beside_kernel(s.source_file_id, s.device_hostname))
GROUP BY w.device_hostname, w.gid, w.time;

-- The options of an account tool that take the next word as their value (`-c x`,
-- `--home x`, a short cluster ending in such a letter: `-aG docker`), per the shadow
-- and adduser manuals; `--opt=value` and `-Gdocker` hold their value.
CREATE OR REPLACE MACRO account_option_takes_value(program) AS
    CASE program
        WHEN 'usermod' THEN '-[abhLmorU]*[cdefgGlpPRsuvVwWZ]|--(comment|home|expiredate|inactive|gid|groups|login|password|prefix|root|shell|uid|add-subuids|del-subuids|add-subgids|del-subgids|selinux-user|selinux-range)'
        WHEN 'useradd' THEN '-[DhlmMNorUF]*[bcdefgGkKpPRsuZ]|--(base-dir|comment|home-dir|expiredate|inactive|gid|groups|skel|key|password|prefix|root|shell|uid|selinux-user|selinux-range)'
        WHEN 'gpasswd' THEN '-[rRh]*[adMAQ]|--(add|delete|members|administrators|root)'
        WHEN 'groupmod' THEN '-[aoh]*[gnpPRU]|--(gid|new-name|password|prefix|root|users)'
        -- adduser and deluser (Debian) take long options only
        ELSE '--(home|shell|uid|firstuid|lastuid|gid|firstgid|lastgid|ingroup|gecos|comment|conf|backup-to|add-extra-groups-from)'
    END;

-- An account tool's long options, as getopt_long (and adduser's Getopt::Long) take them
-- abbreviated: `usermod --app --gro docker eve` is `--append --groups docker`.
CREATE OR REPLACE MACRO account_long_options(program) AS
    CASE program
        WHEN 'usermod' THEN [
            '--append', '--badname', '--comment', '--home', '--expiredate', '--inactive',
            '--gid', '--groups', '--help', '--login', '--lock', '--move-home', '--non-unique',
            '--password', '--prefix', '--remove', '--root', '--shell', '--uid', '--unlock',
            '--add-subuids', '--del-subuids', '--add-subgids', '--del-subgids',
            '--selinux-user', '--selinux-range'
        ]
        WHEN 'useradd' THEN [
            '--badname', '--base-dir', '--btrfs-subvolume-home', '--comment', '--home-dir',
            '--defaults', '--expiredate', '--inactive', '--gid', '--groups', '--help',
            '--skel', '--key', '--no-log-init', '--create-home', '--no-create-home',
            '--no-user-group', '--non-unique', '--password', '--system', '--root', '--prefix',
            '--shell', '--uid', '--user-group', '--selinux-user', '--selinux-range',
            '--add-subids-for-system'
        ]
        WHEN 'gpasswd' THEN [
            '--add', '--delete', '--help', '--root', '--remove-password', '--restrict',
            '--administrators', '--members'
        ]
        WHEN 'groupmod' THEN [
            '--append', '--gid', '--help', '--new-name', '--non-unique', '--password', '--root',
            '--prefix', '--users'
        ]
        ELSE [
            '--home', '--shell', '--uid', '--firstuid', '--lastuid', '--gid', '--firstgid',
            '--lastgid', '--ingroup', '--gecos', '--comment', '--conf', '--disabled-password',
            '--disabled-login', '--system', '--group', '--quiet', '--debug', '--force-badname',
            '--allow-bad-names', '--add-extra-groups', '--no-create-home', '--extrausers',
            '--encrypt-home', '--help', '--version', '--remove-home', '--remove-all-files',
            '--backup', '--backup-to', '--force', '--only-if-empty'
        ]
    END;

CREATE OR REPLACE VIEW group_changes AS
WITH tool_execs AS (
    SELECT
        event_uid,
        time,
        device_hostname,
        process_cmd_line,
        auid,
        actor_user_name,
        tool AS program,
        expand_long_options(process_args, account_long_options(tool)) AS args,
        -- auditd's EXECVE holds argv as run; sudo's line joins it with spaces, so a
        -- value that held one (`-c 'Eve Smith'`) reads as two words there
        source_type = 'auditd' AS exact_argv
    FROM (
        SELECT
            *,
            program_among(program, process_file_name, ['usermod', 'gpasswd', 'adduser', 'deluser', 'useradd', 'groupmod']) AS tool
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
    )
    -- a failed exec changed nothing
    WHERE coalesce(status_id, 1) <> 2
      AND tool IS NOT NULL
),
tool_words AS (
    SELECT
        *,
        -- the operands: the login, the group (adduser: both), as each tool's getopt reads
        -- its argv, options anywhere (`usermod eve -aG docker`, `gpasswd docker -a eve`)
        operands(args, account_option_takes_value(program)) AS words,
        -- gpasswd's one change: -a user, -d user, -M user,... (also -aeve, --add=eve)
        option_value(args, '^(-[rR]*a|--add)$', '^(-[rR]*a|--add=)(.+)$') AS gpasswd_add,
        option_value(args, '^(-[rR]*d|--delete)$', '^(-[rR]*d|--delete=)(.+)$') AS gpasswd_delete,
        option_value(args, '^(-[rR]*M|--members)$', '^(-[rR]*M|--members=)(.*)$') AS gpasswd_members,
        -- adduser's group of a new user: --ingroup docker, --gid 999
        option_value(args, '^--(ingroup|gid)$', '^--(ingroup|gid)=(.+)$') AS adduser_group
    FROM tool_execs
),
parsed AS (
    -- the columns of tool_execs, with the users, groups and change its argv names
    SELECT
        * EXCLUDE (program, args, exact_argv, words, gpasswd_add, gpasswd_delete, gpasswd_members, adduser_group),
        -- usermod and useradd take a group by name or by number (getgrgid first), as
        -- adduser's --gid does
        program IN ('usermod', 'useradd')
            OR (program = 'adduser' AND option_value(args, '^--gid$', '^(--gid=)(.+)$') IS NOT NULL)
            AS groups_by_id,
        CASE
            -- each takes one operand (more, and it changes nothing)
            WHEN program IN ('usermod', 'useradd') AND len(words) = 1 THEN words
            -- the login is last, however a value's spaces split the words before it
            WHEN program IN ('usermod', 'useradd') AND NOT exact_argv AND len(words) > 1 THEN [words[-1]]
            WHEN program = 'gpasswd' AND gpasswd_add IS NOT NULL THEN [gpasswd_add]
            WHEN program = 'gpasswd' AND gpasswd_delete IS NOT NULL THEN [gpasswd_delete]
            WHEN program = 'gpasswd' AND gpasswd_members IS NOT NULL THEN string_split(gpasswd_members, ',')
            -- adduser USER GROUP, deluser USER GROUP
            WHEN program IN ('adduser', 'deluser') AND len(words) = 2 THEN [words[1]]
            -- adduser --ingroup docker eve: a new user whose primary group is docker
            WHEN program = 'adduser' AND len(words) = 1 AND adduser_group IS NOT NULL THEN words
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
            WHEN program IN ('adduser', 'deluser') AND len(words) = 2 THEN [words[2]]
            WHEN program = 'adduser' AND len(words) = 1 THEN [adduser_group]
            WHEN program IN ('gpasswd', 'groupmod') AND len(words) = 1 THEN words
        END AS groups,
        CASE
            WHEN program IN ('deluser') THEN 'remove'
            WHEN program = 'gpasswd' AND gpasswd_delete IS NOT NULL THEN 'remove'
            WHEN program = 'gpasswd' AND gpasswd_members IS NOT NULL THEN 'set'
            -- -r or -a among a cluster's flags, before the letter that takes a value (the
            -- `a` of `-Gstaff` is the value's)
            WHEN program = 'usermod'
                AND len(list_filter(args, lambda a: regexp_full_match(a, '-[abhLmoU]*r[abhLmorU]*([cdefgGlpPRsuvVwWZ].*)?|--remove'))) > 0
                THEN 'remove'
            WHEN program = 'usermod'
                AND NOT len(list_filter(args, lambda a: regexp_full_match(a, '-[bhLmorU]*a[abhLmorU]*([cdefgGlpPRsuvVwWZ].*)?|--append'))) > 0
                THEN 'set'
            WHEN program = 'groupmod'
                AND NOT len(list_filter(args, lambda a: regexp_full_match(a, '-[oh]*a[aoh]*([gnpPRU].*)?|--append'))) > 0
                THEN 'set'
            ELSE 'add'
        END AS change
    FROM tool_words
),
named_groups AS (
    SELECT
        *,
        unnest(groups) AS group_name
    FROM parsed
    WHERE users IS NOT NULL
      AND groups IS NOT NULL
),
numbered_groups AS (
    -- the groups a command names by number (`usermod -aG 999 bob`), on its host
    SELECT DISTINCT
        device_hostname,
        TRY_CAST(group_name AS BIGINT) AS gid,
        time
    FROM named_groups
    WHERE groups_by_id
      AND TRY_CAST(group_name AS BIGINT) IS NOT NULL
),
from_commands AS (
    SELECT
        c.event_uid,
        c.time,
        c.device_hostname,
        'command' AS seen_by,
        c.process_cmd_line,
        c.auid,
        c.actor_user_name,
        unnest(c.users) AS user_name,
        coalesce(n.group_name, c.group_name) AS group_name,
        c.change
    FROM named_groups AS c
    LEFT JOIN group_ids_named((SELECT list(n) FROM numbered_groups AS n)) AS n
        ON c.groups_by_id
        AND n.device_hostname = c.device_hostname
        AND n.gid = TRY_CAST(c.group_name AS BIGINT)
        AND n.time = c.time
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
