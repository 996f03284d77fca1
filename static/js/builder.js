/* Tour builder, progressively enhanced: the form works without this file (the server adds and removes rows
   and filters the list); with it, rows change in place, the venue list filters as you type, venues are added
   from map popups, points are set by clicking the map, and addresses are looked up through the geocode API. */
(function () {
  "use strict";

  var form = document.getElementById("builder");
  if (!form) { return; }
  var data = form.dataset;
  var map = window[data.map];
  var picker = form.querySelector("[data-picker]");
  var candidates = form.querySelector("[data-candidates]");
  var appointments = form.querySelector("[data-appointments]");
  var live = document.createElement("p");
  live.className = "sr-only";
  live.setAttribute("aria-live", "polite");
  form.appendChild(live);

  function announce(text) { live.textContent = ""; window.setTimeout(function () { live.textContent = text; }, 50); }

  function nextIndex(container, kind) {
    var max = -1;
    container.querySelectorAll("[name^='" + kind + "-']").forEach(function (el) {
      var n = parseInt(el.name.split("-")[1], 10);
      if (!isNaN(n) && n > max) { max = n; }
    });
    return max + 1;
  }

  function cloneRow(templateId, index) {
    var html = document.getElementById(templateId).innerHTML.split("__index__").join(String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    enhance(row);
    return row;
  }

  /* ---- the trip's dates ---- */
  function tripDates() {
    var start = form.querySelector("[data-trip-start]").value;
    var end = form.querySelector("[data-trip-end]").value;
    if (!start || !end) { return []; }
    var dates = [];
    var day = new Date(start + "T00:00:00Z");
    var last = new Date(end + "T00:00:00Z");
    while (day <= last && dates.length < 14) {
      dates.push(day.toISOString().slice(0, 10));
      day = new Date(day.getTime() + 86400000);
    }
    return day <= last ? [] : dates;
  }

  function dayLabel(iso, long) {
    var options = long ? {weekday: "long", day: "numeric", month: "long"} : {weekday: "short", day: "numeric", month: "short"};
    return new Date(iso + "T00:00:00Z").toLocaleDateString(document.documentElement.lang || "en", Object.assign({timeZone: "UTC"}, options));
  }

  function fillDateSelect(select, dates) {
    var chosen = select.value;
    var first = select.options[0];
    select.innerHTML = "";
    select.appendChild(first);
    dates.forEach(function (iso) {
      var option = new Option(dayLabel(iso, false), iso);
      select.appendChild(option);
    });
    select.value = dates.indexOf(chosen) >= 0 ? chosen : "";
  }

  function syncDates() {
    var dates = tripDates();
    form.querySelectorAll("[data-date-select]").forEach(function (select) { fillDateSelect(select, dates); });
    form.querySelectorAll("input[type=date][name^='appointments-']").forEach(function (input) {
      input.min = dates[0] || "";
      input.max = dates[dates.length - 1] || "";
    });
    var wrap = form.querySelector("[data-days-wrap]");
    var list = form.querySelector("[data-days]");
    var wanted = dates.length > 1 ? dates : [];
    list.querySelectorAll("[data-day]").forEach(function (row) {
      if (wanted.indexOf(row.dataset.day) < 0) { row.remove(); }
    });
    wanted.forEach(function (iso, position) {
      var row = list.querySelector("[data-day='" + iso + "']");
      if (!row) {
        row = cloneRow("day-row", nextIndex(list, "days"));
        row.dataset.day = iso;
        row.querySelector("input[type=hidden][name$='-date']").value = iso;
        row.querySelector("[data-day-label]").textContent = dayLabel(iso, true);
      }
      list.appendChild(row);  // keeps the rows in date order
    });
    wrap.hidden = wanted.length < 2;
    refreshOpen(dates);
  }

  function refreshOpen(dates) {
    if (!dates.length) { return; }
    var url = data.openUrl + "?" + new URLSearchParams({region: data.region, start: dates[0], end: dates[dates.length - 1]});
    fetch(url, {headers: {Accept: "application/json"}}).then(function (r) { return r.ok ? r.json() : null; }).then(function (answer) {
      if (!answer) { return; }
      picker.querySelectorAll("li[data-venue]").forEach(function (li) {
        var open = answer.venues[li.dataset.venue] || [];
        li.dataset.open = open.join(" ");
        var tag = li.querySelector("[data-closed]");
        if (tag) { tag.hidden = open.length > 0; }
      });
      applyFilters();
    }).catch(function () { /* the list keeps its last answer */ });
  }

  /* ---- the venue list and its filters ---- */
  function applyFilters() {
    var text = (form.querySelector("[data-filter-text]").value || "").trim().toLowerCase();
    var category = form.querySelector("[data-filter-category]").value;
    var handsOn = form.querySelector("[name=filter_hands_on]").checked;
    var openOnly = form.querySelector("[name=filter_open]").checked;
    picker.querySelectorAll("li[data-venue]").forEach(function (li) {
      li.hidden = (text && li.dataset.search.indexOf(text) < 0) ||
        (category && li.dataset.category !== category) ||
        (handsOn && li.dataset.handsOn !== "1") ||
        (openOnly && !li.dataset.open);
    });
  }

  function chosenSlugs() {
    return Array.prototype.map.call(candidates.querySelectorAll("[data-slug]"), function (li) { return li.dataset.slug; });
  }

  function refreshChosen() {
    var chosen = chosenSlugs();
    picker.querySelectorAll("li[data-venue]").forEach(function (li) {
      var button = li.querySelector("[data-add]");
      var isChosen = chosen.indexOf(li.dataset.venue) >= 0;
      button.disabled = isChosen;
      button.textContent = isChosen ? data.msgAdded : button.dataset.addLabel;
    });
    form.querySelector("[data-cand-count]").textContent = "(" + chosen.length + ")";
    form.querySelector("[data-cand-empty]").hidden = chosen.length > 0;
    styleMarkers(chosen);
  }

  function addCandidate(slug) {
    if (chosenSlugs().indexOf(slug) >= 0) { return false; }
    var source = picker.querySelector("li[data-venue='" + slug + "']");
    if (!source) { return false; }
    var row = cloneRow("candidate-row", nextIndex(candidates, "candidates"));
    row.dataset.slug = slug;
    row.querySelector("input[type=hidden][name$='-venue']").value = slug;
    row.querySelector("[data-cand-name]").textContent = source.dataset.name;
    row.querySelector("[data-cand-local]").textContent = source.dataset.local;
    row.querySelector("input[name$='-visit_minutes']").placeholder = source.dataset.minutes;
    var remove = row.querySelector("[data-remove]");
    remove.setAttribute("aria-label", remove.textContent.trim() + " " + source.dataset.name);
    fillDateSelect(row.querySelector("[data-date-select]"), tripDates());
    candidates.appendChild(row);
    refreshChosen();
    announce(source.dataset.name + ": " + data.msgAdded);
    return true;
  }

  /* ---- markers of the builder map ---- */
  var venueLayers = [];
  if (map) {
    map.eachLayer(function (layer) {
      if (L.MarkerClusterGroup && layer instanceof L.MarkerClusterGroup) { venueLayers = venueLayers.concat(layer.getLayers()); }
    });
  }

  function styleMarkers(chosen) {
    venueLayers.forEach(function (marker) {
      var slug = marker.feature && marker.feature.properties.slug;
      var on = chosen.indexOf(slug) >= 0;
      if (marker.setStyle) { marker.setStyle({weight: on ? 4 : 1, color: on ? "#000" : "#222"}); }
      if (marker.setRadius) { marker.setRadius(on ? 10 : 7); }
    });
  }

  if (map) {
    map.on("popupopen", function (event) {
      var layer = event.popup._source;
      var slug = layer && layer.feature && layer.feature.properties.slug;
      var content = event.popup.getElement().querySelector(".leaflet-popup-content");
      if (!slug || !content || content.querySelector("[data-popup-add]")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "small";
      button.dataset.popupAdd = slug;
      var chosen = chosenSlugs().indexOf(slug) >= 0;
      button.textContent = chosen ? data.msgAdded : data.msgAdd;
      button.disabled = chosen;
      button.addEventListener("click", function () {
        addCandidate(slug);
        button.textContent = data.msgAdded;
        button.disabled = true;
      });
      var source = picker.querySelector("li[data-venue='" + slug + "']");
      if (source && tripDates().length) {  // the popup's hours are for one day; this covers the whole trip
        var open = source.dataset.open ? source.dataset.open.split(" ") : [];
        var line = document.createElement("p");
        line.className = open.length ? "" : "bad";
        line.textContent = open.length ? data.msgOpenOn + " " + open.map(function (iso) { return dayLabel(iso, false); }).join(", ")
          : data.msgClosedOn;
        content.appendChild(line);
      }
      var p = document.createElement("p");
      p.appendChild(button);
      content.appendChild(p);
    });
  }

  /* ---- places: a point clicked on the map, or an address ---- */
  var picking = null;
  var pointMarkers = new Map();

  function setPoint(fieldset, lat, lon, name) {
    fieldset.querySelector("input[name$='-lat']").value = lat.toFixed(6);
    fieldset.querySelector("input[name$='-lon']").value = lon.toFixed(6);
    var nameInput = fieldset.querySelector("input[name$='-name']");
    if (name || !nameInput.value) { nameInput.value = name || data.msgPoint + " " + lat.toFixed(5) + ", " + lon.toFixed(5); }
    fieldset.querySelector("[data-venue-select]").value = "";
    if (map) {
      var old = pointMarkers.get(fieldset);
      if (old) { map.removeLayer(old); }
      var legend = fieldset.querySelector("legend").textContent.trim();
      pointMarkers.set(fieldset, L.circleMarker([lat, lon], {radius: 9, color: "#a4372a", weight: 3, fillOpacity: 0.2})
        .bindTooltip(legend).addTo(map));
    }
  }

  function stopPicking() {
    if (!picking) { return; }
    picking.querySelector("[data-pick]").setAttribute("aria-pressed", "false");
    picking = null;
    if (map) { map.getContainer().style.cursor = ""; }
  }

  if (map) {
    map.on("click", function (event) {
      if (!picking) { return; }
      var fieldset = picking;
      stopPicking();
      setPoint(fieldset, event.latlng.lat, event.latlng.lng, "");
      fieldset.querySelector("input[name$='-name']").focus();
    });
  }

  function geocode(fieldset) {
    var query = fieldset.querySelector("[data-geocode-query]").value.trim();
    var message = fieldset.querySelector("[data-geocode-message]");
    var results = fieldset.querySelector("[data-geocode-results]");
    results.innerHTML = "";
    message.classList.remove("bad");
    if (!query) {
      message.textContent = data.msgGeocodeEmpty;
      message.classList.add("bad");
      return;
    }
    message.textContent = data.msgSearching;
    var url = data.geocodeUrl + "?" + new URLSearchParams({q: query, region: data.region});
    fetch(url, {headers: {Accept: "application/json"}}).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) { return {ok: response.ok, body: body}; });
    }).then(function (answer) {
      var found = answer.ok && answer.body.results ? answer.body.results : null;
      if (!found) {
        message.textContent = answer.body.message || data.msgGeocodeFailed;
        message.classList.add("bad");
        return;
      }
      if (!found.length) {
        message.textContent = data.msgGeocodeNone;
        message.classList.add("bad");
        return;
      }
      message.textContent = "";
      found.slice(0, 5).forEach(function (place) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "secondary small";
        button.textContent = place.name;
        button.addEventListener("click", function () {
          setPoint(fieldset, place.lat, place.lon, place.name);
          results.innerHTML = "";
          message.textContent = place.name;
          if (map) { map.setView([place.lat, place.lon], Math.max(map.getZoom(), 15)); }
        });
        li.appendChild(button);
        results.appendChild(li);
      });
    }).catch(function () {
      message.textContent = data.msgGeocodeFailed;
      message.classList.add("bad");
    });
  }

  /* ---- wiring: done for the page and for every copied row ---- */
  function enhance(root) {
    root.querySelectorAll("[data-geocode], [data-pick]").forEach(function (el) { el.hidden = false; });
    root.querySelectorAll("[data-pick]").forEach(function (button) {
      button.addEventListener("click", function () {
        var fieldset = button.closest("[data-place]");
        if (picking === fieldset) { stopPicking(); return; }
        stopPicking();
        picking = fieldset;
        button.setAttribute("aria-pressed", "true");
        if (map) {
          map.getContainer().style.cursor = "crosshair";
          map.getContainer().scrollIntoView({block: "nearest", behavior: "smooth"});
        }
        announce(data.msgPick);
      });
    });
    root.querySelectorAll("[data-geocode-button]").forEach(function (button) {
      button.addEventListener("click", function () { geocode(button.closest("[data-place]")); });
    });
    root.querySelectorAll("[data-geocode-query]").forEach(function (input) {
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {  // look the address up instead of submitting the whole form
          event.preventDefault();
          geocode(input.closest("[data-place]"));
        }
      });
    });
    root.querySelectorAll("[data-remove]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        var row = button.closest("[data-row]");
        var next = row.nextElementSibling || row.previousElementSibling;
        row.remove();
        refreshChosen();
        numberAppointments();
        var focusTarget = next ? next.querySelector("input, select, button") : form.querySelector("[data-add-appointment]");
        if (focusTarget) { focusTarget.focus(); }
      });
    });
  }

  function numberAppointments() {
    appointments.querySelectorAll("[data-number]").forEach(function (el, i) { el.textContent = String(i + 1); });
  }

  enhance(form);
  form.querySelector("[data-filter-submit]").hidden = true;
  picker.querySelectorAll("[data-add]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var row = button.closest("li");
      addCandidate(row.dataset.venue);
      // keep the keyboard in the list: on to the next venue that can still be added
      var next = row.nextElementSibling;
      while (next && (next.hidden || next.querySelector("[data-add]").disabled)) { next = next.nextElementSibling; }
      if (next) { next.querySelector("[data-add]").focus(); }
    });
  });


  form.querySelector("[data-add-appointment]").addEventListener("click", function (event) {
    event.preventDefault();
    var row = cloneRow("appointment-row", nextIndex(appointments, "appointments"));
    var dates = tripDates();
    var date = row.querySelector("input[type=date]");
    date.value = dates[0] || "";
    date.min = dates[0] || "";
    date.max = dates[dates.length - 1] || "";
    appointments.appendChild(row);
    numberAppointments();
    row.querySelector("input").focus();
  });

  ["data-filter-text", "data-filter-category"].forEach(function (attr) {
    form.querySelector("[" + attr + "]").addEventListener("input", applyFilters);
  });
  form.querySelectorAll("[name=filter_hands_on], [name=filter_open]").forEach(function (box) {
    box.addEventListener("change", applyFilters);
  });
  form.querySelector("[data-filter-text]").addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); }  // filtering is live; Enter must not plan
  });
  form.querySelectorAll("[data-trip-start], [data-trip-end]").forEach(function (input) {
    input.addEventListener("change", syncDates);
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") { stopPicking(); } });

  refreshChosen();
  var alert = document.getElementById("conflict") || document.getElementById("form-errors");
  if (alert) { alert.focus(); }
})();
