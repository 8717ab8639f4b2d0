// geo.js: the "내 위치 사용" button. It asks the browser for the position and reloads the
// search with lat/lng; the position goes nowhere else. Without JavaScript the button
// stays hidden and the place-name box works alone.
(function () {
  "use strict";
  var form = document.querySelector("form.placeform");
  if (!form || !("geolocation" in navigator)) return;
  var btn = form.querySelector("[data-geo]");
  var msg = form.querySelector("[data-geo-error]");
  if (!btn) return;
  btn.hidden = false;
  var label = btn.innerHTML;
  function fail(text) {
    btn.disabled = false;
    btn.innerHTML = label;
    if (msg) { msg.textContent = text; msg.hidden = false; }
  }
  function locate() {
    btn.disabled = true;
    btn.textContent = "위치를 확인하고 있어요…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      var params = new URLSearchParams();
      form.querySelectorAll("input[type=hidden]").forEach(function (el) {
        if (el.name !== "lat" && el.name !== "lng" && el.name !== "place") params.append(el.name, el.value);
      });
      params.set("lat", pos.coords.latitude.toFixed(5));
      params.set("lng", pos.coords.longitude.toFixed(5));
      window.location.assign(form.getAttribute("action") + "?" + params.toString());
    }, function (err) {
      fail(err && err.code === 1
        ? "위치 사용이 허용되지 않았어요. 장소 이름으로 찾아 주세요."
        : "위치를 알아내지 못했어요. 장소 이름으로 찾아 주세요.");
    }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 });
  }
  btn.addEventListener("click", locate);
  if (form.hasAttribute("data-auto")) locate();
})();
