"""Major hazard sources (重大危险源): services (writes) and selectors (reads)."""
