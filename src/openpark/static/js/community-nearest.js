// 附近驿站: fill the form with the phone's position when the rider allows it, then search.
(function () {
  "use strict";
  var button = document.getElementById("nearest-locate");
  if (!button) { return; }
  var status = document.getElementById("nearest-status");
  button.addEventListener("click", function () {
    if (!navigator.geolocation) {
      status.textContent = "此浏览器不支持定位，请选择一个起点站点。";
      return;
    }
    status.textContent = "正在定位……";
    navigator.geolocation.getCurrentPosition(function (position) {
      document.getElementById("nearest-lon").value = position.coords.longitude.toFixed(6);
      document.getElementById("nearest-lat").value = position.coords.latitude.toFixed(6);
      var select = document.querySelector("#nearest-form select[name=from]");
      if (select) { select.value = ""; }
      document.getElementById("nearest-form").submit();
    }, function () {
      status.textContent = "未能获取位置（可能未授权），请选择一个起点站点。";
    }, {enableHighAccuracy: true, timeout: 10000, maximumAge: 60000});
  });
}());
