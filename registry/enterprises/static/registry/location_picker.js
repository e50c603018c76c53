/* Location picker (位置标注): a Leaflet map with one draggable marker bound to the
 * form's lon/lat inputs. The division outline is drawn for orientation; the basemap
 * comes only from settings.BASEMAP_URL (data-basemap), never from a CDN.
 * The server checks that the point lies in the division; this only helps place it. */
(function () {
  "use strict";
  var el = document.getElementById("location-map");
  var lon = document.getElementById("id_lon");
  var lat = document.getElementById("id_lat");
  if (!el || !lon || !lat || typeof L === "undefined") return;

  var map = L.map(el, { zoomControl: true, zoomSnap: 0.25 });
  if (el.dataset.basemap) {
    L.tileLayer(el.dataset.basemap, { attribution: el.dataset.attribution || "", maxZoom: 19 })
      .addTo(map);
  }
  var divisionNode = document.getElementById("location-division");
  var division = divisionNode ? JSON.parse(divisionNode.textContent) : null;
  if (typeof division === "string") division = JSON.parse(division);
  var outline = division ? L.geoJSON(division, {
    style: { color: "#0b3d91", weight: 2, fillOpacity: 0.05 }, interactive: false,
  }).addTo(map) : null;

  function current() {
    var x = parseFloat(lon.value), y = parseFloat(lat.value);
    return isFinite(x) && isFinite(y) ? L.latLng(y, x) : null;
  }
  function write(latlng) {
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
  }

  var start = current();
  if (outline) map.fitBounds(outline.getBounds(), { padding: [10, 10] });
  else map.setView(start || L.latLng(32.0, 118.8), start ? 14 : 8);
  if (!start) start = outline ? outline.getBounds().getCenter() : map.getCenter();

  var marker = L.marker(start, { draggable: true, autoPan: true, title: "企业位置" }).addTo(map);
  marker.on("dragend", function () { write(marker.getLatLng()); });
  map.on("click", function (e) { marker.setLatLng(e.latlng); write(e.latlng); });
  [lon, lat].forEach(function (input) {
    input.addEventListener("change", function () {
      var p = current();
      if (p) { marker.setLatLng(p); map.panTo(p); }
    });
  });
  // For tests and other scripts: the map and marker of this page.
  window.safeatlasLocationPicker = { map: map, marker: marker };
})();
