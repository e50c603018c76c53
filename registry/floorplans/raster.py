"""Raster work for floor plans: the RGBA Cloud-Optimised GeoTIFF and its PNG tiles."""

from __future__ import annotations

import warnings

import numpy as np
import rasterio
from affine import Affine
from rasterio.control import GroundControlPoint
from rasterio.enums import ColorInterp, Resampling
from rasterio.errors import NotGeoreferencedWarning
from rasterio.io import MemoryFile
from rasterio.transform import from_bounds
from rasterio.vrt import WarpedVRT
from rasterio.warp import calculate_default_transform, reproject

from registry.floorplans.georeference import WEB_MERCATOR

TILE_SIZE = 256


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


def warp_polynomial(rgba: np.ndarray, cols, rows, xs, ys, *, max_pixels: int
                    ) -> tuple[np.ndarray, Affine] | None:
    """The plan warped north-up onto EPSG:3857 by GDAL's second-order GCP polynomial
    (`MAX_GCP_ORDER=2`); None when the fit would spread it over more than `max_pixels`."""
    # z and id set: GDAL reads "None" text in the GCP list as no transform at all
    gcps = [GroundControlPoint(row=float(r), col=float(c), x=float(x), y=float(y), z=0.0,
                               id=str(i), info="")
            for i, (c, r, x, y) in enumerate(zip(cols, rows, xs, ys, strict=True))]
    height, width = rgba.shape[1:]
    transform, out_w, out_h = calculate_default_transform(
        WEB_MERCATOR, WEB_MERCATOR, width, height, gcps=gcps, MAX_GCP_ORDER=2)
    if out_w * out_h > max_pixels:
        return None
    warped = np.zeros((4, out_h, out_w), np.uint8)  # alpha 0 where the plan does not reach
    reproject(rgba, warped, gcps=gcps, src_crs=WEB_MERCATOR, dst_transform=transform,
              dst_crs=WEB_MERCATOR, resampling=Resampling.bilinear, MAX_GCP_ORDER=2)
    return warped, transform


def write_cog(path: str, rgba: np.ndarray, transform: Affine) -> None:
    """RGBA COG in EPSG:3857, tiled with overviews, alpha band so outside is transparent."""
    profile = {"driver": "COG", "width": rgba.shape[2], "height": rgba.shape[1], "count": 4,
               "dtype": "uint8", "crs": WEB_MERCATOR, "transform": transform,
               "compress": "deflate", "blocksize": 256, "overview_resampling": "average"}
    with rasterio.open(path, "w", **profile) as dst:
        dst.colorinterp = [ColorInterp.red, ColorInterp.green, ColorInterp.blue,
                           ColorInterp.alpha]
        dst.write(rgba)


def render_tile(path: str, bounds: tuple[float, float, float, float]) -> bytes:
    """A 256×256 RGBA PNG of the plan warped onto the tile; transparent outside."""
    transform = from_bounds(*bounds, TILE_SIZE, TILE_SIZE)
    with rasterio.open(path) as src, WarpedVRT(
        src, crs=WEB_MERCATOR, transform=transform, width=TILE_SIZE, height=TILE_SIZE,
        resampling=Resampling.bilinear,
    ) as vrt:
        rgba = vrt.read(indexes=[1, 2, 3, 4])
    return encode_png(rgba)


def encode_png(bands: np.ndarray) -> bytes:
    """PNG of a (count, h, w) uint8 array: RGB or RGBA."""
    with warnings.catch_warnings(), MemoryFile() as memory:
        warnings.simplefilter("ignore", NotGeoreferencedWarning)  # a tile PNG has no CRS
        with memory.open(driver="PNG", width=bands.shape[2], height=bands.shape[1],
                         count=bands.shape[0], dtype="uint8") as dst:
            dst.write(bands)
        return memory.read()
