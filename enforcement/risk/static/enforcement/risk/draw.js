// Drawing an outline (a risk point's or a zone's) on a page map over the placed floor plan:
// "绘制范围" starts, each click adds a corner, "完成" closes the ring into a GeoJSON Polygon
// written to the form's outline textarea, "清除" empties it. Markup (no inline script):
//   <div class="draw-outline" data-map="risk-map" data-target="id_outline">
//     <button type="button" data-draw="start">…</button> <button data-draw="finish">…</button>
//     <button data-draw="clear">…</button></div>
(function () {
  "use strict";
  function setUp(box) {
    var el = document.getElementById(box.dataset.map);
    var target = document.getElementById(box.dataset.target);
    if (!el || !target || !window.SafeAtlas) { return; }
    window.SafeAtlas.pageMapReady(el).then(function (map) {
      var corners = [], drawing = false;
      map.addSource("draw", {type: "geojson", data: {type: "FeatureCollection", features: []}});
      map.addLayer({id: "draw-fill", type: "fill", source: "draw",
                    paint: {"fill-color": "#0B3D91", "fill-opacity": 0.2}});
      map.addLayer({id: "draw-line", type: "line", source: "draw",
                    paint: {"line-color": "#0B3D91", "line-width": 2, "line-dasharray": [2, 1]}});
      var ring = function () { return corners.length ? corners.concat([corners[0]]) : []; };
      var show = function () {
        var geometry = corners.length > 2 ? {type: "Polygon", coordinates: [ring()]}
          : {type: "LineString", coordinates: corners};
        map.getSource("draw").setData({type: "FeatureCollection", features: corners.length > 1
          ? [{type: "Feature", geometry: geometry, properties: {}}] : []});
      };
      map.on("click", function (e) {
        if (!drawing) { return; }
        corners.push([+e.lngLat.lng.toFixed(7), +e.lngLat.lat.toFixed(7)]);
        show();
      });
      box.addEventListener("click", function (e) {
        var what = e.target.dataset && e.target.dataset.draw;
        if (what === "start") { drawing = true; corners = []; show(); }
        if (what === "finish" && corners.length > 2) {
          drawing = false;
          target.value = JSON.stringify({type: "Polygon", coordinates: [ring()]});
        }
        if (what === "clear") { drawing = false; corners = []; target.value = ""; show(); }
        box.dataset.drawing = drawing ? "1" : "";
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".draw-outline").forEach(setUp);
  });
})();
