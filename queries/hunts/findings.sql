-- Findings of one detection, host and/or user in a time window, at or above a severity.
-- Parameters (NULL = no filter): $analytic_uid, $host, $user (actor or target account),
-- $since / $until (the evidence overlaps [since, until)), $severities (list of levels).
SELECT *
FROM findings
WHERE ($analytic_uid IS NULL OR analytic_uid = $analytic_uid)
  AND ($host IS NULL OR device_hostname = $host)
  AND ($user IS NULL OR actor_user_name = $user OR user_name = $user)
  AND ($since IS NULL OR end_time >= $since)
  AND ($until IS NULL OR start_time < $until)
  AND ($severities IS NULL OR list_contains($severities, severity))
ORDER BY start_time, device_hostname, analytic_uid, finding_uid
