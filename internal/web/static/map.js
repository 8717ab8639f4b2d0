// map.js: draws the results on a map. The list on the page is the source of truth; if
// the map library cannot load, the map box simply stays hidden. Marker data comes from
// the JSON block #map-data, so no inline script is needed (the CSP forbids it).
(function () {
  "use strict";
  var box = document.getElementById("map");
  var raw = document.getElementById("map-data");
  if (!box || !raw) return;
  var data;
  try { data = JSON.parse(raw.textContent); } catch (e) { return; }
  if (!data || !data.items || !data.items.length) return;

  var LEAFLET = "https://unpkg.com/leaflet@1.9.4/dist/";
  var LEAFLET_CSS_SRI = "sha256-p4NxAoJBhIIN+hmNHrzRCf9tD/miZyoHS5obTRR9BMY=";
  var LEAFLET_JS_SRI = "sha256-20nQCchB9co0qIjJZRGuk2/Z9VM+kNiyxNV1lvTlZBo=";
  var COLORS = { open: "#116329", closed: "#6e7781", unknown: "#9a3412" };

  function load(src, integrity, done) {
    var s = document.createElement("script");
    s.src = src;
    s.async = true;
    if (integrity) { s.integrity = integrity; s.crossOrigin = "anonymous"; }
    s.onload = done;
    s.onerror = function () { box.hidden = true; };
    document.head.appendChild(s);
  }

  function link(item) {
    var a = document.createElement("a");
    a.href = item.url;
    a.textContent = item.name;
    var p = document.createElement("div");
    p.appendChild(a);
    var t = document.createElement("div");
    t.textContent = item.text;
    p.appendChild(t);
    return p;
  }

  function leaflet() {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = LEAFLET + "leaflet.css";
    css.integrity = LEAFLET_CSS_SRI;
    css.crossOrigin = "anonymous";
    document.head.appendChild(css);
    load(LEAFLET + "leaflet.js", LEAFLET_JS_SRI, function () {
      if (!window.L) return;
      box.hidden = false;
      var map = L.map(box, { scrollWheelZoom: false }).setView([data.lat, data.lng], 14);
      L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", {
        maxZoom: 19, attribution: "&copy; OpenStreetMap contributors"
      }).addTo(map);
      L.circleMarker([data.lat, data.lng], { radius: 6, color: "#0b5cad", fillOpacity: 1 }).addTo(map).bindTooltip("검색 위치");
      var bounds = [[data.lat, data.lng]];
      data.items.forEach(function (it) {
        // Shape differs by state too (solid, hollow, dashed), not colour alone.
        var style = { radius: 9, weight: 3, color: COLORS[it.status] || COLORS.unknown };
        if (it.status === "open") style.fillOpacity = 0.9;
        else if (it.status === "closed") style.fillOpacity = 0;
        else { style.fillOpacity = 0.2; style.dashArray = "3 3"; }
        L.circleMarker([it.lat, it.lng], style).addTo(map).bindPopup(link(it));
        bounds.push([it.lat, it.lng]);
      });
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
    });
  }

  function kakaoMap() {
    load("https://dapi.kakao.com/v2/maps/sdk.js?autoload=false&appkey=" + encodeURIComponent(data.key), null, function () {
      if (!window.kakao || !kakao.maps) { box.hidden = true; return; }
      kakao.maps.load(function () {
        box.hidden = false;
        var center = new kakao.maps.LatLng(data.lat, data.lng);
        var map = new kakao.maps.Map(box, { center: center, level: 5 });
        var bounds = new kakao.maps.LatLngBounds();
        bounds.extend(center);
        var info = new kakao.maps.InfoWindow({ removable: true });
        data.items.forEach(function (it) {
          var pos = new kakao.maps.LatLng(it.lat, it.lng);
          var m = new kakao.maps.Marker({ position: pos, title: it.name + " · " + it.text, map: map });
          kakao.maps.event.addListener(m, "click", function () {
            info.setContent(link(it));
            info.open(map, m);
          });
          bounds.extend(pos);
        });
        map.setBounds(bounds);
      });
    });
  }

  if (data.provider === "kakao" && data.key) kakaoMap(); else leaflet();
})();
