"""Sign-in, roles and region scope: who may see and change what, decided on the server.

    viewer = users.viewer_from(st.user claims, grant from the users table)   # ui/auth.py does this
    viewer.scope          # cache keys and loaders: Scope(role, regions)
    viewer.require_edit_project(region_code)   # every write, whatever the page showed

See viewer.py (roles, scope, checks) and users.py (the users table, claims, session age).
"""

from reindus.auth.viewer import (
    ANONYMOUS,
    ANONYMOUS_SCOPE,
    ROLE_LABELS,
    Role,
    Scope,
    Viewer,
    parse_role,
    system_viewer,
)

__all__ = [
    "ANONYMOUS",
    "ANONYMOUS_SCOPE",
    "ROLE_LABELS",
    "Role",
    "Scope",
    "Viewer",
    "parse_role",
    "system_viewer",
]
