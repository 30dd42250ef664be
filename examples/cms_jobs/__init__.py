"""Background job handlers of the CMS, one module per domain.

Importing the package registers every handler with
`registry.default_handlers`.
"""

from cms_jobs import (
    auth,
    cache,
    email,
    maintenance,
    media,
    migrate,
    plugins,
    search,
    webhooks,
)

__all__ = [
    "auth",
    "cache",
    "email",
    "maintenance",
    "media",
    "migrate",
    "plugins",
    "search",
    "webhooks",
]
