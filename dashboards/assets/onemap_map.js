// The maps of the Dash pages, on MapLibre GL JS itself (ADR 0023): vendored by
// scripts/vendor-js.sh into assets/vendor/, no plotly on the page.
//
// A map is a <div class="safeatlas-map"> whose data- attributes say what to draw:
//   data-style    the style document's URL (/tiles/style.json: the caller's layers, scoped
//                 by the same session cookie the tiles use)
//   data-bounds   [west, south, east, north] to open on (the caller's jurisdiction)
//   data-selected the id of the dcc.Store that receives {layer, id} of a clicked feature
//   data-shown    the registry layers visible at first (the switcher's ticks)
//   data-fonts    the local fonts labels use (settings.MAP_FONTS; no glyph server)
// Dash renders the div; this script starts MapLibre in it once both are there. Layers are
// switched here (visibility only), so the view and the loaded tiles stay as they are.
// A page may lay overlays over the style (dash_clientside.safeatlas.overlay: the risk map's
// choropleth and cloud), kept current in place the same way.
(function () {
  "use strict";
  var TOLERANCE = 5; // pixels around a click: points are small
  var ns = (window.SafeAtlas = window.SafeAtlas || {maps: {}, wanted: {}, views: {}});
  ns.views = ns.views || {};
  ns.overlays = ns.overlays || {};

  // Tiles carry integer keys as the MVT feature id and every key as the "id" property.
  function featureId(feature) {
    if (feature.id !== undefined && feature.id !== null) {
      return feature.id;
    }
    var props = feature.properties || {};
    return props.id !== undefined ? props.id : null;
  }

  function registryLayer(styleLayer) {
    var meta = styleLayer && styleLayer.metadata;
    return meta ? meta["safeatlas:layer"] : undefined;
  }

  // The top-most registry feature under the point: a point drawn over a polygon wins,
  // since the style draws polygons first and MapLibre lists the top-most first.
  function featureAt(map, point) {
    var box = [[point.x - TOLERANCE, point.y - TOLERANCE],
               [point.x + TOLERANCE, point.y + TOLERANCE]];
    var hits = map.queryRenderedFeatures(box).filter(function (f) {
      return registryLayer(f.layer) && featureId(f) !== null;
    });
    return hits.length ? hits[0] : null;
  }

  function applyVisibility(map) {
    var wanted = ns.wanted[map.getContainer().id];
    // not isStyleLoaded(): that waits for every source's tiles, and a switch made while
    // tiles load would be lost; layout properties can be set once the style is parsed
    if (!wanted || !map.__styleReady) {
      return;
    }
    map.getStyle().layers.forEach(function (layer) {
      var id = registryLayer(layer);
      if (id) {
        map.setLayoutProperty(layer.id, "visibility",
                              wanted.indexOf(id) >= 0 ? "visible" : "none");
      }
    });
  }

  // A page's overlays: {key: {sources: {id: source}, layers: [layer + optional "before"]}}.
  // Added once by id, then updated in place: a source's tiles by setTiles (a raster's day:
  // the view stays), a layer's paint, layout and filter by their setters.
  function applyOverlays(map) {
    var specs = ns.overlays[map.getContainer().id];
    if (!specs || !map.__styleReady) {
      return;
    }
    Object.keys(specs).forEach(function (key) {
      var spec = specs[key];
      Object.keys(spec.sources || {}).forEach(function (id) {
        var wanted = spec.sources[id];
        var source = map.getSource(id);
        if (!source) {
          map.addSource(id, wanted);
        } else if (wanted.tiles && source.setTiles &&
                   JSON.stringify(source.tiles) !== JSON.stringify(wanted.tiles)) {
          source.setTiles(wanted.tiles);
        }
      });
      (spec.layers || []).forEach(function (layer) {
        if (!map.getLayer(layer.id)) {
          var added = Object.assign({}, layer);
          delete added.before;
          map.addLayer(added, map.getLayer(layer.before) ? layer.before : undefined);
          return;
        }
        Object.keys(layer.paint || {}).forEach(function (name) {
          map.setPaintProperty(layer.id, name, layer.paint[name]);
        });
        Object.keys(layer.layout || {}).forEach(function (name) {
          map.setLayoutProperty(layer.id, name, layer.layout[name]);
        });
        if (layer.filter) {
          map.setFilter(layer.id, layer.filter);
        }
      });
    });
  }

  function start(el) {
    if (!ns.wanted[el.id]) {
      ns.wanted[el.id] = JSON.parse(el.dataset.shown || "null");
    }
    var map = new window.maplibregl.Map({
      container: el,
      style: el.dataset.style,
      bounds: JSON.parse(el.dataset.bounds || "null") || undefined,
      fitBoundsOptions: {padding: 24},
      localIdeographFontFamily: "'Noto Sans CJK SC', 'Noto Sans SC', sans-serif",
      dragRotate: false,
    });
    map.addControl(new window.maplibregl.NavigationControl({showCompass: true}), "top-right");
    map.addControl(new window.maplibregl.ScaleControl({unit: "metric"}), "bottom-left");
    map.on("click", function (event) {
      var feature = featureAt(map, event.point);
      var target = el.dataset.selected;
      if (feature && target && window.dash_clientside && window.dash_clientside.set_props) {
        window.dash_clientside.set_props(target, {
          data: {layer: registryLayer(feature.layer), id: featureId(feature),
                 lng: event.lngLat.lng, lat: event.lngLat.lat},
        });
      }
    });
    map.on("mousemove", function (event) {
      map.getCanvas().style.cursor = featureAt(map, event.point) ? "pointer" : "";
    });
    map.on("style.load", function () {
      map.__styleReady = true;
      applyVisibility(map);
      var view = JSON.parse(el.dataset.view || "null");
      if (view) {
        drawBubbles(map, view.bubbles, JSON.parse(el.dataset.fonts || "[]"));
      }
      applyOverlays(map);
    });
    el.__map = map;
    ns.maps[el.id] = map;
  }

  // Dash renders (and may re-render) the layout after this script ran: start each new div.
  window.setInterval(function () {
    if (!window.maplibregl) {
      return;
    }
    document.querySelectorAll(".safeatlas-map").forEach(function (el) {
      if (!el.__map) {
        start(el);
      }
    });
  }, 100);

  // The drill-down's count bubbles: one GeoJSON source drawn above every layer.
  var DRILL = "safeatlas-drill";
  var FEATURE_ZOOM = 15;

  function drawBubbles(map, bubbles, fonts) {
    var source = map.getSource(DRILL);
    if (source) {
      source.setData(bubbles);
      return;
    }
    map.addSource(DRILL, {type: "geojson", data: bubbles});
    map.addLayer({id: DRILL, type: "circle", source: DRILL, paint: {
      "circle-color": ["get", "colour"], "circle-opacity": 0.75,
      "circle-stroke-color": "#ffffff", "circle-stroke-width": 2,
      "circle-radius": ["interpolate", ["linear"], ["sqrt", ["get", "total"]], 1, 12, 25, 40],
    }});
    map.addLayer({id: DRILL + "-count", type: "symbol", source: DRILL, layout: {
      "text-field": ["to-string", ["get", "total"]], "text-font": fonts, "text-size": 15,
      "text-allow-overlap": true,
    }, paint: {"text-color": "#ffffff", "text-halo-color": "rgba(0,0,0,.55)",
               "text-halo-width": 1.2}});
  }

  function drillTo(map, view, fonts) {
    if (view.bounds) {
      var b = view.bounds;
      if (view.point && b[0] === b[2] && b[1] === b[3]) {
        // a point: close enough to see what lies under it (sensors show from zoom 13)
        if (!map.getBounds().contains([b[0], b[1]]) || map.getZoom() < FEATURE_ZOOM) {
          map.flyTo({center: [b[0], b[1]], zoom: Math.max(map.getZoom(), FEATURE_ZOOM)});
        }
      } else {
        map.fitBounds([[b[0], b[1]], [b[2], b[3]]], {padding: 32, maxZoom: 16});
      }
    }
    drawBubbles(map, view.bubbles || {type: "FeatureCollection", features: []}, fonts);
  }

  // Clientside callbacks: the layer switcher's ticked ids -> visibility on the map.
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.safeatlas = {
    showLayers: function (ids, mapId) {
      ns.wanted[mapId] = ids || [];
      if (ns.maps[mapId]) {
        applyVisibility(ns.maps[mapId]);
      }
      return window.dash_clientside.no_update;
    },
    // The drill-down's place -> the map's view and bubbles (onemap_panels.map_view).
    drillTo: function (view, mapId) {
      var map = ns.maps[mapId];
      if (!map || !view) {
        return window.dash_clientside.no_update;
      }
      ns.views[mapId] = view; // the last place's view, for whoever needs it (tests)
      var fonts = JSON.parse(map.getContainer().dataset.fonts || '["Noto Sans CJK SC"]');
      var run = function () { drillTo(map, view, fonts); };
      if (map.__styleReady) {
        run();
      } else {
        map.once("style.load", run);
      }
      return window.dash_clientside.no_update;
    },
    // An overlay spec (with its "key") from a Dash store -> the map (see applyOverlays).
    overlay: function (spec, mapId) {
      if (spec && spec.key) {
        ns.overlays[mapId] = ns.overlays[mapId] || {};
        ns.overlays[mapId][spec.key] = spec;
        if (ns.maps[mapId]) {
          applyOverlays(ns.maps[mapId]);
        }
      }
      return window.dash_clientside.no_update;
    },
  };
})();
