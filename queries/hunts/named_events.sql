-- events, with the login name behind the auid where an event names no actor: RAW
-- auditd records carry only the numeric auid, and audit_user_names (the PAM records
-- of each login) says whose it is on that host. Investigation queries read this view
-- so that a user's processes are found whatever the log format.
CREATE OR REPLACE TEMP VIEW named_events AS
SELECT e.* REPLACE (coalesce(e.actor_user_name, n.user_name) AS actor_user_name)
FROM events AS e
LEFT JOIN audit_user_names AS n
  ON n.device_hostname = e.device_hostname
 AND n.auid = e.process_auid;
