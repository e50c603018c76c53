"""Raster work for floor plans: the RGBA Cloud-Optimised GeoTIFF and its PNG tiles."""

from __future__ import annotations

import warnings

import numpy as np
import rasterio
from affine import Affine
from rasterio.enums import ColorInterp, Resampling
from rasterio.errors import NotGeoreferencedWarning
from rasterio.io import MemoryFile
from rasterio.transform import from_bounds
from rasterio.vrt import WarpedVRT

from registry.floorplans.georeference import WEB_MERCATOR

TILE_SIZE = 256
_HALF_WORLD = 20037508.342789244


def rgba_from_bytes(data: bytes) -> np.ndarray:
    """Any accepted image as a (4, h, w) uint8 array; opaque where the source has no alpha."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)  # plain images have no CRS
        with MemoryFile(data) as memory, memory.open() as src:
            bands, interp = src.read(), src.colorinterp
            colormap = src.colormap(1) if interp[0] == ColorInterp.palette else None
    if colormap is not None:
        table = np.zeros((256, 4), np.uint8)
        for index, rgba in colormap.items():
            table[index] = rgba
        return np.moveaxis(table[bands[0]], -1, 0)
    bands = _as_uint8(bands)
    alpha = bands[3] if len(bands) >= 4 else np.full(bands.shape[1:], 255, np.uint8)
    rgb = bands[:3] if len(bands) >= 3 else np.repeat(bands[:1], 3, axis=0)
    return np.concatenate([rgb, alpha[None]], axis=0)


def _as_uint8(bands: np.ndarray) -> np.ndarray:
    if bands.dtype == np.uint8:
        return bands
    low, high = float(bands.min()), float(bands.max())
    span = high - low or 1.0
    return ((bands.astype(np.float64) - low) * (255.0 / span)).astype(np.uint8)


def write_cog(path: str, rgba: np.ndarray, coefficients: list[float]) -> None:
    """RGBA COG in EPSG:3857, tiled with overviews, alpha band so outside is transparent."""
    a, b, c, d, e, f = coefficients
    profile = {"driver": "COG", "width": rgba.shape[2], "height": rgba.shape[1], "count": 4,
               "dtype": "uint8", "crs": WEB_MERCATOR, "transform": Affine(a, b, c, d, e, f),
               "compress": "deflate", "blocksize": 256, "overview_resampling": "average"}
    with rasterio.open(path, "w", **profile) as dst:
        dst.colorinterp = [ColorInterp.red, ColorInterp.green, ColorInterp.blue,
                           ColorInterp.alpha]
        dst.write(rgba)


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """EPSG:3857 bounds of an XYZ tile."""
    size = 2 * _HALF_WORLD / (2 ** z)
    return (-_HALF_WORLD + x * size, _HALF_WORLD - (y + 1) * size,
            -_HALF_WORLD + (x + 1) * size, _HALF_WORLD - y * size)


def intersects(a: tuple | list, b: tuple | list) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def render_tile(path: str, bounds: tuple[float, float, float, float]) -> bytes:
    """A 256×256 RGBA PNG of the plan warped onto the tile; transparent outside."""
    transform = from_bounds(*bounds, TILE_SIZE, TILE_SIZE)
    with rasterio.open(path) as src, WarpedVRT(
        src, crs=WEB_MERCATOR, transform=transform, width=TILE_SIZE, height=TILE_SIZE,
        resampling=Resampling.bilinear,
    ) as vrt:
        rgba = vrt.read(indexes=[1, 2, 3, 4])
    return encode_png(rgba)


def encode_png(rgba: np.ndarray) -> bytes:
    with warnings.catch_warnings(), MemoryFile() as memory:
        warnings.simplefilter("ignore", NotGeoreferencedWarning)  # a tile PNG has no CRS
        with memory.open(driver="PNG", width=rgba.shape[2], height=rgba.shape[1], count=4,
                         dtype="uint8") as dst:
            dst.write(rgba)
        return memory.read()


def valid_tile(z: int, x: int, y: int) -> bool:
    return 0 <= z <= 24 and 0 <= x < 2 ** z and 0 <= y < 2 ** z
