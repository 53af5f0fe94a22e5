"""Column maps of the environment sheets (水体 …)."""
