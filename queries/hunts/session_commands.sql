-- The commands run inside login sessions: the auditd execve events of the session's
-- audit session id (ses) on its host (every program, sudo's children included); and
-- what sudo and su reported where auditd saw no execution (no exec rule, auditd
-- stopped): auditd USER_CMD records of the session without an execve of the same
-- pid, and the sudo / su lines of the session's user on its host while the session
-- was open (syslog lines carry no session id) without an execution in the same
-- second. So a command seen by several sources is listed once.
-- Expects a relation `stitched_sessions(session_id, device_hostname, user_name,
-- audit_session, start_time, end_time)`; an open session has end_time NULL.
WITH in_session AS (
    SELECT s.session_id, s.user_name, s.audit_session, e.*
    FROM stitched_sessions AS s
    JOIN events AS e
      ON e.device_hostname = s.device_hostname
     AND e.time >= s.start_time
     AND (s.end_time IS NULL OR e.time <= s.end_time)
),
executions AS (
    SELECT session_id, time, source_type, process_cmd_line AS command, event_uid
    FROM in_session
    WHERE source_type = 'auditd'
      AND class_uid = 1007
      AND audit_syscall IN ('execve', 'execveat')
      AND session_uid = audit_session
),
sudo_records AS (
    SELECT session_id, time, source_type, process_cmd_line AS command, event_uid
    FROM in_session
    WHERE source_type = 'auditd'
      AND audit_type = 'USER_CMD'
      AND session_uid = audit_session
      AND NOT EXISTS (
          SELECT 1 FROM executions AS x
          JOIN events AS xe ON xe.event_uid = x.event_uid
          WHERE x.session_id = in_session.session_id
            AND xe.process_pid = in_session.process_pid
      )
),
sudo_lines AS (
    SELECT session_id, time, source_type, process_cmd_line AS command, event_uid
    FROM in_session
    WHERE source_type <> 'auditd'
      AND (logon_type IN ('elevate', 'switch') OR lower(app_name) IN ('sudo', 'su'))
      AND activity_id IS DISTINCT FROM 2
      AND coalesce(status_id, 0) <> 2
      AND actor_user_name = user_name
      -- sudo's PAM "session opened" lines repeat the command line's event without it
      AND process_cmd_line IS NOT NULL
      -- syslog times are whole seconds: the same command in auditd is in [t, t + 1s)
      AND NOT EXISTS (
          SELECT 1 FROM (SELECT * FROM executions UNION ALL SELECT * FROM sudo_records) AS x
          WHERE x.session_id = in_session.session_id
            AND x.time >= in_session.time - INTERVAL 1 SECOND
            AND x.time < in_session.time + INTERVAL 2 SECOND
      )
)
SELECT * FROM executions
UNION ALL
SELECT * FROM sudo_records
UNION ALL
SELECT * FROM sudo_lines
ORDER BY session_id, time, event_uid
