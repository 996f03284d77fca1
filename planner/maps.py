"""Folium maps for pages: all venues of a region, and a planned route day by day.

Pure functions of data (no Flask): the caller passes `asset_url`, which turns a path under static/ into a
URL, so every script and stylesheet comes from our own static/ folder (Folium's defaults point at CDNs), and
`tiles`, a configurable tile URL so an office can use its own tile server.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template
from markupsafe import Markup, escape

AssetUrl = Callable[[str], str]

CATEGORY_COLOURS = {
    "tea_house": "#b5485d",
    "historic_district": "#8c564b",
    "pottery": "#d9822b",
    "gold_leaf": "#c9a227",
    "textile": "#7b4fa0",
    "lacquer": "#7a1f1f",
    "metal": "#5f6b73",
    "paper": "#a3a380",
    "confectionery": "#e377c2",
    "market": "#2ca02c",
    "museum": "#1f77b4",
    "gallery": "#17becf",
    "garden": "#3b7d3b",
    "shrine_temple": "#d62728",
    "heritage_site": "#6b4226",
    "workshop": "#ff7f0e",
    "shop": "#bcbd22",
    "meeting_venue": "#111111",
    "lodging": "#4a4a9c",
    "transport_hub": "#555555",
}
DAY_COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b")


@dataclass(frozen=True)
class Tiles:
    """A tile source; an empty url draws markers and lines on a blank background."""

    url: str
    attribution: str


@dataclass(frozen=True)
class MapParts:
    """A rendered map split for a Jinja template: header (in <head>), html (in the body), script."""

    header: Markup
    html: Markup
    script: Markup


class PlannerMap(folium.Map):
    """A folium.Map whose JS/CSS come from static/; per-instance lists leave Folium's global defaults alone."""

    def __init__(self, asset_url: AssetUrl, tiles: Tiles, **kwargs: Any) -> None:
        super().__init__(tiles=None, **kwargs)
        MetricScale().add_to(self)
        # Folium hands max_zoom to its tile layer only; without one, Leaflet (and marker clustering) has none.
        self.options["maxZoom"] = 19
        self.default_js = [
            ("leaflet", asset_url("vendor/leaflet/leaflet.js")),
            ("jquery", asset_url("vendor/jquery/jquery.min.js")),
        ]
        self.default_css = [("leaflet_css", asset_url("vendor/leaflet/leaflet.css"))]
        if tiles.url:
            folium.TileLayer(tiles=tiles.url, attr=tiles.attribution, name="map", max_zoom=19).add_to(self)


