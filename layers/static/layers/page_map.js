// The page maps of server-rendered pages on MapLibre GL JS itself (ADR 0023): a site, a
// hazard source, a warning, the location picker, floor-plan placing. layers/maps.py
// renders <div class="page-map" data-map="{json}">; this script starts MapLibre in each:
//   style     the caller's base style URL (/tiles/style.json?layers=…), or null for none
//   fonts     local font names: CJK labels come from localIdeographFontFamily, no glyphs
//   features  GeoJSON; properties.kind "shape" (fill + line), "outline" (line), "dot" or
//             "site" (the marker's name only), colour, name (the label)
//   overlays  [{name, tiles}] XYZ raster tiles (placed floor plans), below the names
//   marker    {lon, lat, title, picker: [lonInputId, latInputId] | null}
//   bounds / center + zoom   where it opens
// Maps are in window.SafeAtlas.pageMaps by element id; SafeAtlas.pageMapReady(el) is a
// promise of the map once its own layers are on it (floorplan.js adds its own then).
(function () {
  "use strict";
  var ns = (window.SafeAtlas = window.SafeAtlas || {});
  ns.pageMaps = ns.pageMaps || {};
  // room for the names round the edge; never so close that the base map has nothing left
  var FIT = {padding: 48, maxZoom: 16};

  function absolute(url) { // keeps {z}/{x}/{y} as they are (URL() would escape them)
    return url.charAt(0) === "/" ? window.location.origin + url : url;
  }

  function blankStyle() {
    return {version: 8, sources: {}, layers: [
      {id: "background", type: "background", paint: {"background-color": "#E8EDF2"}}]};
  }

  function firstSymbol(map) {
    var symbol = map.getStyle().layers.filter(function (l) { return l.type === "symbol"; })[0];
    return symbol ? symbol.id : undefined;
  }

  // An XYZ raster (a placed floor plan) over the base map's shapes, below its names and
  // anything the page draws, so the names stay readable on top.
  function addRaster(map, id, tiles) {
    map.addSource(id, {type: "raster", tiles: [absolute(tiles)], tileSize: 256, maxzoom: 22});
    map.addLayer({id: id, type: "raster", source: id, paint: {"raster-fade-duration": 0}},
                 firstSymbol(map));
  }

  function addOverlays(map, overlays) {
    overlays.forEach(function (overlay, i) { addRaster(map, "overlay-" + i, overlay.tiles); });
  }

  function addFeatures(map, features, fonts) {
    map.addSource("page", {type: "geojson", data: features});
    var kind = function (k) { return ["==", ["get", "kind"], k]; };
    map.addLayer({id: "page-fill", type: "fill", source: "page", filter: kind("shape"),
                  paint: {"fill-color": ["get", "colour"], "fill-opacity": 0.35}});
    map.addLayer({id: "page-line", type: "line", source: "page",
                  filter: ["any", kind("shape"), kind("outline")],
                  paint: {"line-color": ["get", "colour"], "line-width": 2}});
    map.addLayer({id: "page-dots", type: "circle", source: "page", filter: kind("dot"),
                  paint: {"circle-color": ["get", "colour"], "circle-radius": 7,
                          "circle-stroke-color": "#FFFFFF", "circle-stroke-width": 1.5}});
    map.addLayer({id: "page-labels", type: "symbol", source: "page",
                  // a name moves round its feature rather than hide behind a neighbour's
                  layout: {"text-field": ["get", "name"], "text-font": fonts, "text-size": 13,
                           "text-variable-anchor": ["top", "bottom", "left", "right"],
                           "text-radial-offset": 0.9, "text-max-width": 12,
                           // placed first where names crowd: the site, its shapes, then dots
                           "symbol-sort-key": ["match", ["get", "kind"], "site", 0, "shape", 1, 2]},
                  paint: {"text-color": "#1F2933", "text-halo-color": "#FFFFFF",
                          "text-halo-width": 1.6}});
  }

  // The location picker: the marker writes the inputs when dragged or when the map is
  // clicked, and follows them when they are typed in. The server checks the division.
  function bindPicker(map, marker, ids) {
    var lon = document.getElementById(ids[0]), lat = document.getElementById(ids[1]);
    if (!lon || !lat) { return; }
    var write = function (p) { lon.value = p.lng.toFixed(6); lat.value = p.lat.toFixed(6); };
    var x = parseFloat(lon.value), y = parseFloat(lat.value); // a re-shown form's point
    if (isFinite(x) && isFinite(y)) { marker.setLngLat([x, y]); }
    marker.on("dragend", function () { write(marker.getLngLat()); });
    map.on("click", function (e) { marker.setLngLat(e.lngLat); write(e.lngLat); });
    [lon, lat].forEach(function (input) {
      input.addEventListener("change", function () {
        var x = parseFloat(lon.value), y = parseFloat(lat.value);
        if (isFinite(x) && isFinite(y)) { marker.setLngLat([x, y]); map.panTo([x, y]); }
      });
    });
  }

  function addMarker(map, spec) {
    var marker = new window.maplibregl.Marker({color: "#0B3D91", draggable: !!spec.picker})
      .setLngLat([spec.lon, spec.lat]).addTo(map);
    marker.getElement().title = spec.title;
    marker.getElement().setAttribute("aria-label", spec.title);
    if (spec.picker) { bindPicker(map, marker, spec.picker); }
    return marker;
  }

  function start(el) {
    if (el.__map) { return el.__map; }
    var config = JSON.parse(el.dataset.map);
    var fonts = config.fonts || ["Noto Sans CJK SC"];
    var options = {
      container: el, style: config.style ? absolute(config.style) : blankStyle(),
      localIdeographFontFamily: fonts.map(function (f) { return "'" + f + "'"; })
        .concat(["sans-serif"]).join(", "),
      dragRotate: false, maxZoom: 22, fitBoundsOptions: FIT,
    };
    if (config.bounds) { options.bounds = config.bounds; }
    else if (config.center) { options.center = config.center; options.zoom = config.zoom; }
    var map = new window.maplibregl.Map(options);
    map.__fonts = fonts; // for a page script's own labels
    map.addControl(new window.maplibregl.NavigationControl({showCompass: false}), "top-right");
    if (config.style) { // a picture in its own frame has no ground scale
      map.addControl(new window.maplibregl.ScaleControl({unit: "metric"}), "bottom-left");
    }
    if (config.marker) { map.__marker = addMarker(map, config.marker); }
    el.__ready = new Promise(function (resolve) {
      map.on("load", function () {
        addOverlays(map, config.overlays || []);
        addFeatures(map, config.features || {type: "FeatureCollection", features: []}, fonts);
        el.dataset.ready = "1";
        resolve(map);
      });
    });
    el.__map = map;
    ns.pageMaps[el.id] = map;
    return map;
  }

  ns.startPageMap = start;
  ns.addRaster = addRaster;
  ns.belowNames = firstSymbol;
  ns.absolute = absolute;
  ns.pageMapReady = function (el) { start(el); return el.__ready; };
  // [xmin, ymin, xmax, ymax] in EPSG:3857 metres -> [[west, south], [east, north]]
  ns.mercatorBounds = function (extent) {
    var half = 20037508.342789244;
    var lngLat = function (x, y) {
      return new window.maplibregl.MercatorCoordinate((x + half) / (2 * half),
                                                      (half - y) / (2 * half)).toLngLat();
    };
    var sw = lngLat(extent[0], extent[1]), ne = lngLat(extent[2], extent[3]);
    return [[sw.lng, sw.lat], [ne.lng, ne.lat]];
  };

  function startAll() {
    document.querySelectorAll(".page-map[data-map]").forEach(start);
  }
  startAll(); // the divs above this script; any below once the page is parsed
  document.addEventListener("DOMContentLoaded", startAll);
})();
