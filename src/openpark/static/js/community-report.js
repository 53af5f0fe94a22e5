// 随手拍 on a phone: the position from the phone, the photos shrunk in the browser before they are
// sent (Compressor.js, at most 1600 px a side, JPEG 0.8; the camera's EXIF is kept for the server,
// which reads its position and stores the photo without it), the open cases nearby of the chosen
// category ("是这个吗？"), and one submission per form. The photos' part serves every form with
// the 拍照 / 相册 buttons (.report-photo-form: the report, and 补充照片 on a case's page). Everything
// works without this script too: the server shrinks the photos and takes the position from a
// photo or the address.
(function () {
  "use strict";
  var canReplaceFiles = typeof DataTransfer === "function" && (function () {
    try { return !!new DataTransfer().items; } catch (error) { return false; }
  }());

  // A form with the 拍照 / 相册 buttons: the photos shrunk and previewed, the form sent once.
  function photoForm(form) {
    var camera = form.querySelector("input.report-file[capture]");
    var album = form.querySelector("input.report-file:not([capture])");
    var previews = form.querySelector(".report-previews");
    var photoStatus = form.querySelector(".report-photo-status");
    var buttons = form.querySelectorAll("button[type=submit]");
    var submit = buttons[buttons.length - 1];  // the form's own, after any in the nearby cases
    var most = parseInt(previews.getAttribute("data-max"), 10) || 6;
    var chosen = [];  // [{file: File, url: object URL of its preview}]
    var pending = 0;

    // Photos -----------------------------------------------------------------------------------------
    function showStatus() {
      if (pending) {
        photoStatus.textContent = "正在压缩照片……";
      } else if (chosen.length) {
        photoStatus.textContent = "已选 " + chosen.length + " 张照片（最多 " + most + " 张）";
      } else {
        photoStatus.textContent = "最多 " + most + " 张照片";
      }
      submit.disabled = pending > 0;
    }

    function sync() {
      if (!canReplaceFiles) { return; }
      var transfer = new DataTransfer();
      chosen.forEach(function (item) { transfer.items.add(item.file); });
      camera.files = transfer.files;
      album.value = "";
    }

    function drawPreviews() {
      previews.textContent = "";
      chosen.forEach(function (item, index) {
        var box = document.createElement("span");
        box.className = "report-preview";
        var image = document.createElement("img");
        image.src = item.url;
        image.alt = "照片 " + (index + 1);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "report-preview-remove";
        remove.setAttribute("aria-label", "删除这张照片");
        remove.textContent = "×";
        remove.addEventListener("click", function () {
          URL.revokeObjectURL(item.url);
          chosen.splice(chosen.indexOf(item), 1);
          sync();
          drawPreviews();
        });
        box.appendChild(image);
        box.appendChild(remove);
        previews.appendChild(box);
      });
      showStatus();
    }

    function jpegName(name) {
      var stem = (name || "照片").replace(/\.[^.]*$/, "") || "照片";
      return stem + ".jpg";
    }

    function add(file) {
      return new Promise(function (resolve) {
        function keep(result) {
          if (chosen.length < most) {
            chosen.push({file: result, url: URL.createObjectURL(result)});
          }
          resolve();
        }
        if (typeof window.Compressor !== "function") { keep(file); return; }
        // eslint-disable-next-line no-new
        new window.Compressor(file, {
          maxWidth: 1600, maxHeight: 1600, quality: 0.8, mimeType: "image/jpeg", convertSize: 0,
          retainExif: true,
          success: function (blob) { keep(new File([blob], jpegName(file.name), {type: "image/jpeg"})); },
          error: function () { keep(file); }
        });
      });
    }

    function picked(event) {
      var input = event.target;
      var files = Array.prototype.slice.call(input.files || []);
      if (!canReplaceFiles) {  // the browser sends the files as chosen; the server shrinks them
        photoStatus.textContent = files.length ? "已选 " + files.length + " 张照片" : "";
        return;
      }
      var room = Math.max(0, most - chosen.length);
      if (files.length > room) {
        photoStatus.textContent = "最多 " + most + " 张照片，多选的未加入。";
      }
      files = files.slice(0, room);
      pending += files.length;
      showStatus();
      files.reduce(function (done, file) {
        return done.then(function () { return add(file); }).then(function () { pending -= 1; });
      }, Promise.resolve()).then(function () {
        sync();
        drawPreviews();
      });
    }

    camera.addEventListener("change", picked);
    album.addEventListener("change", picked);


    camera.addEventListener("change", picked);
    album.addEventListener("change", picked);

    // One submission per form.
    form.addEventListener("submit", function (event) {
      if (pending) { event.preventDefault(); return; }
      if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
      form.setAttribute("data-sent", "1");
      submit.textContent = form.id === "report-form" ? "正在上报……" : "正在上传……";
      window.setTimeout(function () { submit.disabled = true; }, 0);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.report-photo-form"), photoForm);

  var form = document.getElementById("report-form");
  if (!form) { return; }
  var longitude = document.getElementById("report-longitude");
  var latitude = document.getElementById("report-latitude");
  var locationText = document.getElementById("report-location-text");
  var nearby = document.getElementById("report-nearby");
  var same = document.getElementById("report-same");
  var dismissed = {};  // categories whose nearby cases the reporter said were not theirs

  // The position -------------------------------------------------------------------------------
  function located(position) {
    longitude.value = position.coords.longitude.toFixed(6);
    latitude.value = position.coords.latitude.toFixed(6);
    var accuracy = Math.round(position.coords.accuracy || 0);
    locationText.textContent = "已取得手机定位" + (accuracy ? "（误差约 " + accuracy + " 米）" : "");
    askNearby();
  }

  function notLocated() {
    if (!longitude.value) {
      locationText.textContent = "未能取得手机定位：将使用照片中的位置，或请填写地址。";
    }
  }

  if (navigator.geolocation) {
    locationText.textContent = "正在定位……";
    navigator.geolocation.getCurrentPosition(located, notLocated,
                                             {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  } else {
    notLocated();
  }

  // 是这个吗？ -----------------------------------------------------------------------------------
  function category() {
    var checked = form.querySelector("input[name=category]:checked");
    return checked ? checked.value : "";
  }

  function askNearby() {
    var chosenCategory = category();
    if (!chosenCategory || !longitude.value || !latitude.value || dismissed[chosenCategory]) {
      nearby.hidden = true;
      return;
    }
    var query = "?category=" + encodeURIComponent(chosenCategory) + "&longitude=" +
      encodeURIComponent(longitude.value) + "&latitude=" + encodeURIComponent(latitude.value);
    nearby.hidden = true;
    // htmx puts the server's fragment in place (its template escapes every text); a refusal is not swapped.
    htmx.ajax("GET", form.getAttribute("data-nearby-url") + query, {target: nearby})
      .then(function () {
        nearby.hidden = chosenCategory !== category() || !nearby.querySelector(".report-same-button");
      })
      .catch(function () { nearby.hidden = true; });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "category") { askNearby(); }
  });

  nearby.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    if (button.classList.contains("report-same-button")) {
      document.getElementById("report-same-number").textContent = button.getAttribute("data-number");
      document.getElementById("report-same-state").textContent = button.getAttribute("data-state");
      form.hidden = true;
      same.hidden = false;
      same.scrollIntoView();
    } else if (button.id === "report-not-same") {
      dismissed[category()] = true;
      nearby.hidden = true;
    }
  });
}());
