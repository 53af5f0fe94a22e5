"""Watching a Chromium page for what the Content-Security-Policy refuses and for script errors."""

# Installed before any script of every document the page loads.
LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " refused " + (event.blockedURI || "inline") +
                              " (" + event.sourceFile + ":" + event.lineNumber + ")");
});
"""


class PageWatch:
    """Collects, for the page, every CSP violation (the DOM event and Chromium's console message),
    every console error and every uncaught script error, each with the URL it happened on."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(LISTEN_FOR_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: script error: {error}"))

    def _console(self, message):
        text = message.text
        if message.type == "error" or "Content Security Policy" in text or "Permissions-Policy" in text:
            self.problems.append(f"{self.page.url}: console {message.type}: {text}")

    def collect(self) -> list[str]:
        """Adds the violations the current document has seen so far, and returns all problems."""
        for violation in self.page.evaluate("window.__cspViolations || []"):
            self.problems.append(f"{self.page.url}: {violation}")
        return self.problems
