"""The officers' console page (`/h5/bank/`), served from the repository's h5/bank folder."""

from mortgage_cloud.h5 import page_blueprint

# The page loads only its own files and the shared scripts in /h5/common, and downloads arrive as
# blob: URLs made by its script.
bp = page_blueprint(
    name="console_page", folder="bank", files=["index.html", "bank.js", "bank.css"],
    page_title="银行控制台",
    content_security_policy="default-src 'self'; img-src 'self' blob: data:; object-src 'none'; "
                            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
)
