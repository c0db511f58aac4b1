"""Hidden checks, one module per assignment (CHECKS: grade_id -> [Check]); never in the sandbox."""
