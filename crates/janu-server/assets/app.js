// Janu: small enhancements shared by every page. Pages work without it.
(function () {
  "use strict";
  // The trimester only matters with pregnancy: enable it only then.
  var preg = document.querySelector('input[name="condition"][value="pregnancy"]');
  var tri = document.querySelector('select[name="trimester"]');
  if (preg && tri) {
    var sync = function () { tri.disabled = !preg.checked; };
    preg.addEventListener("change", sync);
    sync();
  }
})();
