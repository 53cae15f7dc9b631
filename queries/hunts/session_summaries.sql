-- One row per login session, from the session events (hunts/session_events.sql) that
-- sessions.stitch numbered: a relation `session_rows` with their columns and
-- `session_no`. A session is a login when it has a network or local logon and no
-- batch one (cron's); one with no logon at all (only the end of a session whose start
-- is not in the lake) is left out. "First" is in (time, event_uid) order.
WITH numbered AS (
    SELECT
        *,
        coalesce(lower(app_name) = 'systemd-logind', false) AS logind,
        activity_id = 1 AS logon,
        row_number() OVER (PARTITION BY session_no ORDER BY time, event_uid) AS n
    FROM session_rows
),
logins AS (
    SELECT session_no
    FROM numbered
    GROUP BY session_no
    HAVING bool_or(coalesce(logon_type IN ('network', 'local'), false))
       AND NOT bool_or(coalesce(logon_type = 'batch', false))
       AND bool_or(logon)
),
users AS (
    -- the user most logons name; on a tie, the one named first
    SELECT
        session_no,
        arg_min(user_name, [-logons, first_n]) AS user_name
    FROM (
        SELECT
            session_no,
            user_name,
            count(*) AS logons,
            min(n) AS first_n
        FROM numbered
        WHERE logon
          AND user_name IS NOT NULL
        GROUP BY session_no, user_name
    )
    GROUP BY session_no
),
summaries AS (
    SELECT
        r.session_no,
        arg_min(r.device_hostname, r.n) AS device_hostname,
        min(r.time) FILTER (WHERE r.logon) AS start_time,
        -- the last logoff
        arg_max(r.time, r.n) FILTER (WHERE r.activity_id = 2) AS end_time,
        -- auditd's session id, else another source's (logind's own ids are not it)
        coalesce(
            arg_min(r.session_uid, r.n) FILTER (WHERE r.source_type = 'auditd' AND r.session_uid IS NOT NULL),
            arg_min(r.session_uid, r.n) FILTER (WHERE NOT r.logind AND r.session_uid IS NOT NULL)
        ) AS audit_session,
        arg_min(r.process_pid, r.n) FILTER (WHERE r.logon AND NOT r.logind AND r.process_pid IS NOT NULL)
            AS login_pid,
        coalesce(
            arg_min(r.src_endpoint_ip, r.n) FILTER (WHERE r.logon AND r.src_endpoint_ip IS NOT NULL),
            arg_min(r.src_endpoint_ip, r.n) FILTER (WHERE r.src_endpoint_ip IS NOT NULL)
        ) AS src_endpoint_ip,
        coalesce(
            arg_min(r.auth_protocol, r.n) FILTER (WHERE r.logon AND r.auth_protocol IS NOT NULL),
            arg_min(r.auth_protocol, r.n) FILTER (WHERE r.auth_protocol IS NOT NULL)
        ) AS auth_protocol,
        arg_min(r.logon_type, r.n) FILTER (WHERE r.logon AND r.logon_type IS NOT NULL) AS logon_type,
        list(DISTINCT r.source_type ORDER BY r.source_type) AS sources,
        list(r.event_uid ORDER BY r.n) AS event_uids
    FROM numbered AS r
    SEMI JOIN logins AS l USING (session_no)
    GROUP BY r.session_no
)
SELECT
    -- host:ses:start, or host:pid<login pid>:start without a session id
    coalesce(s.device_hostname, 'None') || ':'
        || coalesce(s.audit_session, 'pid' || coalesce(s.login_pid::VARCHAR, 'None')) || ':'
        || strftime(timezone('UTC', s.start_time), '%Y%m%dT%H%M%S') AS session_id,
    s.device_hostname,
    u.user_name,
    s.src_endpoint_ip,
    s.auth_protocol,
    s.logon_type,
    s.start_time,
    s.end_time,
    s.audit_session,
    s.login_pid,
    s.sources,
    s.event_uids
FROM summaries AS s
LEFT JOIN users AS u USING (session_no)
ORDER BY s.start_time, coalesce(s.device_hostname, ''), session_id
