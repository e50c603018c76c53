// Click -> record on the one map (一张图).
// plotly emits no clickData for MapLibre style layers, so this hooks the MapLibre map inside
// the plotly graph, finds the point feature under the click with queryRenderedFeatures and
// hands {layer, id} to Dash through dash_clientside.set_props on a dcc.Store; a server
// callback then reads the record through the layer's scoped queryset.
(function () {
  "use strict";
  var GRAPH = "onemap-graph";
  var TARGET = "onemap-selected";
  var TOLERANCE = 5; // pixels around the click, points are small

  function mapOf(graphDiv) {
    var full = graphDiv && graphDiv._fullLayout;
    var subplot = full && full.map && full.map._subplot;
    return subplot ? subplot.map : null;
  }

  function graphDiv() {
    var host = document.getElementById(GRAPH);
    return host ? host.querySelector(".js-plotly-plot") : null;
  }

  function pointFeatureAt(map, point) {
    var box = [[point.x - TOLERANCE, point.y - TOLERANCE],
               [point.x + TOLERANCE, point.y + TOLERANCE]];
    var hits = map.queryRenderedFeatures(box).filter(function (f) {
      return f.geometry && f.geometry.type === "Point" && featureId(f) !== null;
    });
    return hits.length ? hits[0] : null;
  }

  // Tiles carry integer keys as the MVT feature id and every key as the "id" property.
  function featureId(feature) {
    if (feature.id !== undefined && feature.id !== null) {
      return feature.id;
    }
    var props = feature.properties || {};
    return props.id !== undefined ? props.id : null;
  }

  function hook(map) {
    map.__safeatlasHooked = true;
    map.on("click", function (event) {
      var feature = pointFeatureAt(map, event.point);
      if (feature && window.dash_clientside && window.dash_clientside.set_props) {
        var selected = {layer: feature.source, id: featureId(feature)};
        window.dash_clientside.set_props(TARGET, {data: selected});
      }
    });
    map.on("mousemove", function (event) {
      map.getCanvas().style.cursor = pointFeatureAt(map, event.point) ? "pointer" : "";
    });
  }

  // plotly may create a new MapLibre instance when the figure changes; hook each one once.
  window.setInterval(function () {
    var map = mapOf(graphDiv());
    if (map && !map.__safeatlasHooked) {
      hook(map);
    }
  }, 250);
})();
