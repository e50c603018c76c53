"""Layer registry. Public API: `Layer`, `register`, `registry`, `FourColour`, `Fixed`."""
