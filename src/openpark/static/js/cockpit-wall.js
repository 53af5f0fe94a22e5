// The cockpit's wall display: the 全屏 button asks the browser for full screen (the page reloads
// itself through its meta refresh).
(function () {
  "use strict";
  var button = document.getElementById("wall-fullscreen");
  if (!button) { return; }
  if (!document.documentElement.requestFullscreen) { button.hidden = true; return; }
  button.addEventListener("click", function () {
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else { document.documentElement.requestFullscreen(); }
  });
})();
