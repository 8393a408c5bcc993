"""Rule-based recognizers for the PHI forms that clinical text uses.

Each module holds compiled patterns for one family of identifiers; `ALL_PATTERNS` is the
set the Presidio detector runs on every text.
"""
