-- What auditd saw of processes on one host: every SYSCALL record of the given pids, or
-- of the children of the given parent pids, with the command line of exec events.
-- A SYSCALL record names the process (pid), its parent (ppid) and the image it runs
-- (exe); an execve/execveat record starts a new image, whose argv is in the event.
-- Parameters: $host, $pids (BIGINT[]), $ppids (BIGINT[]).
SELECT
    r.time,
    r.pid,
    r.ppid,
    r.exe,
    r.comm,
    r.auid,
    r.ses,
    e.audit_syscall AS syscall,
    coalesce(e.audit_syscall IN ('execve', 'execveat'), false) AS is_exec,
    CASE WHEN e.audit_syscall IN ('execve', 'execveat') THEN e.process_cmd_line END AS cmd_line,
    e.actor_user_name,
    r.event_uid
FROM auditd_records AS r
-- named_events: RAW auditd gives only the auid, the view names the login user
LEFT JOIN named_events AS e
  ON e.event_uid = r.event_uid
WHERE r.type = 'SYSCALL'
  AND r.device_hostname = $host
  AND r.pid IS NOT NULL
  AND (list_contains($pids::BIGINT[], r.pid) OR list_contains($ppids::BIGINT[], r.ppid))
ORDER BY r.time, r.serial, r.pid
