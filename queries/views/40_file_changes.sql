-- File changes seen by auditd: one row per changed path of an event. The auditd parser
-- already sorts file syscalls into OCSF activities (open/openat count as Update only
-- with O_WRONLY, O_RDWR or O_TRUNC in their flags, as Create with a CREATE item);
-- Read (2), Get Attributes (8) and Open (14, a read-only open) are not changes, nor are
-- execs. `change` says which: create, write, delete, rename, chmod, chown, attr, xattr,
-- or open (openat2, whose flags the log does not hold: it may have written).
-- PARENT items name the directory of the entry acted on: context, not the change.
-- `wanted` (host paths, or NULL for every change) keeps the events that name one of
-- them: a detection about a few files passes them, so that DuckDB tests the paths in
-- the scan and reads the other columns of those events only.
CREATE OR REPLACE MACRO file_changes_of(wanted) AS TABLE
WITH changing AS NOT MATERIALIZED (
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
        files,
        file_path AS main_path
    FROM events
    WHERE class_uid = 1001
      AND source_type = 'auditd'
      -- list_contains(), not IN: DuckDB expands a long IN list into a join
      AND (
          list_contains([1, 3, 4, 5, 6, 7], activity_id)
          -- a `-S write` rule: the data written, not the open
          OR list_contains(['write', 'pwrite64', 'writev', 'pwritev', 'pwritev2', 'fallocate'], audit_syscall)
          -- openat2 hides its flags (activity Other): it may have opened for writing
          OR (activity_id = 99 AND audit_syscall = 'openat2')
      )
),
file_events AS (
    -- each test reads one column, so that DuckDB runs it in the scan: the events that
    -- list their paths...
    SELECT
        * EXCLUDE (files, main_path),
        coalesce(files, [{'path': main_path, 'nametype': NULL}]) AS files
    FROM changing
    WHERE wanted IS NULL
       OR list_bool_or(list_transform(files, lambda f: list_contains(wanted, host_path(f.path))))
    UNION ALL
    -- ...and those with their main path only
    SELECT
        * EXCLUDE (files, main_path),
        [{'path': main_path, 'nametype': NULL}] AS files
    FROM changing
    WHERE wanted IS NOT NULL
      AND files IS NULL
      AND list_contains(wanted, host_path(main_path))
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
        WHEN audit_syscall IN ('chown', 'fchown', 'lchown', 'fchownat', 'chown32', 'fchown32', 'lchown32') THEN 'chown'
        WHEN activity_id = 6 THEN 'attr'
        WHEN audit_syscall = 'openat2' AND activity_id = 99 THEN 'open'
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

CREATE OR REPLACE VIEW file_changes AS
SELECT * FROM file_changes_of(NULL);
