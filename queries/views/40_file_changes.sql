-- File changes seen by auditd: one row per changed path of an event. The auditd parser
-- already sorts file syscalls into OCSF activities (open/openat count as Update only
-- with O_WRONLY, O_RDWR or O_TRUNC in their flags, as Create with a CREATE item);
-- Read (2), Get Attributes (8) and Open (14, a read-only open) are not changes, nor are
-- execs. `change` says which: create, write, delete, rename, chmod, chown, attr, xattr.
-- PARENT items name the directory of the entry acted on: context, not the change.
CREATE OR REPLACE VIEW file_changes AS
WITH file_events AS (
    SELECT
        event_uid,
        time,
        device_hostname,
        status_id,
        activity_id,
        audit_syscall,
        audit_key,
        process_pid,
        process_name,
        process_file_path,
        process_cmd_line,
        process_uid,
        login_uid(actor_user_uid, process_auid) AS auid,
        actor_user_name,
        coalesce(files, [{'path': file_path, 'nametype': NULL}]) AS files
    FROM events
    WHERE class_uid = 1001
      AND source_type = 'auditd'
      AND (
          activity_id IN (1, 3, 4, 5, 6, 7)
          -- a `-S write` rule: the data written, not the open
          OR audit_syscall IN ('write', 'pwrite64', 'writev', 'pwritev', 'pwritev2', 'fallocate')
      )
),
paths AS (
    SELECT
        * EXCLUDE (files),
        unnest(files, recursive := true)
    FROM file_events
)
SELECT
    event_uid,
    time,
    device_hostname,
    status_id,
    audit_syscall,
    audit_key,
    CASE
        WHEN nametype = 'CREATE' THEN 'create'
        WHEN nametype = 'DELETE' THEN 'delete'
        WHEN activity_id = 1 THEN 'create'
        WHEN activity_id = 4 THEN 'delete'
        WHEN activity_id = 5 THEN 'rename'
        WHEN activity_id = 7 THEN 'xattr'
        WHEN audit_syscall IN ('chmod', 'fchmod', 'fchmodat', 'fchmodat2') THEN 'chmod'
        WHEN audit_syscall IN ('chown', 'fchown', 'lchown', 'fchownat') THEN 'chown'
        WHEN activity_id = 6 THEN 'attr'
        ELSE 'write'
    END AS change,
    host_path(path) AS file_path,
    nametype,
    process_pid,
    process_name,
    process_file_path,
    process_cmd_line,
    process_uid,
    auid,
    actor_user_name
FROM paths
-- the directory that holds the changed entry is context, not a change
WHERE nametype IS DISTINCT FROM 'PARENT'
  AND path IS NOT NULL;
