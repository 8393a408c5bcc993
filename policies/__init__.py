"""Policies: what each finding becomes, and the session state that keeps it consistent."""
