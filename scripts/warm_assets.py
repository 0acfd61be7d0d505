#!/usr/bin/env python3
"""Build the web assets of a running Odoo before anyone waits for them.

    warm_assets.py http://127.0.0.1:8069

Odoo builds an asset bundle (the web client's JavaScript and CSS) on its first
request and keeps it as an attachment. On a fresh or updated database the first
page after start-up waited about 37 s on them with an empty navbar. This requests,
one after the other: the login page and every bundle it links, then the bundles of
the web client (``BACKEND_BUNDLES``). A bundle already built answers at once.
Exits non-zero with the reason when a request fails.
"""

import re
import sys
import urllib.request

# The web client's bundles, its print styles, the bus worker (a page seeing it built
# after it loaded says "This page is outdated") and the reports' bundles.
BACKEND_BUNDLES = (
    "web.assets_web.min.css",
    "web.assets_web.min.js",
    "web.assets_web_print.min.css",
    "bus.websocket_worker_assets.min.js",
    "web.report_assets_common.min.css",
    "web.report_assets_common.min.js",
)
TIMEOUT = 600  # a bundle built on 2 busy cores takes tens of seconds


def get(url):
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        return response.read()


def main(base):
    base = base.rstrip("/")
    login_page = get(f"{base}/web/login").decode("utf-8", "replace")
    urls = dict.fromkeys(re.findall(r"""["'](/web/assets/[^"'?]+)""", login_page))
    urls.update(dict.fromkeys(f"/web/assets/any/{name}" for name in BACKEND_BUNDLES))
    for path in urls:
        get(base + path)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    try:
        main(sys.argv[1])
    except OSError as error:
        sys.exit(f"warm_assets: {error}")
