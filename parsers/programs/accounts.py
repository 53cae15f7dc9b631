"""shadow-utils (useradd, userdel, usermod, groupadd, groupdel, gpasswd, chage, passwd).

Every line that records a change becomes Account Change (3001). OCSF has activity ids
for users (Create 1, Password Change 3, Delete 6, Lock 9, Unlock 12); group changes
use Other (99) with a specific `activity_name` ("Add User To Group", "Remove User From
Group", "Create Group", "Delete Group"), `user_name` the member and `group_name` the
group. shadow-utils writes a membership change once per group database: `add 'bob' to
group 'docker'` (/etc/group) and `add 'bob' to shadow group 'docker'` (/etc/gshadow);
both become rows, told apart by `unmapped.group_db`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from auditlake.parsers.base import Row
from auditlake.parsers.programs.common import ACCOUNT_CHANGE, SUCCESS, event, to_int

CREATE = (1, "Create")
PASSWORD_CHANGE = (3, "Password Change")
DELETE = (6, "Delete")
LOCK = (9, "Lock")
UNLOCK = (12, "Unlock")
ADD_TO_GROUP = (99, "Add User To Group")
REMOVE_FROM_GROUP = (99, "Remove User From Group")
SET_GROUP_MEMBERS = (99, "Set Group Members")
CREATE_GROUP = (99, "Create Group")
DELETE_GROUP = (99, "Delete Group")
MODIFY = (99, "Modify")
RENAME = (99, "Rename")

_GROUP_DB = {None: "/etc/group", "shadow ": "/etc/gshadow"}


def _change(activity: tuple[int, str], **fields: object) -> Row:
    return event(ACCOUNT_CHANGE, activity, SUCCESS, **fields)


_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], Row]]

_RULES: list[_Rule] = [
    (
        re.compile(
            r"new user: name=([^,]*), UID=(\d+), GID=(\d+), home=([^,]*), shell=([^,]*)"
            r"(?:, from=(\S+))?"
        ),
        lambda m: _change(
            CREATE,
            user_name=m[1],
            user_uid=to_int(m[2]),
            process_tty=m[6],
            unmapped={"gid": m[3], "home": m[4], "shell": m[5]},
        ),
    ),
    (
        re.compile(r"new group: name=([^,]*), GID=(\d+)"),
        lambda m: _change(CREATE_GROUP, group_name=m[1], unmapped={"gid": m[2]}),
    ),
    (
        re.compile(r"group added to (\S+): name=([^,]*)"),
        lambda m: _change(CREATE_GROUP, group_name=m[2], unmapped={"group_db": m[1]}),
    ),
    (
        re.compile(r"add '(.*)' to (shadow )?group '(.*)'\s*$"),
        lambda m: _change(
            ADD_TO_GROUP, user_name=m[1], group_name=m[3], unmapped={"group_db": _GROUP_DB[m[2]]}
        ),
    ),
    (
        re.compile(r"delete '(.*)' from (shadow )?group '(.*)'\s*$"),
        lambda m: _change(
            REMOVE_FROM_GROUP,
            user_name=m[1],
            group_name=m[3],
            unmapped={"group_db": _GROUP_DB[m[2]]},
        ),
    ),
    (
        re.compile(r"user (\S+) added by (\S+) to group (\S+)\s*$"),
        lambda m: _change(ADD_TO_GROUP, user_name=m[1], actor_user_name=m[2], group_name=m[3]),
    ),
    (
        # gpasswd -M: the member list replaced (one row naming them all, comma-separated)
        re.compile(r"members of group (\S+) set by (\S+) to (\S+)\s*$"),
        lambda m: _change(SET_GROUP_MEMBERS, user_name=m[3], actor_user_name=m[2], group_name=m[1]),
    ),
    (
        re.compile(r"user (\S+) removed by (\S+) from group (\S+)\s*$"),
        lambda m: _change(REMOVE_FROM_GROUP, user_name=m[1], actor_user_name=m[2], group_name=m[3]),
    ),
    (re.compile(r"delete user '(.*)'\s*$"), lambda m: _change(DELETE, user_name=m[1])),
    (
        re.compile(r"removed (shadow )?group '(.*)' owned by '(.*)'\s*$"),
        lambda m: _change(
            DELETE_GROUP, group_name=m[2], unmapped={"group_db": _GROUP_DB[m[1]], "owner": m[3]}
        ),
    ),
    (
        re.compile(r"group '(.*)' removed(?: from (\S+))?\s*$"),
        lambda m: _change(
            DELETE_GROUP, group_name=m[1], unmapped={"group_db": m[2]} if m[2] else None
        ),
    ),
    (re.compile(r"lock user '(.*)' password\s*$"), lambda m: _change(LOCK, user_name=m[1])),
    (re.compile(r"unlock user '(.*)' password\s*$"), lambda m: _change(UNLOCK, user_name=m[1])),
    (
        re.compile(r"change user '(.*)' password\s*$"),
        lambda m: _change(PASSWORD_CHANGE, user_name=m[1]),
    ),
    (
        re.compile(r"password for '(.*)' changed by '(.*)'\s*$"),
        lambda m: _change(PASSWORD_CHANGE, user_name=m[1], actor_user_name=m[2]),
    ),
    (
        re.compile(r"change user name '(.*)' to '(.*)'\s*$"),
        lambda m: _change(RENAME, user_name=m[1], unmapped={"new_name": m[2]}),
    ),
    (
        # `change user 'bob' UID from '1001' to '0'`, shell, home, GID, expiration, ...
        # a user name holds no space (shadow-utils refuses one, --badname too), so the
        # name is one word: three lazy or greedy groups were cubic in the line
        re.compile(r"change user '(\S*)' (\S+) from '(.*)' to '(.*)'\s*$"),
        lambda m: _change(
            MODIFY,
            user_name=m[1],
            unmapped={"attribute": m[2], "old_value": m[3], "new_value": m[4]},
        ),
    ),
    (
        re.compile(r"changed password expiry for (\S+)\s*$"),
        lambda m: _change(MODIFY, user_name=m[1], unmapped={"attribute": "password expiry"}),
    ),
]


def normalize_account(message: str) -> Row | None:
    """Return an Account Change row for one shadow-utils message; None if it is not one.

    A pattern that ends in a quoted value is tried only on a message that ends in a
    quote and holds no line break before it (none of them can match another): its
    greedy values then match at their last separator at once, where any other message
    had each separator tried to the end (quadratic; the account tools' messages may be
    of any length).
    """
    text = message.rstrip()
    quoted = text.endswith("'") and "\n" not in text
    for pattern, build in _RULES:
        if quoted or not pattern.pattern.endswith(_QUOTED_END):
            m = pattern.match(message)
            if m is not None:
                return build(m)
    return None


_QUOTED_END = "'\\s*$"  # how a pattern ending in a quoted value ends
