"""Plugin lifecycle and plugin cron jobs.

A plugin row has a `state` of "installed", "active" or "inactive", and
`cron`, a map from hook name to its interval in seconds.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Dict

from registry import handle, handler

from cms_jobs import store
from cms_jobs.payloads import Payload, require_str


class PluginStateError(RuntimeError):
    """The plugin is missing or in the wrong state for the operation."""


def load_plugin(slug: str) -> Dict[str, object]:
    plugin = store.plugins.get(slug)
    if plugin is None:
        raise PluginStateError(f"plugin {slug!r} is not installed")
    return plugin


@handler("plugin.activate")
def activate_plugin(payload: Payload) -> bool:
    """Mark a plugin active and start its cron schedule.

    Returns False when the plugin was already active.
    """
    plugin = load_plugin(require_str(payload, "slug"))
    if plugin["state"] == "active":
        return False
    plugin["state"] = "active"
    plugin["activated_at"] = store.clock.now()
    # An empty run history makes every hook due at the next tick.
    plugin["last_runs"] = {}
    return True


def deactivate_plugin(payload: Payload) -> bool:
    """Mark a plugin inactive, which stops its cron hooks.

    Returns False when the plugin was not active.
    """
    plugin = load_plugin(require_str(payload, "slug"))
    if plugin["state"] != "active":
        return False
    plugin["state"] = "inactive"
    return True


handle("plugin.deactivate", deactivate_plugin)


@handler("plugin.uninstall.cleanup")
def clean_up_uninstalled_plugin(payload: Payload) -> Dict[str, int]:
    """Delete everything an uninstalled plugin left behind.

    Removes its options, its files under plugins/<slug>/ and its cron
    callbacks, then the plugin row. Raises PluginStateError while the
    plugin is still active. Returns how many options and files went.
    """
    slug = require_str(payload, "slug")
    plugin = store.plugins.get(slug)
    if plugin is not None and plugin["state"] == "active":
        raise PluginStateError(
            f"plugin {slug!r} is still active; deactivate it before "
            "cleaning up"
        )
    options = store.plugin_options.delete_where(
        lambda row: row["plugin"] == slug
    )
    files = 0
    for path in store.blobs.paths(f"plugins/{slug}/"):
        if store.blobs.delete(path):
            files += 1
    for key in [key for key in store.plugin_cron_hooks if key[0] == slug]:
        del store.plugin_cron_hooks[key]
    store.plugins.delete(slug)
    return {"options": options, "files": files}


@handler("plugin.cron.tick")
def run_plugin_cron(payload: Payload) -> bool:
    """Run one cron hook of an active plugin if it is due.

    The hook receives the plugin's options, which it may change. A hook
    that already ran within its interval is skipped, so a retry after a
    successful run does nothing. Returns whether the hook ran.
    """
    slug = require_str(payload, "slug")
    hook_name = require_str(payload, "hook")
    plugin = store.plugins.get(slug)
    if plugin is None or plugin["state"] != "active":
        return False
    interval = plugin.get("cron", {}).get(hook_name)
    callback = store.plugin_cron_hooks.get((slug, hook_name))
    if interval is None or callback is None:
        raise PluginStateError(
            f"plugin {slug!r} declares no cron hook {hook_name!r}"
        )

    now = store.clock.now()
    last_runs = plugin.setdefault("last_runs", {})
    last_run = last_runs.get(hook_name)
    if last_run is not None and now - last_run < timedelta(seconds=interval):
        return False

    option_row = store.plugin_options.get(slug)
    if option_row is None:
        option_row = {"plugin": slug, "values": {}}
        store.plugin_options.upsert(slug, option_row)
    callback(option_row["values"])
    last_runs[hook_name] = now
    return True
