// The command-centre large screen (大屏, dashboards/screen.py): clock, the live list of new
// warnings, and the map's dark restyling. Live from the monitoring event stream
// (GET /monitoring/events, ADR 0018: an EventSource, same origin, the session cookie; the
// events are already read in the caller's scope). On each event: the row is prepended
// (at most MAX_ROWS kept, so a wall running for days holds a bounded DOM), the live layers'
// tiles are reloaded (they answer 304 where nothing changed) and the Dash store `data-tick`
// is set so the panels are read again — at most once per REFRESH_MS and twice that.
// Dash serves every dashboard's assets on every dashboard: this does nothing without #screen.
(function () {
  "use strict";
  var MAX_ROWS = 50;
  var REFRESH_MS = 1000;
  var LIVE_SOURCES = ["warnings", "alarms", "sensors"];
  var COLOURS = {1: "#FF0000", 2: "#FF8C00", 3: "#FFD700", 4: "#1E90FF"};
  var ns = (window.SafeAtlas = window.SafeAtlas || {maps: {}, wanted: {}});

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function setProps(id, value) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, {data: value});
    }
  }

  // ---- the clock --------------------------------------------------------------------
  function startClock(node) {
    var lang = document.documentElement.lang || "zh-CN";
    var day = new Intl.DateTimeFormat(lang, {year: "numeric", month: "long", day: "numeric",
                                             weekday: "long"});
    var time = new Intl.DateTimeFormat(lang, {hour: "2-digit", minute: "2-digit",
                                              second: "2-digit", hour12: false});
    var dayNode = el("span", "day"), timeNode = el("span", "time");
    node.replaceChildren(dayNode, timeNode);
    function tick() {
      var now = new Date();
      dayNode.textContent = day.format(now);
      timeNode.textContent = time.format(now);
    }
    tick();
    window.setInterval(tick, 1000);
  }

  // ---- the list of new warnings -----------------------------------------------------
  function Feed(root, onChange) {
    this.list = root.querySelector("#screen-feed");
    this.empty = root.querySelector("#screen-feed-empty");
    this.rows = new Map(); // alarm id -> {li, event}
    this.onChange = onChange;
    this.selected = root.dataset.selected;
    this.time = new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN",
                                        {month: "2-digit", day: "2-digit", hour: "2-digit",
                                         minute: "2-digit", second: "2-digit", hour12: false});
  }

  Feed.prototype.level = function (event) {
    return event.warning ? event.warning.level : event.alarm.level;
  };

  Feed.prototype.fill = function (li, event) {
    var alarm = event.alarm, warning = event.warning;
    var level = this.level(event);
    var badge = el("span", "badge level-" + level);
    badge.style.background = COLOURS[level] || "#9E9E9E";
    var body = el("div", "body");
    body.append(el("div", "title", (warning || alarm).title),
                el("div", "meta", alarm.enterprise.name));
    var when = new Date((warning || alarm).raised_at || event.at);
    li.replaceChildren(badge, body, el("time", "at", this.time.format(when)));
    li.dataset.level = level;
    li.classList.toggle("closed", Boolean(warning && warning.closed_at) ||
                        alarm.status === "released" || alarm.status === "suppressed");
  };

  // fresh: a live event (flash it); updates only change a row already listed
  Feed.prototype.add = function (event, fresh) {
    var key = event.alarm.id, row = this.rows.get(key);
    var raised = /\.raised$/.test(event.type);
    if (!row && !raised) { return; }
    if (!row) {
      var li = el("li", "item");
      li.dataset.alarm = key;
      li.addEventListener("click", this.pick.bind(this, key));
      row = {li: li, event: event};
      this.rows.set(key, row);
    } else if (event.warning || !row.event.warning) {
      row.event = event; // an alarm's later event without its warning keeps the warning
    }
    this.fill(row.li, row.event);
    if (raised) {
      this.list.prepend(row.li);
      if (fresh) {
        row.li.classList.remove("fresh");
        void row.li.offsetWidth; // restart the flash
        row.li.classList.add("fresh");
      }
    }
    this.trim();
    this.empty.hidden = this.rows.size > 0;
    this.onChange();
  };

  Feed.prototype.trim = function () {
    while (this.rows.size > MAX_ROWS && this.list.lastElementChild) {
      var last = this.list.lastElementChild;
      this.rows.delete(Number(last.dataset.alarm));
      last.remove();
    }
  };

  Feed.prototype.pick = function (key) {
    var event = this.rows.get(key).event;
    var item = event.warning ? {layer: "warnings", id: event.warning.id}
                             : {layer: "alarms", id: event.alarm.id};
    setProps(this.selected, item);
    var map = ns.maps[document.getElementById("screen").dataset.map];
    if (map) {
      map.flyTo({center: [event.alarm.lon, event.alarm.lat], zoom: Math.max(map.getZoom(), 13)});
    }
  };

  // The listed warnings as points, for the pulse layer (the tiles draw them only from z8).
  Feed.prototype.geojson = function () {
    var features = [];
    var self = this;
    this.rows.forEach(function (row) {
      var a = row.event.alarm;
      if (!row.li.classList.contains("closed")) {
        features.push({type: "Feature", properties: {level: self.level(row.event)},
                       geometry: {type: "Point", coordinates: [a.lon, a.lat]}});
      }
    });
    return {type: "FeatureCollection", features: features};
  };

  // ---- the map ----------------------------------------------------------------------
  function scaled(value, factor) {
    if (typeof value === "number") { return value * factor; }
    if (Array.isArray(value) && value[0] === "interpolate") {
      return value.map(function (v, i) {
        return i >= 4 && i % 2 === 0 && typeof v === "number" ? v * factor : v;
      });
    }
    return value;
  }

  // Dark base and type for a wall: a screen twice 1920 wide draws everything twice as big.
  function darken(map) {
    var factor = Math.max(1, Math.min(window.innerWidth / 1920, window.innerHeight / 1080));
    map.getStyle().layers.forEach(function (layer) {
      var id = layer.id;
      if (layer.type === "background") {
        map.setPaintProperty(id, "background-color", "#061426");
      } else if (layer.type === "raster") {
        map.setPaintProperty(id, "raster-brightness-max", 0.35);
        map.setPaintProperty(id, "raster-saturation", -0.6);
      } else if (layer.type === "fill") {
        var opacity = map.getPaintProperty(id, "fill-opacity");
        map.setPaintProperty(id, "fill-opacity",
                             typeof opacity === "number" ? opacity * 0.6 : 0.25);
      } else if (layer.type === "symbol") {
        map.setPaintProperty(id, "text-color", "#D6E4F0");
        map.setPaintProperty(id, "text-halo-color", "#061426");
        map.setLayoutProperty(id, "text-size",
                              scaled(map.getLayoutProperty(id, "text-size") || 12, factor));
      } else if (layer.type === "circle") {
        map.setPaintProperty(id, "circle-stroke-color", "#061426");
        map.setPaintProperty(id, "circle-radius",
                             scaled(map.getPaintProperty(id, "circle-radius") || 5, factor));
      }
    });
    return factor;
  }

  // Only what is still open: released alarms and closed warnings stay in the tiles' history.
  function openOnly(map) {
    var open = {
      alarms: ["!", ["in", ["get", "status"], ["literal", ["released", "suppressed"]]]],
      warnings: ["!", ["has", "closed_at"]],
    };
    map.getStyle().layers.forEach(function (layer) {
      var meta = layer.metadata && layer.metadata["safeatlas:layer"];
      if (open[meta] && layer.type !== "symbol") {
        map.setFilter(layer.id, open[meta]);
      }
    });
  }

  function addPulse(map, feed, factor) {
    map.addSource("screen-recent", {type: "geojson", data: feed.geojson()});
    var colour = ["match", ["get", "level"], 1, COLOURS[1], 2, COLOURS[2], 3, COLOURS[3],
                  4, COLOURS[4], "#9E9E9E"];
    map.addLayer({id: "screen-recent-ring", type: "circle", source: "screen-recent",
                  paint: {"circle-radius": 11 * factor, "circle-color": "rgba(0,0,0,0)",
                          "circle-stroke-color": colour, "circle-stroke-width": 2.5 * factor,
                          "circle-stroke-opacity": 0.9}});
    map.addLayer({id: "screen-recent-dot", type: "circle", source: "screen-recent",
                  paint: {"circle-radius": 4.5 * factor, "circle-color": colour}});
  }

  // Keep the jurisdiction in the part of the wall the side panels leave free.
  function fitFree(map, root) {
    var bounds = JSON.parse(map.getContainer().dataset.bounds || "null");
    if (!bounds) { return; }
    var left = root.querySelector(".side.left"), right = root.querySelector(".side.right");
    var top = root.querySelector(".top");
    var pad = 16;
    map.fitBounds(bounds, {animate: false, padding: {
      left: (left ? left.getBoundingClientRect().right : 0) + pad,
      right: window.innerWidth - (right ? right.getBoundingClientRect().left : window.innerWidth) + pad,
      top: (top ? top.getBoundingClientRect().bottom : 0) + pad, bottom: pad}});
  }

  function onMap(root, feed, ready) {
    var id = root.dataset.map;
    var timer = window.setInterval(function () {
      var map = ns.maps[id];
      if (!map) { return; }
      window.clearInterval(timer);
      var go = function () {
        var factor = darken(map);
        openOnly(map);
        addPulse(map, feed, factor);
        fitFree(map, root);
        ready(map);
      };
      if (map.__styleReady) { go(); } else { map.once("style.load", go); }
    }, 50);
  }

  // ---- live ---------------------------------------------------------------------------
  function throttled(fn, ms) {
    var waiting = false, again = false;
    return function run() {
      if (waiting) { again = true; return; }
      waiting = true;
      fn();
      window.setTimeout(function () {
        waiting = false;
        if (again) { again = false; run(); }
      }, ms);
    };
  }

  function boot(root) {
    var state = (ns.screen = {events: 0, lastEventAt: null, map: null, rows: 0});
    startClock(root.querySelector("#screen-clock"));
    var pulse = function () {
      var source = state.map && state.map.getSource("screen-recent");
      if (source) {
        var data = feed.geojson();
        source.setData(data);
        state.pulsing = data.features.length;
      }
    };
    var feed = new Feed(root, function () { state.rows = feed.rows.size; pulse(); });
    JSON.parse(root.dataset.recent || "[]").reverse().forEach(function (event) {
      feed.add(event, false);
    });
    feed.empty.hidden = feed.rows.size > 0;
    onMap(root, feed, function (map) { state.map = map; pulse(); });

    var reloadTiles = throttled(function () {
      if (!state.map) { return; }
      LIVE_SOURCES.forEach(function (sourceId) {
        var source = state.map.getSource(sourceId);
        if (source && source.setTiles && source.tiles) { source.setTiles(source.tiles.slice()); }
      });
    }, REFRESH_MS);
    // the panels less often than the tiles: Dash drops the answer of a callback whose input
    // changed again before it came back, so a tick faster than a busy server answers
    // would only postpone the counts
    var recount = throttled(function () { setProps(root.dataset.tick, Date.now()); },
                            2 * REFRESH_MS);

    if (root.dataset.live !== "1" || !window.EventSource) { return; }
    var stream = new window.EventSource(root.dataset.events);
    var handle = function (message) {
      var event = JSON.parse(message.data);
      state.events += 1;
      state.lastEventAt = Date.now();
      feed.add(event, true);
      reloadTiles();
      recount();
    };
    ["alarm.raised", "alarm.updated", "warning.raised", "warning.updated"].forEach(function (t) {
      stream.addEventListener(t, handle);
    });
    // more was missed than the stream replays: the panels are read again
    stream.addEventListener("stream.truncated", recount);
    stream.addEventListener("stream.closed", function () { stream.close(); });
    state.stream = stream;
  }

  var tries = 0;
  var finder = window.setInterval(function () {
    var root = document.getElementById("screen");
    if (root && root.querySelector("#screen-clock")) {
      window.clearInterval(finder);
      boot(root);
    } else if (++tries > 600) { // not the screen (another dashboard): stop looking
      window.clearInterval(finder);
    }
  }, 50);
})();