class MetricScale(MacroElement):
    """A metric-only scale bar (Folium's control_scale adds miles too)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


class ClusteredGeoJson(JSCSSMixin, MacroElement):
    """One GeoJSON layer of venue points, coloured by category, inside a marker-cluster group.

    A single layer built in the browser from the FeatureCollection keeps a 2,000-venue page small and fast
    (one Folium Marker per venue emits a block of JavaScript each). The points travel as rows (`pack_points`)
    and the browser rebuilds the GeoJSON: that halves the bytes of a big region. Popups are built from
    properties with an HTML escape in JS, so venue text never becomes markup.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.markerClusterGroup({maxClusterRadius: 40, disableClusteringAtZoom: 17});
        (function () {
            var colours = {{ this.colours|tojson }};
            var labels = {{ this.labels|tojson }};
            function esc(s) {
                return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
                    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
                });
            }
            var packed = {{ this.data_json }};
            var features = packed.rows.map(function (row) {
                var properties = {};
                packed.keys.forEach(function (key, i) {
                    if (row[i + 2] !== null) { properties[key] = row[i + 2]; }
                });
                return {type: "Feature", geometry: {type: "Point", coordinates: [row[0], row[1]]},
                        properties: properties};
            });
            L.geoJSON({type: "FeatureCollection", features: features}, {
                pointToLayer: function (feature, latlng) {
                    return L.circleMarker(latlng, {radius: 7, color: "#222", weight: 1,
                        fillColor: colours[feature.properties.category] || "#777", fillOpacity: 0.9});
                },
                onEachFeature: function (feature, layer) {
                    var p = feature.properties;
                    layer.bindTooltip(esc(p.label));
                    var html = "<strong>" + esc(p.label) + "</strong>";
                    if (p.name_local) {
                        html += "<br><span lang='" + esc(p.local_lang) + "'>" + esc(p.name_local) + "</span>";
                    }
                    html += "<br>" + esc(labels[p.category] || p.category);
                    if (p.hours_text) { html += "<br>" + esc(p.hours_text); }
                    if (p.experience) { html += "<br>" + esc(p.experience); }
                    if (p.url) { html += "<br><a href='" + esc(p.url) + "'>" + esc(labels._details) + "</a>"; }
                    layer.bindPopup(html);
                }
            }).addTo({{ this.get_name() }});
            {{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, data: Mapping[str, Any], labels: Mapping[str, str], asset_url: AssetUrl) -> None:
        super().__init__()
        self._name = "ClusteredGeoJson"
        self.data_json = script_json(pack_points(data))
        self.labels = dict(labels)
        self.colours = CATEGORY_COLOURS
        self.default_js = [("markerclusterjs", asset_url("vendor/leaflet.markercluster/leaflet.markercluster.js"))]
        self.default_css = [
            ("markerclustercss", asset_url("vendor/leaflet.markercluster/MarkerCluster.css")),
            ("markerclusterdefaultcss", asset_url("vendor/leaflet.markercluster/MarkerCluster.Default.css")),
        ]


def pack_points(data: Mapping[str, Any]) -> dict[str, Any]:
    """A FeatureCollection of points as ``{"keys": [property names], "rows": [[lon, lat, value per key]]}``:
    the same facts without GeoJSON's per-feature repetition of type names and property keys."""
    features = data.get("features", [])
    keys = sorted({key for feature in features for key in feature["properties"]})
    rows = [
        [*feature["geometry"]["coordinates"][:2], *(feature["properties"].get(key) for key in keys)]
        for feature in features
    ]
    return {"keys": keys, "rows": rows}


def script_json(data: Any) -> str:
    """JSON safe inside a <script>: compact, UTF-8 kept as is (ASCII escapes would double Japanese and Korean
    text), and the characters that could end the script or a string escaped, as Jinja's tojson does."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _SCRIPT_ESCAPES:
        text = text.replace(char, escaped)
    return text


_SCRIPT_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("'", "\\u0027"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


class Legend(MacroElement):
    """A small fixed legend box: coloured swatches with labels."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
          .planner-legend { position: absolute; z-index: 1000; bottom: 24px; left: 10px; background: #fff;
            padding: 6px 8px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.4); font: 12px/1.4 sans-serif;
            max-height: 45%; overflow-y: auto; }
          .planner-legend i { display: inline-block; width: 12px; height: 12px; margin-right: 6px;
            border-radius: 50%; vertical-align: -1px; border: 1px solid #222; }
          .planner-legend .line i { border-radius: 0; height: 4px; vertical-align: 3px; border: 0; }
        </style>
        {% endmacro %}
        {% macro html(this, kwargs) %}
        <div class="planner-legend {{ this.kind }}" aria-label="{{ this.title|e }}">
          <strong>{{ this.title|e }}</strong>
          {% for colour, label in this.items %}
          <div><i style="background: {{ colour|e }}"></i>{{ label|e }}</div>
          {% endfor %}
        </div>
        {% endmacro %}
        """
    )

    def __init__(self, title: str, items: Sequence[tuple[str, str]], kind: str = "") -> None:
        super().__init__()
        self._name = "Legend"
        self.title = title
        self.items = list(items)
        self.kind = kind


def build_region_map(
    features: Mapping[str, Any],
    centre: tuple[float, float],
    labels: Mapping[str, str],
    asset_url: AssetUrl,
    tiles: Tiles,
) -> folium.Map:
    """Map every venue of a FeatureCollection, coloured by category, clustered, with a legend.

    :param labels: display names per category (translated), plus ``_details`` and ``_legend``.
    """
    m = PlannerMap(asset_url, tiles, location=list(centre), zoom_start=14)
    ClusteredGeoJson(features, labels, asset_url).add_to(m)
    used = sorted({f["properties"]["category"] for f in features.get("features", [])})
    Legend(
        labels.get("_legend", "Categories"), [(CATEGORY_COLOURS.get(c, "#777"), labels.get(c, c)) for c in used]
    ).add_to(m)
    points = [f["geometry"]["coordinates"] for f in features.get("features", [])]
    if len(points) > 1:
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    return m


@dataclass(frozen=True)
class RouteStop:
    """A numbered stop on a route map; `popup` is plain text lines (escaped here)."""

    number: int | None
    lat: float
    lon: float
    label: str
    popup: Sequence[str]
    kind: str


@dataclass(frozen=True)
class RouteDay:
    """One day of a route map: its name in the layer control, stops in order, and the line through them."""

    name: str
    stops: Sequence[RouteStop]
    line: Sequence[tuple[float, float]]


def build_route_map(days: Sequence[RouteDay], asset_url: AssetUrl, tiles: Tiles, legend_title: str) -> folium.Map:
    """Map a plan: per day a layer with numbered markers in visiting order and the route line in its colour."""
    all_points = [(s.lat, s.lon) for d in days for s in d.stops] or [(0.0, 0.0)]
    m = PlannerMap(asset_url, tiles, location=list(all_points[0]), zoom_start=14)
    for n, day in enumerate(days):
        colour = DAY_COLOURS[n % len(DAY_COLOURS)]
        group = folium.FeatureGroup(name=escape(day.name)).add_to(m)
        if len(day.line) > 1:
            folium.PolyLine(day.line, color=colour, weight=4, opacity=0.8, tooltip=escape(day.name)).add_to(group)
        for stop in day.stops:
            text = "" if stop.number is None else str(stop.number)
            # the kind as a class lets a page style appointments apart from visits (the numbers stay one sequence)
            base = " planner-pin-base" if stop.number is None else ""
            shape = f"planner-pin planner-pin-{escape(stop.kind)}{base}"
            icon = folium.DivIcon(
                html=f'<div class="{shape}" style="background:{colour}">{escape(text)}</div>',
                icon_size=(26, 26),
                icon_anchor=(13, 13),
                class_name="planner-pin-icon",
            )
            popup = "<br>".join(str(escape(line)) for line in stop.popup)
            folium.Marker(
                [stop.lat, stop.lon],
                icon=icon,
                tooltip=escape(f"{text} {stop.label}".strip()),
                popup=folium.Popup(popup, max_width=320),
            ).add_to(group)
    root = m.get_root()
    assert isinstance(root, Figure)
    root.header.add_child(Element(_PIN_STYLE), name="planner_pin_style")
    Legend(legend_title, [(DAY_COLOURS[n % len(DAY_COLOURS)], d.name) for n, d in enumerate(days)], "line").add_to(m)
    if len(days) > 1:
        folium.LayerControl(collapsed=False).add_to(m)
    if len(all_points) > 1:
        lats, lons = [p[0] for p in all_points], [p[1] for p in all_points]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(30, 30))
    return m


_PIN_STYLE = """<style>
.planner-pin { width: 26px; height: 26px; border-radius: 50%; color: #fff; font: bold 13px/26px sans-serif;
  text-align: center; border: 2px solid #fff; box-shadow: 0 1px 3px rgba(0,0,0,.6); box-sizing: border-box; }
.planner-pin-base { border-radius: 4px; width: 18px; height: 18px; margin: 4px; }
.planner-pin-appointment { border-radius: 4px; border-color: #111; }
</style>"""


def split_map(m: folium.Map) -> MapParts:
    """Render a map into the three parts a page template places (Folium's 'components' pattern)."""
    root = m.get_root()
    assert isinstance(root, Figure)
    root.render()  # fills root.header with the JS/CSS links
    return MapParts(Markup(root.header.render()), Markup(root.html.render()), Markup(root.script.render()))
