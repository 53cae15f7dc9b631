-- The commands run inside login sessions: the auditd execve events of the session's
-- audit session id (ses) on its host (every program, sudo's children included); and
-- what sudo and su reported where auditd saw no execution (no exec rule, auditd
-- stopped): auditd USER_CMD records of the session without an execve of the same
-- pid, and the sudo / su lines of the session's user on its host while the session
-- was open (syslog lines carry no session id) without an execution in the same
-- second. So a command seen by several sources is listed once.
-- Expects a relation `stitched_sessions(session_id, device_hostname, user_name,
-- audit_session, start_time, end_time)`; an open session has end_time NULL.
-- Parameters: $hosts (the sessions' hosts) and $start (the earliest start), so that
-- the scan reads the events that can be in one only.
-- A command is in one session: of those open when it ran that its host and audit
-- session id (or, for a sudo / su line, its host and user) name, the last to start.
-- A session whose end is not in the lake (logs rotated away, a host that went down)
-- would otherwise take every later command of its user on its host, and an audit
-- session id, which restarts at each boot, every later command with it.
WITH session_keys AS (
    -- what names a session to a command
    SELECT session_id, device_hostname, 'ses' AS kind, audit_session AS key, start_time, end_time
    FROM stitched_sessions
    WHERE audit_session IS NOT NULL
    UNION ALL
    SELECT session_id, device_hostname, 'user' AS kind, user_name AS key, start_time, end_time
    FROM stitched_sessions
    WHERE user_name IS NOT NULL
),
candidates AS (
    SELECT
        event_uid,
        time,
        device_hostname,
        source_type,
        process_cmd_line AS command,
        process_pid,
        CASE
            WHEN source_type <> 'auditd' THEN 'line'
            WHEN audit_type = 'USER_CMD' THEN 'record'
            ELSE 'execution'
        END AS what,
        CASE WHEN source_type = 'auditd' THEN 'ses' ELSE 'user' END AS kind,
        CASE WHEN source_type = 'auditd' THEN session_uid ELSE actor_user_name END AS key
    FROM events
    WHERE list_contains($hosts, device_hostname)
      AND time >= $start
      AND (
        (
            source_type = 'auditd'
            AND class_uid = 1007
            AND audit_syscall IN ('execve', 'execveat')
        )
        OR (source_type = 'auditd' AND audit_type = 'USER_CMD')
        OR (
            source_type <> 'auditd'
            AND (logon_type IN ('elevate', 'switch') OR lower(app_name) IN ('sudo', 'su'))
            AND activity_id IS DISTINCT FROM 2
            AND coalesce(status_id, 0) <> 2
            -- sudo's PAM "session opened" lines repeat the command line's event without it
            AND process_cmd_line IS NOT NULL
        )
      )
),
latest AS (
    -- the last session with the command's key to start before it
    SELECT
        c.*,
        s.session_id,
        s.end_time
    FROM candidates AS c
    ASOF JOIN session_keys AS s
        ON c.device_hostname = s.device_hostname
        AND c.kind = s.kind
        AND c.key = s.key
        AND c.time >= s.start_time
),
placed AS (
    SELECT * EXCLUDE (end_time)
    FROM latest
    WHERE end_time IS NULL OR time <= end_time
    UNION ALL
    -- that one had ended: the last to start of those still open (few commands come
    -- after the end of the last session of their key)
    SELECT
        c.* EXCLUDE (session_id, end_time),
        s.session_id
    FROM latest AS c
    JOIN session_keys AS s
        ON c.device_hostname = s.device_hostname
        AND c.kind = s.kind
        AND c.key = s.key
    WHERE c.time > c.end_time
      AND c.time >= s.start_time
      AND (s.end_time IS NULL OR c.time <= s.end_time)
    QUALIFY row_number() OVER (PARTITION BY c.event_uid ORDER BY s.start_time DESC, s.session_id) = 1
),
executions AS (
    SELECT session_id, time, source_type, command, event_uid, process_pid
    FROM placed
    WHERE what = 'execution'
),
sudo_records AS (
    SELECT session_id, time, source_type, command, event_uid
    FROM placed AS p
    WHERE what = 'record'
      AND NOT EXISTS (
          SELECT 1
          FROM executions AS x
          WHERE x.session_id = p.session_id
            AND x.process_pid = p.process_pid
      )
),
sudo_lines AS (
    SELECT session_id, time, source_type, command, event_uid
    FROM placed AS p
    WHERE what = 'line'
      -- syslog times are whole seconds: the same command in auditd is in [t, t + 1s)
      AND NOT EXISTS (
          SELECT 1
          FROM (
              SELECT session_id, time FROM executions
              UNION ALL
              SELECT session_id, time FROM sudo_records
          ) AS x
          WHERE x.session_id = p.session_id
            AND x.time >= p.time - INTERVAL 1 SECOND
            AND x.time < p.time + INTERVAL 2 SECOND
      )
)
SELECT session_id, time, source_type, command, event_uid FROM executions
UNION ALL
SELECT * FROM sudo_records
UNION ALL
SELECT * FROM sudo_lines
ORDER BY session_id, time, event_uid
