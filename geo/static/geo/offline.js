// Offline forms (geo.offline): a form marked data-offline="<what it records>" is kept in
// IndexedDB with its files before it is sent, and sent with an X-Offline-Id so the server
// stores it once however often it arrives. With no network the record waits and is sent
// when the phone is back online (the "online" event, each page opened, every 30 s). A form
// the server refuses (4xx) is submitted the ordinary way so its errors show; a queued one
// refused later is counted in the status line. Records belong to the user who filled
// them: another user signed in on the phone never sends them.
(function () {
  "use strict";
  var DB = "safeatlas-offline", STORE = "queue", REFUSED = "safeatlas-offline-refused";
  var status = document.getElementById("offline-status");
  var user = status ? status.dataset.user : "";
  var sending = null;

  if ("serviceWorker" in navigator) {
    if (user) {
      // refused where workers are blocked: the queue works without the kept pages
      navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
    } else if (navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("forget-pages");
    }
  }

  function store(mode, work) {
    return new Promise(function (resolve, reject) {
      var opening = indexedDB.open(DB, 1);
      opening.onupgradeneeded = function () {
        opening.result.createObjectStore(STORE, {keyPath: "id"});
      };
      opening.onerror = function () { reject(opening.error); };
      opening.onsuccess = function () {
        var tx = opening.result.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && result.result); };
        tx.onerror = function () { reject(tx.error); };
      };
    });
  }
  function entries() {
    return store("readonly", function (s) { return s.getAll(); }).then(function (all) {
      return (all || []).filter(function (e) { return e.user === user; })
        .sort(function (a, b) { return a.created - b.created; });
    });
  }
  function put(entry) { return store("readwrite", function (s) { s.put(entry); }); }
  function drop(id) { return store("readwrite", function (s) { s.delete(id); }); }

  function token() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // The answer, or a rejection when there is no network (the record stays queued).
  function send(entry) {
    var body = new FormData();
    entry.fields.forEach(function (pair) {
      if (pair[0] === "csrfmiddlewaretoken") {
        return;
      }
      if (pair[1] instanceof Blob) {
        body.append(pair[0], pair[1], pair[1].name || "file");
      } else {
        body.append(pair[0], pair[1]);
      }
    });
    body.append("csrfmiddlewaretoken", token());
    return fetch(entry.url, {method: "POST", body: body, credentials: "same-origin",
                             headers: {"X-Offline-Id": entry.id, "X-CSRFToken": token(),
                                       "X-Offline-Filled-At": String(entry.created)}});
  }

  function refused(entry, response) {
    var list = JSON.parse(localStorage.getItem(REFUSED) || "[]");
    list.push({label: entry.label, created: entry.created, status: response.status});
    localStorage.setItem(REFUSED, JSON.stringify(list.slice(-20)));
  }

  // Send the user's queued records in the order they were filled; stop at the first
  // that finds no network. One run at a time.
  function flush() {
    if (!user) {
      return Promise.resolve(0);
    }
    if (sending) {
      return sending;
    }
    var sent = 0;
    sending = entries().then(function (queued) {
      return queued.reduce(function (chain, entry) {
        return chain.then(function () {
          return send(entry).then(function (response) {
            if (response.status >= 500) {
              throw new Error("server busy");
            }
            if (!response.ok) {
              refused(entry, response);
            }
            sent += 1;
            return drop(entry.id);
          });
        });
      }, Promise.resolve());
    }).catch(function () { return null; }).then(function () {
      sending = null;
      show();
      return sent;
    });
    return sending;
  }

  function show(note) {
    if (!status) {
      return;
    }
    entries().then(function (queued) {
      var bad = JSON.parse(localStorage.getItem(REFUSED) || "[]").length;
      var words = [];
      if (note) {
        words.push(note);
      }
      if (queued.length) {
        words.push(queued.length + " " + status.dataset.pending);
      }
      if (bad) {
        words.push(bad + " " + status.dataset.refused);
      }
      status.querySelector(".words").textContent = words.join(" · ");
      status.querySelector("button.send").hidden = !queued.length;
      status.querySelector("button.clear").hidden = !bad;
      status.hidden = !words.length;
      status.dataset.queued = String(queued.length);
    });
  }

  function submitted(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-offline]") || !user ||
        form.dataset.offlineBypass) {
      return;
    }
    event.preventDefault();
    var entry = {id: crypto.randomUUID(), user: user, url: form.action || location.href,
                 label: form.dataset.offline, created: Date.now(),
                 fields: Array.from(new FormData(form).entries())};
    put(entry).then(function () {
      return send(entry).then(function (response) {
        if (response.status >= 500) {
          throw new Error("server busy");
        }
        return drop(entry.id).then(function () {
          if (response.ok) {
            location.assign(response.url);
          } else {  // refused: nothing was kept; the ordinary submit shows the errors
            form.dataset.offlineBypass = "1";
            form.submit();
          }
        });
      });
    }).catch(function () { show(status && status.dataset.saved); });
  }

  document.addEventListener("submit", submitted);
  window.addEventListener("online", flush);
  if (status) {
    status.querySelector("button.send").addEventListener("click", flush);
    status.querySelector("button.clear").addEventListener("click", function () {
      localStorage.removeItem(REFUSED);
      show();
    });
  }
  if (user) {
    flush();
    window.setInterval(flush, 30000);
  }
  window.SafeAtlas = window.SafeAtlas || {};
  window.SafeAtlas.offline = {entries: entries, put: put, flush: flush, show: show};
})();
