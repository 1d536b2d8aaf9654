"""Steps shared by the browser tests and benchmarks (Playwright pages)."""


def sign_in(page, base: str, username: str, password: str) -> None:
    """Sign in through the real login form and wait for the next page."""
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
