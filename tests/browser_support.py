"""Headless Chromium for the page tests: Debian's browser, requests kept on 127.0.0.1, script errors collected."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Page, async_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@asynccontextmanager
async def loopback_page(*, extra_args: tuple[str, ...] = (), accept_dialogs: bool = False,
                        **context_options: Any) -> AsyncIterator[Page]:
    """Yield a page whose requests to any host but 127.0.0.1 are aborted and listed in `page.outside_requests`.

    Uncaught script errors are listed in `page.script_errors`. With `accept_dialogs`, every confirm() is accepted.
    """
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])
        context = await browser.new_context(**context_options)
        outside: list[str] = []

        async def only_loopback(route):
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                await route.continue_()
            else:
                outside.append(route.request.url)
                await route.abort()

        await context.route("**/*", only_loopback)
        page = await context.new_page()
        page.outside_requests = outside
        page.script_errors = []
        page.on("pageerror", lambda error: page.script_errors.append(str(error)))
        if accept_dialogs:
            page.on("dialog", lambda dialog: dialog.accept())
        try:
            yield page
        finally:
            await browser.close()
