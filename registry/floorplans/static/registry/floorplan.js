/* Floor plan pages (厂区平面图): the map page (list, upload) and the georeferencing page
   (point pairs image ↔ map, or the four corners dragged on the map). The maps are the
   page maps of layers/page_map.js (MapLibre GL JS, ADR 0023): the plan is placed on the
   caller's base map; the picture has its own frame with no base. */
"use strict";

const FloorPlans = (() => {
  const json = (id) => JSON.parse(document.getElementById(id).textContent);
  const csrf = () => document.querySelector("[name=csrfmiddlewaretoken]").value;
  const fmt = (value, digits) => (value === null || value === undefined ? "" : value.toFixed(digits));
  const lngLat = (ll) => [ll.lng, ll.lat];
  const Mercator = () => window.maplibregl.MercatorCoordinate;
  const planTiles = (tiles, version) => `${tiles}?v=${version}`;

  function marker(className, text, title) {
    const element = document.createElement("div");
    element.className = className;
    element.textContent = text;
    if (title) element.title = title;
    return element;
  }

  /* ---- the map page ---------------------------------------------------------------- */
  function boxes(placed) {  // each placed plan's extent as a rectangle, its name at the middle
    return {type: "FeatureCollection", features: placed.flatMap((plan) => {
      const [[w, s], [e, n]] = SafeAtlas.mercatorBounds(plan.extent);
      const properties = {name: `${plan.name} · ${plan.enterprise}`};
      return [{type: "Feature", id: plan.id, properties,
               geometry: {type: "Polygon", coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}},
              {type: "Feature", id: plan.id, properties,
               geometry: {type: "Point", coordinates: [(w + e) / 2, (s + n) / 2]}}];
    })};
  }

  function showPlaced(map, placed) {
    for (const plan of placed) SafeAtlas.addRaster(map, `fp-${plan.id}`, planTiles(plan.tiles, plan.version));
    map.addSource("fp-boxes", {type: "geojson", data: boxes(placed)});
    const polygons = ["==", ["geometry-type"], "Polygon"];
    map.addLayer({id: "fp-boxes-fill", type: "fill", source: "fp-boxes", filter: polygons,
                  paint: {"fill-opacity": 0}});
    map.addLayer({id: "fp-boxes-line", type: "line", source: "fp-boxes", filter: polygons,
                  paint: {"line-color": "#0b3d91", "line-width": 1}});
    map.addLayer({id: "fp-boxes-label", type: "symbol", source: "fp-boxes",
                  filter: ["==", ["geometry-type"], "Point"],
                  layout: {"text-field": ["get", "name"], "text-font": map.__fonts, "text-size": 13},
                  paint: {"text-color": "#0b3d91", "text-halo-color": "#fff", "text-halo-width": 1.6}});
    map.on("click", "fp-boxes-fill", (e) => { window.location = `/floorplans/${e.features[0].id}/edit`; });
    map.on("mouseenter", "fp-boxes-fill", () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", "fp-boxes-fill", () => { map.getCanvas().style.cursor = ""; });
    if (!placed.length) return;
    const all = placed.map((plan) => SafeAtlas.mercatorBounds(plan.extent));
    map.fitBounds([[Math.min(...all.map((b) => b[0][0])), Math.min(...all.map((b) => b[0][1]))],
                   [Math.max(...all.map((b) => b[1][0])), Math.max(...all.map((b) => b[1][1]))]],
                  {padding: 20, maxZoom: 16, animate: false});  // the plans among their roads
  }

  function initMapPage() {
    const placed = json("fp-placed");
    SafeAtlas.pageMapReady(document.getElementById("fp-overview")).then((map) => showPlaced(map, placed));

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

  /* ---- the picture's frame: pixel (col, row) ↔ a small square of Web Mercator at the
     origin, where the projection is linear, so the picture is drawn undistorted ------- */
  function pictureFrame(W, H) {
    const k = 1e-3 / Math.max(W, H);  // Mercator units (world = 1) per pixel
    return {
      lngLat: (col, row) => lngLat(new (Mercator())(0.5 + col * k, 0.5 + row * k).toLngLat()),
      pixel: (ll) => {
        const m = Mercator().fromLngLat(ll);
        return {col: (m.x - 0.5) / k, row: (m.y - 0.5) / k};
      },
    };
  }

  /* ---- the georeferencing page ------------------------------------------------------- */
  function initEditPage() {
    const data = json("fp-data");
    const labels = json("fp-labels");
    const plan = data.plan;
    const W = plan.width, H = plan.height;
    const imageUrl = SafeAtlas.absolute(data.image);
    const state = {mode: "corners", points: plan.control_points.slice(), pending: null, markers: [],
                   result: null, ready: false};
    const imageEl = document.getElementById("fp-image"), mapEl = document.getElementById("fp-map");
    const image = SafeAtlas.startPageMap(imageEl), map = SafeAtlas.startPageMap(mapEl);

    const frame = pictureFrame(W, H);
    const pixelCorners = [[0, 0], [W, 0], [W, H], [0, H]];  // TL, TR, BR, BL (MapLibre's order)
    image.fitBounds([frame.lngLat(0, H), frame.lngLat(W, 0)], {padding: 10, animate: false});
    SafeAtlas.pageMapReady(imageEl).then(() => {
      image.addSource("fp-picture", {type: "image", url: imageUrl,
                                     coordinates: pixelCorners.map(([c, r]) => frame.lngLat(c, r))});
      image.addLayer({id: "fp-picture", type: "raster", source: "fp-picture",
                      paint: {"raster-fade-duration": 0}}, "page-fill");
    });

    // corners: first ~200 ground metres wide around the enterprise, or where the last fit put them
    const home = Mercator().fromLngLat(data.enterprise);
    const unit = 200 / W * home.meterInMercatorCoordinateUnits();
    const start = ([col, row], i) => (data.corners ? data.corners[i]
      : lngLat(new (Mercator())(home.x + (col - W / 2) * unit, home.y + (row - H / 2) * unit).toLngLat()));
    const corners = pixelCorners.map((corner, i) => new window.maplibregl.Marker(
      {element: marker("fp-corner", "", labels.corners[i]), draggable: true}).setLngLat(start(corner, i)));
    const cornerCoords = () => corners.map((m) => lngLat(m.getLngLat()));

    function drawCorners() {
      const shown = state.mode === "corners";
      corners.forEach((m) => (shown ? m.addTo(map) : m.remove()));
      if (!state.ready) return;
      const ring = [...cornerCoords(), cornerCoords()[0]];
      map.getSource("fp-outline").setData({type: "FeatureCollection", features: shown ? [
        {type: "Feature", properties: {}, geometry: {type: "LineString", coordinates: ring}}] : []});
      // the preview goes once a fit is drawn as tiles, and comes back when a corner moves
      map.setLayoutProperty("fp-preview", "visibility", shown && !state.result ? "visible" : "none");
      map.getSource("fp-preview").setCoordinates(cornerCoords());
    }
    corners.forEach((m) => {  // Marker.on returns a subscription, not the marker
      m.on("dragstart", () => { state.result = null; drawTable(); });
      m.on("drag", drawCorners);
      m.on("dragend", () => { drawCorners(); drawTable(); });
    });

    // point pairs: a click on the picture, then one on the map
    function drawPoints() {
      state.markers.forEach((m) => m.remove());
      state.markers = [];
      if (state.mode !== "points") return;
      const numbered = (n, pending) => marker(`fp-num${pending ? " pending" : ""}`, String(n));
      state.points.forEach((p, i) => {
        state.markers.push(
          new window.maplibregl.Marker({element: numbered(i + 1)}).setLngLat(frame.lngLat(p.col, p.row)).addTo(image),
          new window.maplibregl.Marker({element: numbered(i + 1)}).setLngLat([p.lon, p.lat]).addTo(map));
      });
      if (state.pending) {
        state.markers.push(new window.maplibregl.Marker({element: numbered(state.points.length + 1, true)})
          .setLngLat(frame.lngLat(state.pending.col, state.pending.row)).addTo(image));
      }
    }
    image.on("click", (e) => {
      if (state.mode !== "points") return;
      const {col, row} = frame.pixel(e.lngLat);
      if (col < 0 || row < 0 || col > W || row > H) return;
      state.pending = {col, row};
      drawPoints();
    });
    map.on("click", (e) => {
      if (state.mode !== "points" || !state.pending) return;
      state.points.push(Object.assign(state.pending, {lon: e.lngLat.lng, lat: e.lngLat.lat}));
      state.pending = null;
      state.result = null;
      drawPoints();
      drawTable();
    });

    function currentPoints() {
      if (state.mode === "points") return state.points;
      return corners.map((m, i) => ({col: pixelCorners[i][0], row: pixelCorners[i][1],
                                     lon: m.getLngLat().lng, lat: m.getLngLat().lat}));
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
      if (map.getLayer("fp-plan")) map.removeLayer("fp-plan");
      if (map.getSource("fp-plan")) map.removeSource("fp-plan");
      SafeAtlas.addRaster(map, "fp-plan", planTiles(result.tiles, result.version));
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
    drawTable();
    SafeAtlas.pageMapReady(mapEl).then(() => {
      map.addSource("fp-preview", {type: "image", url: imageUrl, coordinates: cornerCoords()});
      map.addLayer({id: "fp-preview", type: "raster", source: "fp-preview",
                    paint: {"raster-opacity": 0.6, "raster-fade-duration": 0}}, SafeAtlas.belowNames(map));
      map.addSource("fp-outline", {type: "geojson", data: {type: "FeatureCollection", features: []}});
      map.addLayer({id: "fp-outline", type: "line", source: "fp-outline",
                    paint: {"line-color": "#ff8c00", "line-width": 2}});
      state.ready = true;
      if (plan.tiles) showResult(plan);
      else drawCorners();
    });
  }

  return {initMapPage, initEditPage};
})();
