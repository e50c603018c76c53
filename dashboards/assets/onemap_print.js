// Printing the one map (打印): the map as drawn now, with what a printed map needs to be
// read away from the screen — title and place (the breadcrumb), north arrow, a scale bar
// measured on the printed image, the legend of the layers shown and the time printed.
// A button.print-map names its map (data-map) and carries the words (data-*: gettext'd by
// the page). The sheet is built only for printing and removed afterwards.
(function () {
  "use strict";
  var NICE = [1, 2, 5];

  // A round distance (m) near a fifth of the map's width, and that share of the width.
  function scaleBar(map) {
    var canvas = map.getCanvas();
    var w = canvas.clientWidth, h = canvas.clientHeight;
    var metres = map.unproject([0, h / 2]).distanceTo(map.unproject([w, h / 2]));
    var target = metres / 5, magnitude = Math.pow(10, Math.floor(Math.log10(target)));
    var distance = magnitude;
    NICE.forEach(function (n) {
      if (n * magnitude <= target) {
        distance = n * magnitude;
      }
    });
    var label = distance >= 1000 ? (distance / 1000) + " km" : distance + " m";
    return {label: label, percent: 100 * distance / metres};
  }

  function node(tag, className, text) {
    var el = document.createElement(tag);
    if (className) {
      el.className = className;
    }
    if (text) {
      el.textContent = text;
    }
    return el;
  }

  // An arrow pointing to the map's north (the bearing is 0 unless rotated).
  function northArrow(bearing, word) {
    var arrow = node("div", "print-north");
    arrow.innerHTML = '<svg viewBox="0 0 40 56" width="40" height="56" aria-hidden="true">' +
      '<polygon points="20,4 32,44 20,36 8,44" fill="#102a43"/>' +
      '<polygon points="20,4 20,36 8,44" fill="#829ab1"/></svg>';
    arrow.querySelector("svg").style.transform = "rotate(" + (-bearing) + "deg)";
    arrow.appendChild(node("span", "", word));
    return arrow;
  }

  function legendOf(page, shown) {
    var legend = node("div", "print-legend");
    page.querySelectorAll("[data-legend-layer]").forEach(function (block) {
      if (!shown || shown.indexOf(block.dataset.legendLayer) >= 0) {
        legend.appendChild(block.cloneNode(true));
      }
    });
    return legend;
  }

  function sheet(button, map, image) {
    var words = button.dataset;
    var sheetEl = node("div", "print-sheet");
    var head = node("div", "print-head");
    head.appendChild(node("h1", "", words.title));
    var trail = document.getElementById(words.trail);
    head.appendChild(node("p", "print-place", trail ? trail.textContent : ""));
    sheetEl.appendChild(head);
    var frame = node("div", "print-frame");
    // at most 150 mm high on A4 landscape, so the head and the legend fit on the page
    var canvas = map.getCanvas();
    frame.style.width = "calc(150mm * " + (canvas.clientWidth / canvas.clientHeight) + ")";
    var img = node("img", "print-image");
    img.src = image;
    img.alt = words.title;
    frame.appendChild(img);
    frame.appendChild(northArrow(map.getBearing(), words.north));
    var bar = scaleBar(map);
    var scale = node("div", "print-scale");
    scale.style.width = bar.percent + "%"; // of the frame, which is the image's width
    var line = node("div", "print-scale-bar");
    scale.appendChild(line);
    scale.appendChild(node("span", "", bar.label));
    frame.appendChild(scale);
    sheetEl.appendChild(frame);
    var foot = node("div", "print-foot");
    var shown = (window.SafeAtlas.wanted || {})[words.map];
    foot.appendChild(legendOf(document, shown));
    foot.appendChild(node("p", "print-time", words.printed + " " +
                          new Date().toLocaleString(document.documentElement.lang || "zh-CN",
                                                    {hour12: false})));
    sheetEl.appendChild(foot);
    return sheetEl;
  }

  function printMap(button) {
    var map = (window.SafeAtlas && window.SafeAtlas.maps || {})[button.dataset.map];
    if (!map) {
      return;
    }
    // The drawing buffer is cleared after each frame: read it inside a render.
    map.once("render", function () {
      var image = map.getCanvas().toDataURL("image/png");
      var old = document.querySelector(".print-sheet");
      if (old) {
        old.remove();
      }
      document.body.appendChild(sheet(button, map, image));
      document.body.classList.add("printing");
      window.print();
    });
    map.triggerRepaint();
  }

  window.addEventListener("afterprint", function () {
    document.body.classList.remove("printing");
    var old = document.querySelector(".print-sheet");
    if (old) {
      old.remove();
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.print-map");
    if (button) {
      printMap(button);
    }
  });
})();
