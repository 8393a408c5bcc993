"""HTTP routes: the Gemini REST surface, the local preview, and operations endpoints."""
