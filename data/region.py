"""The demo region as plain data (no database): divisions, grid cells, enterprises.

Same seed and size give byte-identical data; `Region.digest()` proves it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from data.divisions import build_tree
from data.enterprises import ordinary_enterprises, park_enterprises
from data.resources import Resources, emergency_resources

DEFAULT_SEED = 20240601
SMALL_ENTERPRISES = 1200


@dataclass
class Region:
    divisions: pd.DataFrame   # code, name, level, parent_code, geom
    grid: pd.DataFrame        # code, name, level, parent_code, division_code, geom
    enterprises: pd.DataFrame  # name, credit_code, industry, division_code, … park, x, y
    park_code: str
    resources: Resources      # emergency resources per layer, and the warehouses' stock

    @property
    def province_code(self) -> str:
        return self.divisions["code"].iloc[0]

    def digest(self) -> str:
        """SHA-256 over every code, name and geometry (WKT), in a fixed order."""
        h = hashlib.sha256()
        for frame in (self.divisions, self.grid):
            wkt = shapely.to_wkt(frame["geom"].to_numpy(), rounding_precision=6)
            for row in zip(frame["code"], frame["name"], wkt, strict=True):
                h.update("\t".join(row).encode() + b"\n")
        e = self.enterprises
        text = e.drop(columns=["x", "y"]).astype(str).agg("\t".join, axis=1)
        h.update("\n".join(text).encode())
        h.update(np.ascontiguousarray(e[["x", "y"]].to_numpy()).tobytes())
        for layer, frame in self.resources.frames.items():
            h.update(layer.encode() + frame.to_csv(index=False).encode())
        h.update(self.resources.stock.to_csv(index=False).encode())
        return h.hexdigest()


def generate_region(seed: int = DEFAULT_SEED, *, size: str = "small",
                    enterprises: int = SMALL_ENTERPRISES) -> Region:
    """Build the region. Each part draws from its own stream, so asking for more
    enterprises leaves the divisions, the park and the emergency resources unchanged."""
    tree = build_tree(np.random.default_rng([seed, 0]), size)
    park = park_enterprises(np.random.default_rng([seed, 1]), tree.divisions, tree.park_code)
    others = ordinary_enterprises(np.random.default_rng([seed, 2]), tree.divisions,
                                  tree.park_code, tree.seeds["town"], enterprises)
    resources = emergency_resources(np.random.default_rng([seed, 3]), tree.divisions,
                                    tree.park_code, park)
    return Region(tree.divisions, tree.grid, pd.concat([park, others], ignore_index=True),
                  tree.park_code, resources)
