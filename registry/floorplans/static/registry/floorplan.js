/* Floor plan pages (厂区平面图): the map page (list, upload) and the georeferencing page
   (point pairs image ↔ map, or the four corners dragged on the map). Leaflet 1.9.4,
   vendored; a basemap only when the site configures one. */
"use strict";

const FloorPlans = (() => {
  const json = (id) => JSON.parse(document.getElementById(id).textContent);
  const csrf = () => document.querySelector("[name=csrfmiddlewaretoken]").value;
  const fmt = (value, digits) => (value === null || value === undefined ? "" : value.toFixed(digits));

  function baseMap(element, settings, options) {
    const map = L.map(element, Object.assign({maxZoom: 22, zoomAnimation: false}, options));
    if (settings.basemap) {
      L.tileLayer(settings.basemap, {attribution: settings.attribution, maxZoom: 22,
                                     maxNativeZoom: 18}).addTo(map);
    }
    return map;
  }

  function extentBounds(extent) {  // EPSG:3857 box → Leaflet bounds
    const sw = L.CRS.EPSG3857.unproject(L.point(extent[0], extent[1]));
    const ne = L.CRS.EPSG3857.unproject(L.point(extent[2], extent[3]));
    return L.latLngBounds(sw, ne);
  }

  function planTiles(tiles, version) {
    return L.tileLayer(`${tiles}?v=${version}`, {maxZoom: 22, className: "fp-tiles"});
  }

  /* ---- the map page ---------------------------------------------------------------- */
  function initMapPage() {
    const placed = json("fp-placed");
    const map = baseMap("fp-overview", json("fp-settings"), {});
    let bounds = null;
    for (const plan of placed) {
      planTiles(plan.tiles, plan.version).addTo(map);
      const box = extentBounds(plan.extent);
      L.rectangle(box, {weight: 1, fill: false, color: "#0b3d91"})
        .bindTooltip(`${plan.name} · ${plan.enterprise}`).addTo(map)
        .on("click", () => { window.location = `/floorplans/${plan.id}/edit`; });
      bounds = bounds ? bounds.extend(box) : box;
    }
    if (bounds) map.fitBounds(bounds, {padding: [20, 20]});
    else map.setView([35, 105], 4);

    const form = document.getElementById("fp-upload");  // absent for read-only callers
    form?.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = document.getElementById("fp-upload-error");
      error.textContent = "";
      const response = await fetch("/floorplans/", {method: "POST", body: new FormData(form),
                                                    headers: {"X-CSRFToken": csrf()}});
      const body = await response.json();
      if (response.status === 201) window.location = `/floorplans/${body.id}/edit`;
      else error.textContent = body.error;
    });
  }

  /* ---- projective CSS transform for the corner-drag preview -------------------------- */
  const adj = (m) => [m[4] * m[8] - m[5] * m[7], m[2] * m[7] - m[1] * m[8], m[1] * m[5] - m[2] * m[4],
    m[5] * m[6] - m[3] * m[8], m[0] * m[8] - m[2] * m[6], m[2] * m[3] - m[0] * m[5],
    m[3] * m[7] - m[4] * m[6], m[1] * m[6] - m[0] * m[7], m[0] * m[4] - m[1] * m[3]];
  function mul(a, b) {
    const c = [];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      c[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
    }
    return c;
  }
  function basis(p) {  // the 3×3 taking the unit square's corners to four points
    const m = [p[0].x, p[1].x, p[2].x, p[0].y, p[1].y, p[2].y, 1, 1, 1];
    const a = adj(m);
    const v = [a[0] * p[3].x + a[1] * p[3].y + a[2], a[3] * p[3].x + a[4] * p[3].y + a[5],
               a[6] * p[3].x + a[7] * p[3].y + a[8]];
    return mul(m, [v[0], 0, 0, 0, v[1], 0, 0, 0, v[2]]);
  }
  function matrix3d(from, to) {
    const t = mul(basis(to), adj(basis(from))).map((v, _i, all) => v / all[8]);
    return `matrix3d(${[t[0], t[3], 0, t[6], t[1], t[4], 0, t[7], 0, 0, 1, 0, t[2], t[5], 0, t[8]]})`;
  }

  /* ---- the georeferencing page ------------------------------------------------------- */
  function initEditPage() {
    const data = json("fp-data");
    const labels = json("fp-labels");
    const plan = data.plan;
    const W = plan.width, H = plan.height;
    const state = {mode: "corners", points: plan.control_points.slice(), pending: null, markers: [], result: null,
                   tiles: null};

    // the picture in pixel space: lat = −row, lng = col
    const image = L.map("fp-image", {crs: L.CRS.Simple, minZoom: -6, maxZoom: 5, zoomSnap: 0.25,
                                     attributionControl: false, zoomAnimation: false});
    const pictureBounds = [[-H, 0], [0, W]];
    L.imageOverlay(data.image, pictureBounds).addTo(image);
    image.fitBounds(pictureBounds);

    const map = baseMap("fp-map", data, {});
    const home = L.latLng(data.enterprise[1], data.enterprise[0]);
    L.circleMarker(home, {radius: 6, color: "#c62828"}).bindTooltip(labels.enterprise).addTo(map);
    map.setView(home, 17);

    // corners: top-left, top-right, bottom-right, bottom-left; first ~200 ground metres wide
    const pixelCorners = [[0, 0], [W, 0], [W, H], [0, H]];
    const centre = L.CRS.EPSG3857.project(home);
    const metresPerPixel = 200 / W / Math.cos(home.lat * Math.PI / 180);
    const cornerIcon = L.divIcon({className: "fp-corner", iconSize: [14, 14]});
    const start = ([col, row], i) => (data.corners  // where the last fit put them
      ? L.latLng(data.corners[i][1], data.corners[i][0])
      : L.CRS.EPSG3857.unproject(L.point(centre.x + (col - W / 2) * metresPerPixel,
                                         centre.y - (row - H / 2) * metresPerPixel)));
    const corners = pixelCorners.map((corner, i) => L.marker(
      start(corner, i), {draggable: true, icon: cornerIcon, title: labels.corners[i]}));
    const outline = L.polygon([], {weight: 2, color: "#ff8c00", fill: false, interactive: false});
    map.createPane("fpPreview").style.zIndex = 350;
    const preview = L.DomUtil.create("img", "fp-preview", map.getPane("fpPreview"));
    preview.src = data.image;
    preview.style.width = `${W}px`;
    preview.style.height = `${H}px`;

    function drawCorners() {
      const shown = state.mode === "corners";
      corners.forEach((m) => (shown ? m.addTo(map) : m.remove()));
      outline.setLatLngs(corners.map((m) => m.getLatLng()));
      shown ? outline.addTo(map) : outline.remove();
      // the preview goes once a fit is drawn as tiles, and comes back when a corner moves
      preview.style.display = shown && !state.result ? "" : "none";
      if (!shown) return;
      const to = corners.map((m) => map.latLngToLayerPoint(m.getLatLng()));
      const from = pixelCorners.map(([x, y]) => L.point(x, y));
      preview.style.transform = matrix3d(from, to);
    }
    corners.forEach((m) => m.on("drag", drawCorners).on("dragstart", () => {
      state.result = null;
      drawTable();
    }).on("dragend", drawTable));
    map.on("zoomend viewreset", drawCorners);

    // point pairs: a click on the picture, then one on the map
    const numberIcon = (n, pending) => L.divIcon({className: `fp-num${pending ? " pending" : ""}`,
                                                   html: String(n), iconSize: [24, 24]});
    function drawPoints() {
      state.markers.forEach((m) => m.remove());
      state.markers = [];
      if (state.mode !== "points") return;
      state.points.forEach((p, i) => {
        state.markers.push(L.marker([-p.row, p.col], {icon: numberIcon(i + 1)}).addTo(image),
                           L.marker([p.lat, p.lon], {icon: numberIcon(i + 1)}).addTo(map));
      });
      if (state.pending) {
        state.markers.push(L.marker([-state.pending.row, state.pending.col],
                                    {icon: numberIcon(state.points.length + 1, true)}).addTo(image));
      }
    }
    image.on("click", (e) => {
      if (state.mode !== "points") return;
      const col = e.latlng.lng, row = -e.latlng.lat;
      if (col < 0 || row < 0 || col > W || row > H) return;
      state.pending = {col, row};
      drawPoints();
    });
    map.on("click", (e) => {
      if (state.mode !== "points" || !state.pending) return;
      state.points.push(Object.assign(state.pending, {lon: e.latlng.lng, lat: e.latlng.lat}));
      state.pending = null;
      state.result = null;
      drawPoints();
      drawTable();
    });

    function currentPoints() {
      if (state.mode === "points") return state.points;
      return corners.map((m, i) => ({col: pixelCorners[i][0], row: pixelCorners[i][1],
                                     lon: m.getLatLng().lng, lat: m.getLatLng().lat}));
    }

    function drawTable() {
      const rows = state.result ? state.result.control_points : currentPoints();
      const residuals = state.result ? state.result.residuals_m : [];
      const body = document.querySelector("#fp-points tbody");
      body.replaceChildren(...rows.map((p, i) => {
        const tr = document.createElement("tr");
        for (const text of [i + 1, fmt(p.col, 1), fmt(p.row, 1), fmt(p.lon, 7), fmt(p.lat, 7),
                            fmt(residuals[i], 3)]) {
          tr.appendChild(document.createElement("td")).textContent = text;
        }
        tr.lastChild.className = "fp-residual";
        if (state.mode === "points" && !state.result) {
          const drop = tr.appendChild(document.createElement("td")).appendChild(
            document.createElement("button"));
          drop.type = "button";
          drop.textContent = labels.remove;
          drop.onclick = () => { state.points.splice(i, 1); drawPoints(); drawTable(); };
        }
        return tr;
      }));
      document.getElementById("fp-rms").textContent = state.result
        ? `${labels.method[state.result.method]} · RMS ${fmt(state.result.rms_m, 3)} ${labels.metres}` : "";
    }

    function showResult(result) {
      state.result = result;
      if (state.tiles) state.tiles.remove();
      state.tiles = planTiles(result.tiles, result.version).addTo(map);
      document.getElementById("fp-method").value = result.method;
      drawCorners();
      drawTable();
    }

    for (const radio of document.querySelectorAll("input[name=mode]")) {
      radio.addEventListener("change", () => {
        state.mode = radio.value;
        state.result = null;
        drawCorners();
        drawPoints();
        drawTable();
      });
    }
    document.getElementById("fp-clear").addEventListener("click", () => {
      state.points = [];
      state.pending = null;
      state.result = null;
      drawPoints();
      drawTable();
    });
    document.getElementById("fp-controls").addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = document.getElementById("fp-error");
      error.textContent = "";
      const response = await fetch(`/floorplans/${plan.id}/control-points`, {
        method: "POST", headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
        body: JSON.stringify({control_points: currentPoints(),
                              method: document.getElementById("fp-method").value}),
      });
      const body = await response.json();
      if (response.ok) showResult(body);
      else error.textContent = body.error;
    });

    drawCorners();
    if (plan.tiles) {
      showResult(plan);
      map.fitBounds(extentBounds(plan.extent_3857));
    } else {
      drawTable();
    }
  }

  return {initMapPage, initEditPage};
})();
