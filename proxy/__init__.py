"""deid-proxy: a de-identifying gateway in front of Google Gemini."""

__version__ = "0.1.0"
