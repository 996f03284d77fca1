/* Venue form: set the position by clicking the map or dragging its marker, or look an address up.
 * The latitude/longitude inputs stay the source of truth (and usable by keyboard): the map follows them and
 * writes to them. Texts come from data-msg-* attributes so they are translated with the page. */
(function () {
  "use strict";
  var box = document.getElementById("venue-map");
  if (!box || !window.L) { return; }
  var latInput = document.getElementById("lat");
  var lonInput = document.getElementById("lon");
  var kindInput = document.getElementById("coordinates");
  var addressInput = document.getElementById("address");
  var results = document.getElementById("geocode-results");
  var msg = box.dataset;

  var centre = msg.centre.split(",").map(Number);
  var map = L.map(box, { keyboard: true }).setView(centre, 14);
  if (msg.tileUrl) {
    L.tileLayer(msg.tileUrl, { attribution: msg.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  var marker = null;

  function typedPosition() {
    var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
    if (isNaN(lat) || isNaN(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) { return null; }
    return L.latLng(lat, lon);
  }

  function placeMarker(latlng) {
    if (marker) { marker.setLatLng(latlng); return; }
    marker = L.marker(latlng, { draggable: true, keyboard: false, title: latInput.labels[0].textContent });
    marker.on("dragend", function () { writePosition(marker.getLatLng(), true); });
    marker.addTo(map);
  }

  function writePosition(latlng, byHand) {
    latInput.value = latlng.lat.toFixed(6);
    lonInput.value = latlng.lng.toFixed(6);
    if (byHand && kindInput) {
      kindInput.value = "approximate";  // placed by hand, not taken from a source (data/SCHEMA.md)
      say(msg.msgPlaced, false);
    }
  }

  function say(text, isError) {
    if (!results) { return; }
    results.textContent = "";
    var p = document.createElement("p");
    p.textContent = text;
    if (isError) { p.className = "error"; }
    results.appendChild(p);
  }

  function followInputs() {
    var latlng = typedPosition();
    if (latlng) { placeMarker(latlng); map.panTo(latlng); }
  }

  map.on("click", function (event) {
    placeMarker(event.latlng);
    writePosition(event.latlng, true);
  });
  latInput.addEventListener("change", followInputs);
  lonInput.addEventListener("change", followInputs);
  var start = typedPosition();
  if (start) { placeMarker(start); map.setView(start, 16); }

  // "Find this address": only offered when scripts run (the button's container starts hidden).
  var button = document.getElementById("geocode-button");
  if (!button || !addressInput) { return; }
  button.parentElement.hidden = false;

  function showResults(found) {
    results.textContent = "";
    var intro = document.createElement("p");
    intro.textContent = msg.msgChoose;
    var list = document.createElement("ul");
    found.forEach(function (place) {
      var item = document.createElement("li");
      var choose = document.createElement("button");
      choose.type = "button";
      choose.className = "secondary";
      choose.textContent = place.name + " (" + place.lat.toFixed(5) + ", " + place.lon.toFixed(5) + ")";
      choose.addEventListener("click", function () {
        var latlng = L.latLng(place.lat, place.lon);
        placeMarker(latlng);
        writePosition(latlng, true);
        map.setView(latlng, 17);
        latInput.focus();
      });
      item.appendChild(choose);
      list.appendChild(item);
    });
    results.appendChild(intro);
    results.appendChild(list);
  }

  button.addEventListener("click", function () {
    var query = addressInput.value.trim();
    if (!query) { say(msg.msgNoAddress, true); addressInput.focus(); return; }
    say(msg.msgSearching, false);
    button.disabled = true;
    var url = msg.geocodeUrl + "?" + new URLSearchParams({ q: query, region: msg.region });
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (!answer.ok) { say(answer.body.message || msg.msgFailed, true); return; }
        if (!answer.body.results.length) { say(answer.body.message, true); return; }
        showResults(answer.body.results);
      })
      .catch(function () { say(msg.msgFailed, true); })
      .finally(function () { button.disabled = false; });
  });
})();
